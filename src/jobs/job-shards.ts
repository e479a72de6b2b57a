import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { JobInputs } from './types';

/** A job's shard files (orders, trades, quotes), as paths under the run's work folder. */
export function jobShardFiles(work: string, inputs: JobInputs): string[] {
  return [inputs.orders, inputs.trades, inputs.nbbo].flatMap((k) => k.files.map((f) => path.join(work, f)));
}

/**
 * Deletes a committed job's shards (config `processing.keepShards: false`), then their (kind, security,
 * date) folders: rmdir leaves one that still holds a file.
 */
export async function deleteJobShards(work: string, inputs: JobInputs): Promise<void> {
  const files = jobShardFiles(work, inputs);
  await Promise.all(files.map((f) => rm(f, { force: true })));
  for (const dir of new Set(files.map((f) => path.dirname(f)))) await rmdir(dir).catch(() => undefined);
}
