import { createHash, type Hash } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { csvLine } from './csv-writer';

const CHUNK = 64 * 1024;

interface Partition {
  file: string;
  chunks: Buffer[];
  current: Buffer;
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
  private buffered = 0;

  constructor(private readonly header: readonly string[], private readonly budgetBytes = 32 * 1024 * 1024) {}

  write(file: string, row: readonly string[]): void {
    this.writeLine(file, csvLine(row));
  }

  /** Appends one ready CSV line (ending in a newline). */
  writeLine(file: string, line: string): void {
    this.append(this.partitions.get(file) ?? this.open(file), line);
    if (this.buffered > this.budgetBytes) this.flush();
  }

  /** Appends one ready CSV line given as bytes (ending in a newline): `src[0, length)`. */
  writeBytes(file: string, src: Buffer, length: number): void {
    const p = this.partitions.get(file) ?? this.open(file);
    p.rows++;
    if (p.pos + length > p.current.length) {
      if (p.pos > 0) p.chunks.push(p.current.subarray(0, p.pos));
      p.current = Buffer.allocUnsafe(Math.max(CHUNK, length));
      p.pos = 0;
    }
    src.copy(p.current, p.pos, 0, length);
    p.pos += length;
    this.buffered += length;
    if (this.buffered > this.budgetBytes) this.flush();
  }

  private open(file: string): Partition {
    mkdirSync(path.dirname(file), { recursive: true });
    const p: Partition = { file, chunks: [], current: Buffer.allocUnsafe(CHUNK), pos: 0, rows: -1, hash: createHash('sha1') };
    this.partitions.set(file, p);
    this.append(p, csvLine(this.header));
    return p;
  }

  private append(p: Partition, line: string): void {
    p.rows++;
    // Lines are mostly ASCII: try in place, and fall back to a new chunk when it may not fit.
    if (p.pos + line.length * 3 > p.current.length) {
      if (p.pos > 0) p.chunks.push(p.current.subarray(0, p.pos));
      p.current = Buffer.allocUnsafe(Math.max(CHUNK, line.length * 3));
      p.pos = 0;
    }
    const n = p.current.write(line, p.pos, 'utf8');
    p.pos += n;
    this.buffered += n;
  }

  flush(): void {
    for (const p of this.partitions.values()) {
      if (p.pos > 0) {
        p.chunks.push(p.current.subarray(0, p.pos));
        p.current = Buffer.allocUnsafe(CHUNK);
        p.pos = 0;
      }
      if (p.chunks.length === 0) continue;
      const data = p.chunks.length === 1 ? p.chunks[0] : Buffer.concat(p.chunks);
      p.chunks = [];
      // SHA-1 is a stream: hashing whole flushed chunks gives the same digest as hashing line by line.
      p.hash.update(data);
      appendFileSync(p.file, data);
    }
    this.buffered = 0;
  }

  /** Files written, their row counts and a hash of their content (identity for incremental runs). */
  files(): { file: string; rows: number; sha1: string }[] {
    return [...this.partitions.values()].map((p) => ({ file: p.file, rows: p.rows, sha1: p.hash.copy().digest('hex') }));
  }
}
