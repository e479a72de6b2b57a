import { createHash, type Hash } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { csvLine } from './csv-writer';

/**
 * Routes rows to one CSV file per partition, buffering in memory under a global budget so that a split
 * touching thousands of partitions neither holds every row nor keeps thousands of files open.
 */
export class PartitionWriter {
  private readonly buffers = new Map<string, { file: string; parts: string[]; bytes: number; rows: number; total: number; hash: Hash }>();
  private buffered = 0;

  constructor(private readonly header: readonly string[], private readonly budgetBytes = 32 * 1024 * 1024) {}

  write(file: string, row: readonly string[]): void {
    let b = this.buffers.get(file);
    if (!b) {
      mkdirSync(path.dirname(file), { recursive: true });
      b = { file, parts: [csvLine(this.header)], bytes: 0, rows: 0, total: 0, hash: createHash('sha1') };
      this.buffers.set(file, b);
    }
    const line = csvLine(row);
    b.parts.push(line);
    b.hash.update(line);
    b.bytes += line.length;
    b.rows++;
    b.total++;
    this.buffered += line.length;
    if (this.buffered > this.budgetBytes) this.flush();
  }

  flush(): void {
    for (const b of this.buffers.values()) {
      if (b.parts.length === 0) continue;
      appendFileSync(b.file, b.parts.join(''));
      b.parts = [];
      b.bytes = 0;
    }
    this.buffered = 0;
  }

  /** Files written, their row counts and a hash of their rows (content identity for incremental runs). */
  files(): { file: string; rows: number; sha1: string }[] {
    return [...this.buffers.values()].map((b) => ({ file: b.file, rows: b.total, sha1: b.hash.copy().digest('hex') }));
  }
}
