import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reconciliation } from '../workflows/types';

/** manifest.json of a job's output folder: its commit record, and the key to skipping it next time. */
export interface JobManifest {
  security: string;
  date: string;
  fingerprint: string;
  committedAt: string;
  orders: number;
  sweeps: number;
  /** Order event rows: read = kept + filtered + rejected. */
  events: Reconciliation;
  /** Trade rows: kept = joined to a Centre Point order of the job. */
  trades: Reconciliation;
  quotes: Reconciliation;
  fillStatus: { FILLED: number; PARTIAL: number; UNFILLED: number };
  sweepScenario: { A_IMMEDIATE_FULL: number; B_EVENTUAL_FULL: number; C_PARTIAL_NONE: number };
  /** Sum of joined trade quantities. */
  filledQty: number;
  dataQuality: { filledQtyMismatch: number };
  simulation: { candidates: number; matches: number; noQuote: number; limitBlocked: number };
  /** Time spent in each phase of the job. */
  durationsMs: { ingest: number; classify: number; simulate: number; aggregate: number };
  files: string[];
}

/** The job's manifest, or null when it has none yet (never committed, or killed before the commit). */
export async function readManifest(outDir: string): Promise<JobManifest | null> {
  try {
    return JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as JobManifest;
  } catch {
    return null;
  }
}
