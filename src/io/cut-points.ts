import { open } from 'node:fs/promises';

import { CsvTokenizer } from './csv-tokenizer';

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
  private nextTarget: number;
  private readonly tok: CsvTokenizer;

  constructor(private readonly targetBytes: number, private readonly size: number) {
    this.nextTarget = targetBytes;
    this.tok = new CsvTokenizer(() => undefined, { frameOnly: true });
    this.tok.onRecordEnd = (next, line) => {
      if (next >= this.nextTarget && next < this.size) {
        this.cuts.push({ offset: next, line });
        this.nextTarget = next + this.targetBytes;
      }
    };
  }

  push(chunk: Buffer): void {
    this.tok.push(chunk);
  }

  /** Gives the tokenizer's join buffer back to the thread's shelf. */
  release(): void {
    this.tok.release();
  }
}

export async function findCutPoints(file: string, size: number, targetBytes: number, onProgress?: (bytes: number) => void): Promise<CutPoint[]> {
  if (size <= targetBytes) return [];
  const scanner = new CutScanner(targetBytes, size);
  // One reused buffer: a read stream's fresh 4 MiB per chunk would grow memory with the file until a GC.
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, bytes);
      if (bytesRead === 0) break;
      scanner.push(buf.subarray(0, bytesRead));
      bytes += bytesRead;
      onProgress?.(bytes);
    }
  } finally {
    scanner.release();
    await fh.close();
  }
  return scanner.cuts;
}
