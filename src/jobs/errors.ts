import { InputError } from '../io/csv-file';
import { classifyIoError, PERMANENT_IO } from '../io/io-errors';
import { DamagedShardError } from '../io/shard-codec';
import { RejectLimitError } from '../io/shard-split';
import { PlanReplacedError } from './plan-store';

/**
 * A step cannot go on and a retry would not help: its inputs or state are not what the run needs (a split
 * not committed, a job not in the index, a rejects share over the limit). `kind` names the case for the
 * person and for Temporal's failure type.
 */
export class StepError extends Error {
  constructor(message: string, readonly kind: string) {
    super(message);
    this.name = 'StepError';
  }
}

/**
 * The failure type of an error raised by a step, or 'Error' when a retry may help. One rule for the
 * thread pool (whose errors cross a thread boundary as a kind) and the activities (which make the kind a
 * non-retryable ApplicationFailure type): a permanent file-system error (missing, not allowed) is
 * `PermanentIoError`; a transient one (EIO, ESTALE, ETIMEDOUT...) is 'Error', so it is retried.
 */
export function failureKind(e: unknown): string {
  if (e instanceof RejectLimitError) return 'RejectLimit';
  if (e instanceof InputError) return 'InputError';
  if (e instanceof StepError) return e.kind;
  if (e instanceof PlanReplacedError) return 'PlanReplaced';
  // A JSON file of ours that does not parse, a compressed shard that does not decode: our own state.
  if (e instanceof SyntaxError || e instanceof DamagedShardError) return 'CorruptState';
  return classifyIoError(e) === 'permanent' ? PERMANENT_IO : 'Error';
}
