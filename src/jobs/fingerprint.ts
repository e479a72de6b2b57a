import { createHash } from 'node:crypto';
import type { RunConfig } from '../config/schema';
import type { SecurityReference } from '../io/reference';
import type { JobInputs } from './types';

/**
 * Identity of what a job computes from: its shard contents (in input order), their counts and every
 * setting that changes its files (figures, formats, the security's reference data). Shards hold one input file's rows each, so adding or moving another
 * file leaves it unchanged.
 */
export function jobFingerprint(inputs: JobInputs, config: Pick<RunConfig, 'filters' | 'thresholds' | 'output'>, reference: SecurityReference | undefined): string {
  return createHash('sha1').update(JSON.stringify({
    shards: [inputs.orders.sha1, inputs.trades.sha1, inputs.nbbo.sha1],
    counts: [inputs.orders, inputs.trades, inputs.nbbo].map((k) => [k.read, k.kept, k.filtered, k.rejected]),
    filters: config.filters, thresholds: config.thresholds, formats: config.output.formats, reference: reference ?? null, version: 3,
  })).digest('hex');
}
