import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** SHA-1 of bytes (a string as UTF-8), in hex: the identity a job's manifest records of each file it wrote. */
export function sha1Of(data: Uint8Array | string): string {
  return createHash('sha1').update(data).digest('hex');
}

/** Size and SHA-1 of what a file was written with: its identity, without reading it back. */
export function identityOf(data: Uint8Array | string): { bytes: number; sha1: string } {
  return { bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length, sha1: sha1Of(data) };
}

/**
 * Writes a file under a temporary name in the same folder, then renames it: readers never see half a file.
 * @param folderReady the folder exists already (the caller made it): one system call less per file. @default false
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, folderReady = false): Promise<void> {
  if (!folderReady) await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempNameOf(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * writeFileAtomic with synchronous calls, for a pool thread's job: the thread has nothing else to do while
 * a call runs, and each asynchronous call's round trip through libuv's thread pool cost it a wake-up on a
 * machine whose cores the pool keeps busy (README, Performance).
 * @param folderReady the folder exists already (the caller made it). @default false
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, folderReady = false): void {
  if (!folderReady) mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempNameOf(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The temporary name a file is written under before its rename (STALE_TEMP matches it). */
function tempNameOf(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The text of a JSON file as this project writes them (indented, a final newline). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export async function writeJsonAtomic(file: string, value: unknown, folderReady = false): Promise<void> {
  await writeFileAtomic(file, jsonText(value), folderReady);
}

/**
 * Replaces a folder by a fully written one: the old one (if any) is moved aside, the new one renamed in,
 * the old one removed. A crash between the two renames leaves no folder, never a half one; the caller's
 * manifest check then redoes the step.
 */
export async function replaceDirAtomic(stagingDir: string, finalDir: string): Promise<void> {
  await mkdir(path.dirname(finalDir), { recursive: true });
  const aside = `${finalDir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  let moved = false;
  try {
    await rename(finalDir, aside);
    moved = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await rename(stagingDir, finalDir);
  if (moved) await rm(aside, { recursive: true, force: true });
}

const STALE_TEMP = /\.tmp-\d+-[0-9a-f]{8}$/;

/**
 * Removes what writeFileAtomic left behind when its process was killed between write and rename. Called
 * by the step that owns a folder before it writes there again, so a crash leaves no litter in outputs.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!STALE_TEMP.test(name)) continue;
    await rm(path.join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/** removeStaleTemps with synchronous calls, for a pool thread's job (see writeFileAtomicSync). */
export function removeStaleTempsSync(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const stale = names.filter((name) => STALE_TEMP.test(name));
  for (const name of stale) rmSync(path.join(dir, name), { force: true });
  return stale.length;
}
