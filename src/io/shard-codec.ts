import { brotliCompressSync, brotliDecompressSync, constants, crc32 } from 'node:zlib';

/**
 * Compressed shards (config `processing.compressShards`): a sequence of frames (`shardFrames`: one per
 * 64 KiB chunk with LZ4, one per flush of a partition with Brotli), each
 * `[magic, 4 bytes][compressed length, u32 LE][CRC-32 of the CSV bytes, u32 LE][the compressed CSV bytes]`,
 * so a file written in several flushes reads back as its CSV text frame by frame. The magic's last byte
 * names the frame's codec: `L` for LZ4 (written when its native binary loads), `B` for Brotli (written
 * otherwise, and by every version before 7 December 2026's LZ4 frames). Neither stream can simply be
 * concatenated, hence the frame; LZ4's block format and Brotli have no checksum, hence the CRC-32 (4 GB/s):
 * a damaged byte must stop the job, not change a figure.
 *
 * Why LZ4: a job reads every shard back once, and Brotli decoded at 430-550 MB/s (6.4% of a job's thread
 * time); LZ4 decodes the same frames at 1.6-2.3 GB/s and compresses them about as fast as Brotli at quality
 * 0 (350-700 MB/s against 400-580), to 0.29-0.37 of the CSV against 0.21-0.26 (bench order and trade
 * shards, 1 MiB frames, three rounds). Whole bench runs alternated with Brotli: worker CPU 43.3-44.2 s
 * against 45.9-46.5 (README, Performance).
 */
export type ShardCodec = 'lz4' | 'brotli';

const MAGIC_PREFIX = [0xf5, 0x53, 0x46] as const; // 0xF5 starts no UTF-8 text; then "SF"
const CODEC_BYTE: Readonly<Record<ShardCodec, number>> = { lz4: 0x4c, brotli: 0x42 }; // "L", "B"
/** How many bytes of a file tell whether it is a compressed shard. */
export const SHARD_MAGIC_BYTES = 4;
const HEADER_BYTES = 12;
/** LZ4's largest possible expansion: a compressed byte yields at most 255 bytes. */
const LZ4_MAX_RATIO = 255;

const BROTLI = {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 0,
    [constants.BROTLI_PARAM_LGWIN]: 18,
  },
};

interface Lz4 {
  compressSync(data: Buffer): Buffer;
  uncompressSync(data: Uint8Array): Buffer;
}

function loadLz4(): Lz4 | null {
  try {
    // A require, not an import: the package throws at load time when no binary fits the platform, and
    // that must mean "write Brotli frames", not "the module cannot load".
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('lz4-napi') as Lz4;
  } catch {
    return null;
  }
}

const lz4 = loadLz4();

/** The codec new frames are written with: LZ4 where its native binary loads, Brotli otherwise. */
export const writtenShardCodec: ShardCodec = lz4 ? 'lz4' : 'brotli';

/** Each codec's frame magic, made once: a frame is written per 64 KiB chunk. */
const FRAME_MAGIC: Readonly<Record<ShardCodec, Buffer>> = {
  lz4: Buffer.from([...MAGIC_PREFIX, CODEC_BYTE.lz4]),
  brotli: Buffer.from([...MAGIC_PREFIX, CODEC_BYTE.brotli]),
};

/** The frame magic of a codec (a copy). */
export function shardFrameMagic(codec: ShardCodec): Buffer {
  return Buffer.from(FRAME_MAGIC[codec]);
}

/** The codec of the frame starting at `at`, or null when no frame starts there. */
function codecAt(data: Uint8Array, at: number): ShardCodec | null {
  if (data.length - at < SHARD_MAGIC_BYTES) return null;
  for (let i = 0; i < MAGIC_PREFIX.length; i++) if (data[at + i] !== MAGIC_PREFIX[i]) return null;
  const b = data[at + MAGIC_PREFIX.length];
  return b === CODEC_BYTE.lz4 ? 'lz4' : b === CODEC_BYTE.brotli ? 'brotli' : null;
}

/** True when `head` (a file's first bytes) starts a compressed shard. */
export function isShardFrames(head: Uint8Array): boolean {
  return codecAt(head, 0) !== null;
}

