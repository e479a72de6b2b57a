import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';

/** Identity of an input file's content, cheap to compute: size, mtime, and a hash of its head and tail. */
export interface Fingerprint {
  size: number;
  mtimeMs: number;
  headTailSha1: string;
}

export async function fingerprint(file: string): Promise<Fingerprint> {
  const st = await stat(file);
  const fh = await open(file, 'r');
  try {
    const n = Math.min(65536, st.size);
    const head = Buffer.alloc(n), tail = Buffer.alloc(n);
    await fh.read(head, 0, n, 0);
    await fh.read(tail, 0, n, Math.max(0, st.size - n));
    const h = createHash('sha1').update(head).update(tail).update(String(st.size)).digest('hex');
    return { size: st.size, mtimeMs: Math.floor(st.mtimeMs), headTailSha1: h };
  } finally {
    await fh.close();
  }
}

/** SHA-1 of a whole file (to confirm that two inputs with the same fingerprint are copies). */
export async function contentSha1(file: string): Promise<string> {
  const h = createHash('sha1');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

const DATA_FILE = /\.csv(\.gz)?$/i;

/**
 * Expands files, folders (every .csv / .csv.gz below them) and globs into a sorted list; a file reached by
 * two patterns is listed twice (the plan reads it once and reports it).
 * A pattern that matches nothing is an error naming the config path it came from.
 */
export async function expandInputs(patterns: readonly string[], baseDir: string, configPath: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i];
    const abs = path.resolve(baseDir, p);
    let found: string[] = [];
    const st = await stat(abs).catch(() => null);
    if (st?.isFile()) found = [abs];
    else if (st?.isDirectory()) {
      found = (await glob(['**/*.csv', '**/*.csv.gz', '**/*.CSV', '**/*.CSV.GZ'], { cwd: abs, absolute: true }))
        .filter((f) => DATA_FILE.test(f));
    } else if (/[*?[\]{}]/.test(p)) {
      found = await glob([p], { cwd: baseDir, absolute: true });
    }
    if (found.length === 0) throw new Error(`${configPath}[${i}]: '${p}' matches no file (resolved against ${baseDir})`);
    for (const f of found) out.push(path.normalize(f));
  }
  return out.sort();
}
