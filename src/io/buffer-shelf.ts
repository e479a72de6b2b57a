/**
 * Large scratch buffers (read chunks, the tokenizer's join buffer) lent out and given back, per thread, so
 * that reading split after split reuses the same memory: freshly allocated megabytes per split are freed
 * only by a later GC, and a long run's peak memory would otherwise grow with the number of splits.
 * Concurrent readers (on the main thread) each take their own buffer.
 */
const shelf: Buffer[] = [];
const MAX_SHELVED = 8;

/** A buffer of at least `min` bytes (from the shelf when one is big enough). */
export function takeBuffer(min: number): Buffer {
  for (let i = shelf.length - 1; i >= 0; i--) {
    if (shelf[i].length >= min) return shelf.splice(i, 1)[0];
  }
  return Buffer.allocUnsafe(min);
}

/** Gives a buffer back; the caller must not use it afterwards. */
export function giveBuffer(buf: Buffer): void {
  if (buf.length > 0 && shelf.length < MAX_SHELVED && !shelf.includes(buf)) shelf.push(buf);
}
