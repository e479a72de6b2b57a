import { closeSync, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';

const SMALL_FILE_BYTES = 4 * 1024 * 1024;
import { giveBuffer, takeBuffer } from './buffer-shelf';
import { CsvTokenizer } from './csv-tokenizer';
import { forEachShardFrame, isShardFrames, SHARD_MAGIC_BYTES } from './shard-codec';

/** An input error that names the file (and line when known). Not worth retrying. */
export class InputError extends Error {
  constructor(readonly file: string, message: string, readonly line?: number) {
    super(line !== undefined ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'InputError';
  }
}

export async function isGzip(file: string): Promise<boolean> {
  return startsGzip(await fileHead(file, 2));
}

/** The first `n` bytes of a file (fewer when it is shorter). */
async function fileHead(file: string, n: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function startsGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * A whole file of at most SMALL_FILE_BYTES, read through one handle (open, fstat, read, close), or null
 * when it is larger: a job reads three small shards, and separate calls to find its size and its first
 * bytes were a third of its file-system calls.
 */
async function readSmallFile(file: string): Promise<Buffer | null> {
  const fh = await open(file, 'r');
  try {
    return (await fh.stat()).size <= SMALL_FILE_BYTES ? await fh.readFile() : null;
  } finally {
    await fh.close();
  }
}

/** readSmallFile with synchronous calls (see ReadOptions `sync`). */
function readSmallFileSync(file: string): Buffer | null {
  const fd = openSync(file, 'r');
  try {
    return fstatSync(fd).size <= SMALL_FILE_BYTES ? readFileSync(fd) : null;
  } finally {
    closeSync(fd);
  }
}

/** Trimmed, lower-cased header names (some feeds start every field with a space). */
export function normaliseHeader(fields: string[]): string[] {
  return fields.map((f) => f.trim().toLowerCase());
}

export interface ReadOptions {
  /** Byte range [start, end) of a plain file; start must be a record start (see splits). @default whole file */
  start?: number;
  end?: number;
  /** Called with bytes consumed so far, about every 1 MiB. */
  onProgress?: (bytes: number) => void;
  highWaterMark?: number;
  /** The file may be a compressed shard (io/shard-codec), read whole and decoded frame by frame. @default false */
  shardFrames?: boolean;
  /**
   * Read a whole file (a small one, or a compressed shard) with synchronous calls: for a pool thread's job,
   * which has nothing else to do meanwhile (see atomic's writeFileAtomicSync). Ranges and large plain or
   * gzip files are read asynchronously either way. @default false
   */
  sync?: boolean;
}

export interface ReadHandlers {
  /** Header names, normalised. Called once, before any record (also for ranges starting past the header). */
  onHeader(names: string[]): void;
  onRecord(fields: string[], line: number, raw: () => string): void;
  onMalformed(line: number, raw: string, reason: string): void;
  /** Offered each unquoted record's bytes before it is split (see CsvTokenizer.onRawRecord); true = handled. */
  onRawRecord?(buf: Buffer, start: number, end: number, line: number): boolean;
}

/**
 * Why the start of a file is not UTF-8 text, or null. Checked on the header's bytes, so a UTF-16 export is
 * named as such instead of every column being reported missing.
 */
export function encodingProblem(head: Buffer): string | null {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    return `is UTF-16 (byte-order mark ${head[0].toString(16).toUpperCase()} ${head[1].toString(16).toUpperCase()}); ` +
      'sweepflow reads UTF-8 CSV: convert it first (iconv -f UTF-16 -t UTF-8)';
  }
  const nl = head.indexOf(10);
  const line = head.subarray(0, nl === -1 ? Math.min(head.length, 4096) : nl);
  if (line.includes(0)) return 'has NUL bytes in its header: not a UTF-8 text CSV (UTF-16 without a byte-order mark?)';
  if (nl !== -1 && Buffer.from(line.toString('utf8'), 'utf8').compare(line) !== 0) return 'has a header that is not valid UTF-8 (another encoding?): convert it to UTF-8';
  return null;
}

/** Reads the header line of a file (plain or gzip). Returns null for an empty file. */
export async function readHeader(file: string): Promise<string[] | null> {
  let header: string[] | null = null;
  const gz = await isGzip(file);
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  const source = gz ? stream.pipe(createGunzip()) : stream;
  const tok = new CsvTokenizer((fields) => {
    if (header === null) header = normaliseHeader(fields);
  });
  tok.onMalformed = () => undefined;
  let first = true;
  try {
    for await (const chunk of source) {
      if (first) {
        first = false;
        const problem = encodingProblem(chunk as Buffer);
        if (problem) throw new InputError(file, problem);
      }
      tok.push(chunk as Buffer);
      if (header) break;
    }
    if (!header) tok.end();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, gz ? `corrupt gzip: ${(e as Error).message}` : (e as Error).message);
  } finally {
    stream.destroy();
  }
  return header;
}

/**
 * Streams the records of a file or of a byte range of a plain file. Line numbers are the file's own
 * (a range knows its first line number from the split plan: `firstLine`).
 */
export async function readCsv(file: string, handlers: ReadHandlers, opts: ReadOptions & { firstLine?: number } = {}): Promise<void> {
  const start = opts.start ?? 0;
  // Small whole files (the many-small-files layout): one read instead of a stream, ~1 ms less per file.
  const whole = start === 0 && opts.end === undefined;
  let small = whole ? (opts.sync ? readSmallFileSync(file) : await readSmallFile(file)) : null;
  const head = small ?? await fileHead(file, SHARD_MAGIC_BYTES);
  const frames = opts.shardFrames === true && isShardFrames(head);
  if (frames) small ??= opts.sync ? readFileSync(file) : await readFile(file);
  const gz = startsGzip(head);
  if (gz && start !== 0) throw new InputError(file, 'a gzip file cannot be read from a byte offset');
  let headerSeen = false;
  if (start > 0) {
    const h = await readHeader(file);
    if (h === null) throw new InputError(file, 'empty file');
    handlers.onHeader(h);
    headerSeen = true;
  }
  const firstLine = opts.firstLine ?? 1;
  const onRecord = (fields: string[], line: number): void => {
    const fileLine = line + firstLine - 1;
    if (!headerSeen) {
      headerSeen = true;
      handlers.onHeader(normaliseHeader(fields));
      return;
    }
    handlers.onRecord(fields, fileLine, raw);
  };
  const raw = (): string => tok.currentRaw();
  const tok: CsvTokenizer = new CsvTokenizer(onRecord, { bom: start === 0 });
  tok.onMalformed = (line, raw, reason) => handlers.onMalformed(line + firstLine - 1, raw, reason);
  const onRaw = handlers.onRawRecord?.bind(handlers);
  if (onRaw) tok.onRawRecord = (buf, s, e, line) => headerSeen && onRaw(buf, s, e, line + firstLine - 1);
  if (small && frames) {
    forEachShardFrame(file, small, (csv) => tok.push(csv));
    tok.end();
    if (!headerSeen) handlers.onHeader([]);
    opts.onProgress?.(small.length);
    return;
  }
  if (small) {
    let data = small;
    if (gz) {
      try {
        data = gunzipSync(data);
      } catch (e) {
        throw new InputError(file, `corrupt gzip: ${(e as Error).message}`);
      }
    }
    tok.push(data);
    tok.end();
    if (!headerSeen) handlers.onHeader([]);
    opts.onProgress?.(small.length);
    return;
  }
  if (!gz) {
    await readPlainRange(file, tok, start, opts.end, opts.highWaterMark ?? 1024 * 1024, opts.onProgress);
    if (!headerSeen) handlers.onHeader([]);
    return;
  }
  const stream = createReadStream(file, { highWaterMark: opts.highWaterMark ?? 1024 * 1024 });
  const source = stream.pipe(createGunzip({ chunkSize: 1024 * 1024 }));
  let lastReport = 0;
  try {
    for await (const chunk of source) {
      tok.push(chunk as Buffer);
      if (opts.onProgress && stream.bytesRead - lastReport >= 1024 * 1024) {
        lastReport = stream.bytesRead;
        opts.onProgress(lastReport);
      }
    }
    tok.end();
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith('Z_') || /gzip|header|unexpected end/i.test(err.message)) {
      throw new InputError(file, `corrupt gzip: ${err.message}`);
    }
    throw e;
  } finally {
    stream.destroy();
  }
  if (!headerSeen) handlers.onHeader([]);
  opts.onProgress?.(stream.bytesRead);
}

