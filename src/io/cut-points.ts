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

  /**
   * True once no later record can be a cut: the next one would have to end at or past the file's end. The
   * rest of the file then need not be read (the shard step reads it, and frames its records, anyway).
   */
  get complete(): boolean {
    return this.tok.recordEndFrom >= this.size;
  }

  /** Any chunking of the stream (keeps the tail itself; findCutPoints avoids this copy). */
  push(chunk: Buffer, final = false): void {
    const buf = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
    const consumed = this.frame(buf, this.tailBase, final);
    this.tail = Buffer.from(buf.subarray(consumed));
    this.tailBase += consumed;
  }
}

const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;
/** Room in front of each read for the tail of the chunk before it: the start of a record, which the tokenizer bounds. */
const TAIL_ROOM = MAX_RECORD_BYTES + 64;

/**
 * Cut points of a file (see CutScanner), scanned in chunks of `chunkBytes`: the next chunk is read into a
 * second buffer while the scanner works on the other, so the scan does not wait for each read. Each buffer
 * keeps room in front of its chunk for the tail of the chunk before (a part of a record), copied there before
 * the next read reuses the buffer it came from; memory stays flat whatever the file size. The scan stops
 * after the last cut (`CutScanner.complete`): a 93 MB file cut every 64 MB is read to a little past 64 MB.
 * @param chunkBytes bytes read at a time (tests pass a few). @default 4194304 (4 MiB)
 */
export async function findCutPoints(file: string, size: number, targetBytes: number, onProgress?: (bytes: number) => void,
  chunkBytes = SCAN_CHUNK_BYTES): Promise<CutPoint[]> {
  if (size <= targetBytes) return [];
  const scanner = new CutScanner(targetBytes, size);
  const fh = await open(file, 'r');
  const buffers = [Buffer.allocUnsafe(TAIL_ROOM + chunkBytes), Buffer.allocUnsafe(TAIL_ROOM + chunkBytes)];
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    let tail = Buffer.alloc(0), base = 0, read = 0, next = 0;
    pending = fh.read(buffers[next], TAIL_ROOM, chunkBytes, read);
    for (;;) {
      const { bytesRead } = await pending;
      pending = null;
      const buf = buffers[next];
      if (tail.length > TAIL_ROOM) throw new Error(`${file}: a record start ${tail.length} bytes before a chunk's end, more than the tokenizer allows`);
      const from = TAIL_ROOM - tail.length;
      tail.copy(buf, from);
      if (bytesRead === 0) {
        scanner.frame(buf.subarray(from, TAIL_ROOM), base, true);
        break;
      }
      read += bytesRead;
      next = 1 - next;
      // The tail came from the other buffer and is copied out: that buffer is free for the next read.
      pending = fh.read(buffers[next], TAIL_ROOM, chunkBytes, read);
      const end = TAIL_ROOM + bytesRead;
      const consumed = scanner.frame(buf.subarray(from, end), base, false);
      tail = buf.subarray(from + consumed, end);
      base += consumed;
      if (scanner.complete) {
        onProgress?.(size);
        break;
      }
      onProgress?.(read);
    }
  } finally {
    // A read still in flight (the scan threw) must land before the handle closes.
    await pending?.catch(() => undefined);
    await fh.close();
  }
  return scanner.cuts;
}