function compressed(csv: Buffer, codec: ShardCodec): Buffer {
  if (codec === 'brotli') return brotliCompressSync(csv, { ...BROTLI, params: { ...BROTLI.params, [constants.BROTLI_PARAM_SIZE_HINT]: csv.length } });
  if (!lz4) throw new Error('shard frames: LZ4 is not available on this platform (the lz4-napi binary did not load)');
  return lz4.compressSync(csv);
}

/** The frame of one flush's CSV bytes: its header, then its compressed bytes (to write in this order). */
export function shardFrame(csv: Buffer, codec: ShardCodec = writtenShardCodec): [Buffer, Buffer] {
  const body = compressed(csv, codec);
  const header = Buffer.alloc(HEADER_BYTES);
  header.set(FRAME_MAGIC[codec]);
  header.writeUInt32LE(body.length, 4);
  header.writeUInt32LE(crc32(csv), 8);
  return [header, body];
}

/**
 * The frames of one flush's chunks of CSV bytes, to write in this order. LZ4 matches within 64 KiB anyway,
 * so each chunk (the partition writer's 64 KiB) is a frame of its own and the chunks are never joined;
 * Brotli, which matches across a 256 KiB window, takes them joined as one frame.
 */
export function shardFrames(chunks: readonly Buffer[], codec: ShardCodec = writtenShardCodec): Buffer[] {
  if (codec === 'brotli') return shardFrame(Buffer.concat(chunks), codec);
  const out: Buffer[] = [];
  for (const c of chunks) out.push(...shardFrame(c, codec));
  return out;
}

/** A compressed shard that does not decode: the work folder was damaged (or written by something else). */
export class DamagedShardError extends Error {
  constructor(readonly file: string, readonly offset: number, reason: string) {
    super(`${file}: shard file is damaged at byte ${offset} (${reason}); delete the run's work folder and rerun`);
    this.name = 'DamagedShardError';
  }
}

/** The LZ4 binding, or the error that says a shard written with LZ4 cannot be read on this platform. */
function lz4For(file: string): Lz4 {
  if (!lz4) throw new Error(`${file}: written with LZ4, whose native binary (lz4-napi) does not load here; delete the run's work folder and rerun`);
  return lz4;
}

/** The CSV bytes of an LZ4 frame's body; throws a plain Error (the caller names the file and frame). */
function lz4Block(body: Buffer, decoder: Lz4): Buffer {
  // The block's first 4 bytes are its decoded size: bounded here, so a damaged size is refused before
  // the decoder allocates it.
  if (body.length < 4) throw new Error('the LZ4 block is cut short');
  const size = body.readUInt32LE(0);
  if (size > LZ4_MAX_RATIO * body.length) throw new Error(`the LZ4 block claims ${size} bytes from ${body.length}`);
  return decoder.uncompressSync(body);
}

/** Gives the CSV bytes of each frame of a compressed shard, in order; throws DamagedShardError. */
export function forEachShardFrame(file: string, data: Buffer, onCsv: (csv: Buffer) => void): void {
  let at = 0;
  while (at < data.length) {
    if (data.length - at < HEADER_BYTES) throw new DamagedShardError(file, at, 'a frame header is cut short');
    const codec = codecAt(data, at);
    if (codec === null) throw new DamagedShardError(file, at, 'no frame starts here');
    const decoder = codec === 'lz4' ? lz4For(file) : null;
    const length = data.readUInt32LE(at + 4);
    const start = at + HEADER_BYTES;
    if (start + length > data.length) throw new DamagedShardError(file, at, `the frame needs ${length} bytes, the file has ${data.length - start}`);
    let csv: Buffer;
    try {
      const body = data.subarray(start, start + length);
      csv = decoder ? lz4Block(body, decoder) : brotliDecompressSync(body);
    } catch (e) {
      throw new DamagedShardError(file, at, (e as Error).message);
    }
    if (crc32(csv) !== data.readUInt32LE(at + 8)) throw new DamagedShardError(file, at, 'the frame\'s CRC-32 does not match its bytes');
    onCsv(csv);
    at = start + length;
  }
}