/**
 * Reads [start, end) of a plain file into two reused buffers and feeds the tokenizer: memory stays flat
 * whatever the file size (a read stream allocates a fresh buffer per chunk, freed only by a later GC). The
 * next chunk is read into one buffer while the tokenizer works on the other, so the thread does not wait
 * for each read (it did: 13% of a shard task's time was spent waiting).
 */
async function readPlainRange(file: string, tok: CsvTokenizer, start: number, end: number | undefined, chunkBytes: number,
  onProgress: ((bytes: number) => void) | undefined): Promise<void> {
  const fh = await open(file, 'r');
  const shelved: Buffer[] = [];
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    const stop = end ?? (await fh.stat()).size;
    // Whole chunks come from the shelf; a small range gets buffers of its own size.
    const want = Math.max(1, Math.min(chunkBytes, stop - start));
    const buffer = (): Buffer => (want === chunkBytes ? lend(shelved, chunkBytes) : Buffer.allocUnsafe(want));
    const buffers = [buffer(), buffer()];
    const readInto = (buf: Buffer, at: number): Promise<{ bytesRead: number }> => fh.read(buf, 0, Math.min(buf.length, stop - at), at);
    let pos = start, lastReport = 0, next = 0;
    pending = pos < stop ? readInto(buffers[next], pos) : null;
    while (pending) {
      const { bytesRead } = await pending;
      pending = null;
      if (bytesRead === 0) break; // the file shrank under us: the tokenizer reports what it has
      const chunk = buffers[next].subarray(0, bytesRead);
      pos += bytesRead;
      next = 1 - next;
      // The tokenizer keeps no view of a chunk once push returns, so each buffer is free for the read after next.
      if (pos < stop) pending = readInto(buffers[next], pos);
      tok.push(chunk);
      if (onProgress && pos - start - lastReport >= 1024 * 1024) {
        lastReport = pos - start;
        onProgress(lastReport);
      }
    }
    tok.end();
    onProgress?.(pos - start);
  } finally {
    // A read still in flight (the tokenizer threw) must land before its buffer is lent again.
    await pending?.catch(() => undefined);
    tok.release();
    for (const b of shelved) giveBuffer(b);
    await fh.close();
  }
}

/** A shelf buffer of `bytes`, recorded in `shelved` to be given back. */
function lend(shelved: Buffer[], bytes: number): Buffer {
  const b = takeBuffer(bytes);
  shelved.push(b);
  return b.subarray(0, bytes);
}
