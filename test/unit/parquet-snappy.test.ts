import { snappyUncompress } from 'hyparquet';
import { compressSnappy, nativeSnappy } from '../../src/io/parquet-snappy';

/**
 * The SNAPPY compressor used for Parquet pages (native where it loads), checked against hyparquet's decoder (the reader the
 * tests use for every Parquet file): whatever it writes must decode to the same bytes.
 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pages(): Uint8Array[] {
  const r = rng(3);
  const out: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(7)];
  for (let k = 0; k < 40; k++) {
    const n = Math.floor(r() * 200_000);
    const page = new Uint8Array(n);
    const alphabet = 1 + Math.floor(r() * 255); // from runs of one byte to near-random bytes
    for (let i = 0; i < n; i++) page[i] = r() < 0.3 && i > 8 ? page[i - 1 - Math.floor(r() * 8)] : Math.floor(r() * alphabet);
    out.push(page);
  }
  // INT64 little-endian nanosecond times, as PLAIN pages hold them.
  const times = new DataView(new ArrayBuffer(8 * 14_000));
  for (let i = 0; i < 14_000; i++) times.setBigInt64(8 * i, 1727654400000000000n + BigInt(Math.floor(r() * 2 ** 40)), true);
  out.push(new Uint8Array(times.buffer));
  return out;
}

describe('parquet SNAPPY compressor', () => {
  it('is the native one on this platform (linux x64 has a prebuilt binary)', () => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return;
    expect(nativeSnappy).toBe(true);
  });

  it('writes pages that hyparquet decodes to the same bytes', () => {
    for (const page of pages()) {
      const compressed = compressSnappy(page);
      const back = new Uint8Array(page.length);
      snappyUncompress(compressed, back);
      expect(Buffer.from(back).equals(Buffer.from(page))).toBe(true);
    }
  });
});
