import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { identityOf, sha1Of } from '../io/atomic';
import type { Counts } from './types';

/** One committed output file of a job: what a skip or a merge checks before trusting it. */
export interface OutputFile {
  /** Relative to the run's output folder (`orders/security=X/date=D/part-0.parquet`, `jobs/.../partial.json`). */
  name: string;
  bytes: number;
  sha1: string;
}

/** jobs/security=<s>/date=<d>/manifest.json: a job's commit record, and the key to skipping it next time. */
export interface JobManifest {
  security: string;
  date: string;
  fingerprint: string;
  /** The plan of the run that committed it: a retry in that run finds its own commit (done, not skipped). */
  planId?: string;
  committedAt: string;
  orders: number;
  sweeps: number;
  /** Order event rows: read = kept + filtered + rejected. */
  events: Counts;
  /** Trade rows: kept = joined to a Centre Point order of the job. */
  trades: Counts;
  quotes: Counts;
  fillStatus: { FILLED: number; PARTIAL: number; UNFILLED: number };
  sweepScenario: { A_IMMEDIATE_FULL: number; B_EVENTUAL_FULL: number; C_PARTIAL_NONE: number };
  /** Sum of joined trade quantities. */
  filledQty: number;
  dataQuality: { filledQtyMismatch: number };
  simulation: { candidates: number; matches: number; noQuote: number; limitBlocked: number };
  /** Rows of the fills table (trade rows joined to the job's Centre Point orders). */
  fills: number;
  /** Time spent in each phase of the job. */
  durationsMs: { ingest: number; classify: number; simulate: number; aggregate: number };
  files: OutputFile[];
}

/** The job's manifest, or null when it has none (never committed, killed before the commit, or unreadable). */
export async function readManifest(recordsDir: string): Promise<JobManifest | null> {
  try {
    const m = JSON.parse(await readFile(path.join(recordsDir, 'manifest.json'), 'utf8')) as JobManifest;
    return Array.isArray(m.files) && m.files.every((f) => typeof f === 'object' && f !== null) ? m : null;
  } catch {
    return null;
  }
}

/** A committed output's entry, from the bytes written (`name` relative to the run's output folder). */
export function outputFile(name: string, data: Uint8Array | string): OutputFile {
  return { name, ...identityOf(data) };
}

/**
 * Why the outputs a manifest lists cannot be trusted (a file missing, resized or changed), or null when
 * every one is there as committed. `hash: false` checks sizes only (cheap, for the merge's pass).
 */
export async function outputsProblem(outDir: string, m: JobManifest, hash = true): Promise<string | null> {
  for (const f of m.files) {
    const file = path.join(outDir, f.name);
    try {
      if (hash) {
        const data = await readFile(file);
        if (data.length !== f.bytes) return `${file} has ${data.length} bytes, ${f.bytes} committed`;
        if (sha1Of(data) !== f.sha1) return `${file} changed after it was committed`;
      } else {
        const st = await stat(file);
        if (st.size !== f.bytes) return `${file} has ${st.size} bytes, ${f.bytes} committed`;
      }
    } catch {
      return `${file} is missing`;
    }
  }
  return null;
}
