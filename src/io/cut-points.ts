import { open } from 'node:fs/promises';

import { CsvTokenizer, MAX_RECORD_BYTES } from './csv-tokenizer';

export interface CutPoint {
  /** Byte offset of a record start. */
  offset: number;
  /** Line number of that record in the file (1 = the header). */
  line: number;
}

/**
 * Record-aligned cut points of a plain CSV file, about `targetBytes` apart, so that byte ranges can be read
 * in parallel without ever cutting a record. It runs the tokenizer's own framing (frame-only: no field is
 * built), so a cut is a record start by exactly the rule the range readers apply, bounded quoted fields and
 * over-long lines included; the line count comes along, so rejects found in a range still name the file's
 * own line numbers.
 */
export class CutScanner {
  readonly cuts: CutPoint[] = [];
  private readonly tok: CsvTokenizer;
  private tail: Buffer = Buffer.alloc(0);
  private tailBase = 0;

  constructor(private readonly targetBytes: number, private readonly size: number) {
    this.tok = new CsvTokenizer(() => undefined, { frameOnly: true });
    this.tok.recordEndFrom = targetBytes;
    this.tok.onRecordEnd = (next, line) => {
      if (next >= this.size) return;
      this.cuts.push({ offset: next, line });
      this.tok.recordEndFrom = next + this.targetBytes;
    };
  }

  /**
   * Scans `buf`, whose first byte is at file offset `base`; returns where its incomplete tail starts, to be
   * passed again in front of the next bytes (`final`: there are none).
   */
  frame(buf: Buffer, base: number, final = false): number {
    return this.tok.frame(buf, base, final);
  }

  /** Any chunking of the stream (keeps the tail itself; findCutPoints avoids this copy). */
  push(chunk: Buffer, final = false): void {
    const buf = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
    const consumed = this.frame(buf, this.tailBase, final);
    this.tail = Buffer.from(buf.subarray(consumed));
    this.tailBase += consumed;
  }
}

export async function findCutPoints(file: string, size: number, targetBytes: number, onProgress?: (bytes: number) => void): Promise<CutPoint[]> {
  if (size <= targetBytes) return [];
  const scanner = new CutScanner(targetBytes, size);
  // One reused buffer: reads land after the tail of the last one (a part of a record, at most 1 MiB), so no
  // chunk is copied again and memory stays flat whatever the file size.
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024 + MAX_RECORD_BYTES + 64);
    let keep = 0, base = 0, read = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, keep, buf.length - keep, read);
      if (bytesRead === 0) {
        scanner.frame(buf.subarray(0, keep), base, true);
        break;
      }
      read += bytesRead;
      const len = keep + bytesRead;
      const consumed = scanner.frame(buf.subarray(0, len), base, false);
      buf.copyWithin(0, consumed, len);
      keep = len - consumed;
      base += consumed;
      onProgress?.(read);
    }
  } finally {
    await fh.close();
  }
  return scanner.cuts;
}
