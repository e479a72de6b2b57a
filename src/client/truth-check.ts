import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobManifest } from '../jobs/manifest';
import type { Truth } from '../generator/generate';
import { JOB_RECORDS, partitionPath } from '../io/paths';

export interface TruthCheck {
  jobsChecked: number;
  mismatches: string[];
}

/**
 * Compares each job's committed manifest with the generator's own decisions: Centre Point orders,
 * sweeps, fill-status and scenario counts, joined trades and filled quantity.
 */
export async function checkAgainstTruth(runOut: string, truth: Truth): Promise<TruthCheck> {
  const mismatches: string[] = [];
  let jobsChecked = 0;
  for (const [job, t] of Object.entries(truth.jobs)) {
    const [security, date] = job.split('/');
    let m: JobManifest;
    try {
      m = JSON.parse(await readFile(path.join(runOut, JOB_RECORDS, partitionPath(security, date), 'manifest.json'), 'utf8')) as JobManifest;
    } catch {
      mismatches.push(`${job}: no committed output`);
      continue;
    }
    jobsChecked++;
    const expect = (what: string, got: unknown, want: unknown): void => {
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${job}: ${what} is ${JSON.stringify(got)}, truth says ${JSON.stringify(want)}`);
    };
    expect('orders', m.orders, t.centrePointOrders);
    expect('sweeps', m.sweeps, t.sweeps);
    expect('fill status', m.fillStatus, t.fillStatus);
    expect('sweep scenarios', m.sweepScenario, t.sweepScenario);
    expect('joined trades', m.trades.kept, t.joinedTrades);
    expect('filled quantity', m.filledQty, t.filledQty);
    expect('order rows read', m.events.read, t.events);
    expect('rows kept', m.events.kept, t.cpEvents);
  }
  return { jobsChecked, mismatches };
}
