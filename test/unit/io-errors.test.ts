import { ApplicationFailure } from '@temporalio/common';
import { asActivityFailure } from '../../src/activities/run-context';
import { InputError } from '../../src/io/csv-file';
import { DamagedShardError } from '../../src/io/shard-codec';
import { classifyIoError, PERMANENT_CODES, TRANSIENT_CODES } from '../../src/io/io-errors';
import { failureKind, StepError } from '../../src/jobs/errors';
import { PlanReplacedError } from '../../src/jobs/plan-store';
import { ThreadTaskError } from '../../src/threads/pool';

/** Transient file-system errors are retried (bounded by the retry policy); permanent ones fail at once. */
const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: something, open '/data/x.csv'`), { code });

it('classifies errno codes: a missing or forbidden path is permanent, a shared volume\'s hiccup transient', () => {
  for (const code of ['ENOENT', 'EACCES', 'ENOTDIR', 'EISDIR', 'EPERM']) expect(classifyIoError(errno(code))).toBe('permanent');
  for (const code of ['EIO', 'ESTALE', 'ETIMEDOUT', 'EAGAIN', 'EMFILE', 'ENOSPC']) expect(classifyIoError(errno(code))).toBe('transient');
  expect(classifyIoError(errno('EWHATEVER'))).toBe('transient'); // unknown: retried, the policy bounds it
  expect(classifyIoError(new Error('no code'))).toBe('other');
  expect(classifyIoError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe('other');
  for (const c of PERMANENT_CODES) expect(TRANSIENT_CODES.has(c)).toBe(false);
});

it('gives Temporal non-retryable failures for what a person must fix, retryable ones for transient I/O', () => {
  const eio = asActivityFailure(errno('EIO')) as ApplicationFailure;
  expect(eio).toBeInstanceOf(ApplicationFailure);
  expect(eio).toMatchObject({ type: 'TransientIoError', nonRetryable: false });
  expect(eio.message).toContain('/data/x.csv');
  expect(asActivityFailure(errno('ENOENT'))).toMatchObject({ type: 'PermanentIoError', nonRetryable: true });
  expect(asActivityFailure(new InputError('/data/x.csv', 'bad header'))).toMatchObject({ type: 'InputError', nonRetryable: true });
  expect(asActivityFailure(new StepError('split s has no committed manifest', 'SplitMissing'))).toMatchObject({ type: 'SplitMissing', nonRetryable: true });
  expect(asActivityFailure(new PlanReplacedError('/w/plan.json', 'a', 'b'))).toMatchObject({ type: 'PlanReplaced', nonRetryable: true });
  expect(asActivityFailure(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({ type: 'CorruptState', nonRetryable: true });
  expect(asActivityFailure(new DamagedShardError('/w/s.csv', 12, 'no frame starts here'))).toMatchObject({ type: 'CorruptState', nonRetryable: true });
  // Thread errors cross as a kind: a permanent one stays non-retryable, the rest are retried as they are.
  expect(asActivityFailure(new ThreadTaskError('gone', 'PermanentIoError'))).toMatchObject({ type: 'PermanentIoError', nonRetryable: true });
  const plain = new ThreadTaskError('worker thread exited with code 1', 'Error');
  expect(asActivityFailure(plain)).toBe(plain);
  // An ApplicationFailure (a cancellation too) passes unchanged.
  const af = ApplicationFailure.nonRetryable('x', 'RejectLimit');
  expect(asActivityFailure(af)).toBe(af);
  expect(failureKind(errno('ESTALE'))).toBe('Error');
});
