import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writevSync } from 'node:fs';
import path from 'node:path';
import { copyBytes, viewOf } from './byte-copy';
import { csvLine } from './csv-writer';
import { shardFrames } from './shard-codec';

const CHUNK = 64 * 1024;
const EMPTY = Buffer.alloc(0);
/**
 * Spare chunks of this thread, shared by its writers one split after another: a split's buffers serve the
 * next split, so memory reaches its level on the first split and stays there, however many follow.
 */
const SPARE: Buffer[] = [];
const MAX_SPARE = 512; // 32 MiB

/** One output file of a writer; opaque outside it. */
export interface Partition {
  file: string;
  chunks: Buffer[];
  current: Buffer;
  /** `current` as a DataView (see copyBytes). */
  view: DataView;
  pos: number;
  rows: number;
  hash: Hash;
}

/**
 * Routes rows to one CSV file per partition, buffering under a global byte budget so that a split touching
 * thousands of partitions neither holds every row nor keeps thousands of files open. Lines are copied into
 * Buffers at once: a JS string built from field slices would keep every source line alive, and the budget
 * would undercount the memory it holds.
 */
export class PartitionWriter {
  private readonly partitions = new Map<string, Partition>();
  /**
   * Partitions holding a buffer: the only ones flush and close visit, so a split of 20,000 small files
   * (one shard each, flushed and closed file by file) stays linear in its files.
   */
  private readonly live = new Set<Partition>();
  private buffered = 0;
  /** The last source of writeBytes as a DataView: callers pass the same line buffer row after row. */
  private source: Buffer = EMPTY;
  private sourceView = viewOf(EMPTY);

  /**
   * @param budgetBytes bytes buffered over all partitions before a flush. @default 33554432 (32 MiB)
   * @param compress write each flush of a partition as one frame of a compressed shard (io/shard-codec).
   *   Hashes are of the CSV bytes, so a file's identity does not depend on it. @default false
   */
  constructor(private readonly header: readonly string[], private readonly budgetBytes = 32 * 1024 * 1024, private readonly compress = false) {}

  write(file: string, row: readonly string[]): void {
    this.writeLine(file, csvLine(row));
  }

  /** Appends one ready CSV line (ending in a newline). */
  writeLine(file: string, line: string): void {
    this.append(this.partitions.get(file) ?? this.open(file), line);
    if (this.buffered > this.budgetBytes) this.flush();
  }

  /** The partition writing `file` (opened on first use): callers keep it to skip the look-up per line. */
  partition(file: string): Partition {
    return this.partitions.get(file) ?? this.open(file);
  }

  /** Appends one ready CSV line given as bytes (ending in a newline): `src[0, length)`. */
  writeBytes(p: Partition, src: Buffer, length: number): void {
    p.rows++;
    this.room(p, length);
    if (src !== this.source) {
      this.source = src;
      this.sourceView = viewOf(src);
    }
    copyBytes(this.sourceView, 0, p.view, p.pos, length);
    p.pos += length;
    this.buffered += length;
    if (this.buffered > this.budgetBytes) this.flush();
  }

  /** Partitions holding a buffer now (each up to a 64 KiB chunk, and its pending chunks). */
  get liveCount(): number {
    return this.live.size;
  }

  /** Makes sure `p.current` has `bytes` free, moving a full chunk to the flush list. */
  private room(p: Partition, bytes: number): void {
    if (p.pos + bytes <= p.current.length) return;
    if (p.pos > 0) p.chunks.push(p.current.subarray(0, p.pos));
    setCurrent(p, this.chunk(bytes));
    p.pos = 0;
    this.live.add(p);
  }

  /** A chunk of at least `min` bytes: a spare one when it fits. */
  private chunk(min: number): Buffer {
    return (min <= CHUNK ? SPARE.pop() : undefined) ?? Buffer.allocUnsafe(Math.max(CHUNK, min));
  }

  private open(file: string): Partition {
    mkdirSync(path.dirname(file), { recursive: true });
    const current = this.chunk(0);
    const p: Partition = { file, chunks: [], current, view: viewOf(current), pos: 0, rows: -1, hash: createHash('sha1') };
    this.partitions.set(file, p);
    this.live.add(p);
    this.append(p, csvLine(this.header));
    return p;
  }

  private append(p: Partition, line: string): void {
    p.rows++;
    // Lines are mostly ASCII, but a UTF-8 character can take 3 bytes per UTF-16 unit.
    this.room(p, line.length * 3);
    const n = p.current.write(line, p.pos, 'utf8');
    p.pos += n;
    this.buffered += n;
  }

  flush(): void {
    for (const p of this.live) {
      if (p.pos > 0) {
        p.chunks.push(p.current.subarray(0, p.pos));
        setCurrent(p, this.chunk(0));
        p.pos = 0;
      }
      if (p.chunks.length === 0) continue;
      // SHA-1 is a stream: hashing chunk by chunk gives the same digest as hashing line by line.
      for (const c of p.chunks) p.hash.update(c);
      const fd = openSync(p.file, 'a');
      try {
        let left = this.compress ? shardFrames(p.chunks) : p.chunks;
        while (left.length > 0) {
          let n = writevSync(fd, left);
          let i = 0; // a short write: skip what was written and write the rest
          while (i < left.length && n >= left[i].length) n -= left[i++].length;
          left = i < left.length ? [left[i].subarray(n), ...left.slice(i + 1)] : [];
        }
      } finally {
        closeSync(fd);
      }
      // Chunk buffers are reused: the writer's memory stays at its budget instead of churning.
      for (const c of p.chunks) spare(c);
      p.chunks = [];
    }
    this.buffered = 0;
  }

  /** Returns this writer's buffers to the thread's spares; call after a flush (writing again takes new ones). */
  close(): void {
    for (const p of this.live) {
      spare(p.current);
      setCurrent(p, EMPTY);
      p.pos = 0;
    }
    this.live.clear();
  }

  /** Files written, their row counts and a hash of their content (identity for incremental runs). */
  files(): { file: string; rows: number; sha1: string }[] {
    return [...this.partitions.values()].map((p) => ({ file: p.file, rows: p.rows, sha1: p.hash.copy().digest('hex') }));
  }
}

/**
 * Gives up this thread's spare chunks: a thread that sharded keeps up to MAX_SPARE of them (32 MiB), which a
 * job, writing no shards, never uses. The next shard task allocates them again.
 */
export function releaseSpareChunks(): void {
  SPARE.length = 0;
}

function setCurrent(p: Partition, chunk: Buffer): void {
  p.current = chunk;
  p.view = viewOf(chunk);
}

function spare(c: Buffer): void {
  if (c.byteOffset === 0 && c.buffer.byteLength === CHUNK && SPARE.length < MAX_SPARE) SPARE.push(Buffer.from(c.buffer, 0, CHUNK));
}
