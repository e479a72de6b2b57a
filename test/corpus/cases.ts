/**
 * The adversarial corpus (issue "Trust"): every case once, with the outcome its test asserts. docs/TRUST.md
 * lists them (test/unit/trust-corpus-doc checks the table against this list, and that each case has a test:
 * tests name their case with `corpus('ID')` in their title).
 */
export interface CorpusCase {
  id: string;
  kind: 'framing' | 'keys' | 'values' | 'accounting' | 'reruns' | 'errors' | 'config' | 'noise';
  input: string;
  outcome: string;
}

export const CASES: readonly CorpusCase[] = [
  // Record framing
  { id: 'F01', kind: 'framing', input: 'a stray `"` at the start of a field, row 11 of 1,000', outcome: 'that line rejected (unterminated quote); the other 999 rows read' },
  { id: 'F02', kind: 'framing', input: 'a stray `"` on the last lines of the input', outcome: 'its first line rejected, the lines after it read' },
  { id: 'F03', kind: 'framing', input: '`\\r\\r\\n` line ends, with a participant filter', outcome: 'no CR left in the last field: the filter keeps the orders' },
  { id: 'F04', kind: 'framing', input: 'a leading TAB in a security code', outcome: 'trimmed like a trailing one: one security, not a phantom' },
  { id: 'F05', kind: 'framing', input: 'a 50 MB field', outcome: 'one reject (raw text cut to 4 KB), reading goes on at the next line' },
  { id: 'F06', kind: 'framing', input: 'a quoted field holding 9 newlines', outcome: 'one record of 10 lines, read' },
  { id: 'F07', kind: 'framing', input: 'a quoted field holding 10 newlines', outcome: 'its first line rejected, the lines between read as records, the closing line (now a stray quote) rejected' },
  { id: 'F08', kind: 'framing', input: 'a control character (U+0001) inside a security code', outcome: 'reject: contains a control character' },
  { id: 'F09', kind: 'framing', input: 'a bare CR inside a quantity', outcome: 'reject: quantity is not a non-negative integer' },
  { id: 'F10', kind: 'framing', input: 'a damaged file cut into byte ranges', outcome: 'the ranges read exactly the records and rejects of the whole file' },
  // Keys and names
  { id: 'K01', kind: 'keys', input: 'security codes `A|B` and `A`', outcome: 'two jobs with their own orders' },
  { id: 'K02', kind: 'keys', input: 'security codes `AB#12` and `AB\\u2312`', outcome: 'two folders, each job its own orders' },
  { id: 'K03', kind: 'keys', input: 'two security codes of invalid UTF-8', outcome: 'both rejected (not valid UTF-8), never merged' },
  { id: 'K04', kind: 'keys', input: 'a 300-character security code', outcome: 'the job completes in a folder of at most 120 characters' },
  { id: 'K05', kind: 'keys', input: 'security codes `.` and `..`', outcome: 'partitions `security=%2E` and `security=%2E.` in every table folder' },
  { id: 'K06', kind: 'keys', input: 'run names `.`, `..`, `.hidden`', outcome: 'config error on `name` (exit 2)' },
  { id: 'K07', kind: 'keys', input: 'a failed job whose security holds `/`', outcome: 'jobs.csv row with the whole security and its date' },
  { id: 'K08', kind: 'keys', input: 'folder names of 2,000 random codes', outcome: 'all distinct, none over 120 characters, no leading dot' },
  // Values at the door
  { id: 'V01', kind: 'values', input: 'order ids 2^63 and 2^64 - 1', outcome: 'kept; Parquet UBIGINT and CSV text exact' },
  { id: 'V02', kind: 'values', input: 'order id 2^64', outcome: 'reject: not an unsigned 64-bit integer' },
  { id: 'V03', kind: 'values', input: 'a timestamp of 9223286399999999999 ns (2262-04-10T23:59:59.999999999Z, the last accepted); one a nanosecond later', outcome: 'kept, dated 2262-04-11, exact in every output; the later one is rejected with its reason (unit-tested in ingest-rules)' },
  { id: 'V04', kind: 'values', input: 'exchangeordertype 2^31 + 2048', outcome: 'a Centre Point sweep, kept; INT64 in Parquet' },
  { id: 'V05', kind: 'values', input: 'exchangeordertype 2^53', outcome: 'reject: not a non-negative integer (beyond 2^53)' },
  { id: 'V06', kind: 'values', input: 'a trade with price x quantity above 2^53', outcome: 'reject: no output holds its notional exactly' },
  { id: 'V07', kind: 'values', input: "an order whose trades' notional sums above 2^53", outcome: 'notional exact in Parquet (UINT64) and CSV' },
  { id: 'V08', kind: 'values', input: 'quantity -5 and 2^53', outcome: 'rejects with the field named' },
  { id: 'V09', kind: 'values', input: 'the generator with seeds 99,999 and 1,318,579', outcome: 'every id below 2^63' },
  // Accounting
  { id: 'A01', kind: 'accounting', input: 'orders on 3 dates, `jobs.dates` naming 1', outcome: 'the other dates counted in outsideJobMatrix, in no job' },
  { id: 'A02', kind: 'accounting', input: '`jobs.securities` naming 1 of 2 securities', outcome: 'the other security counted in outsideJobMatrix' },
  { id: 'A03', kind: 'accounting', input: 'a trades file, 33% bad rows, of a security with no orders', outcome: 'run fails (RejectLimit, exit 2) naming the file and a rejects file that exists' },
  { id: 'A04', kind: 'accounting', input: 'a quotes file, 95% bad rows, of a date with no orders', outcome: 'run fails (RejectLimit) naming the file' },
  { id: 'A05', kind: 'accounting', input: 'a lit order row with a garbage price', outcome: 'rejected, not counted as filtered' },
  { id: 'A06', kind: 'accounting', input: 'the same file named by two patterns', outcome: 'read once; listed in duplicateInputs' },
  { id: 'A07', kind: 'accounting', input: 'an identical copy of a file under another name', outcome: 'read once; listed as the same content' },
  { id: 'A08', kind: 'accounting', input: 'a folder also reached through a symlink', outcome: 'each file read once' },
  { id: 'A09', kind: 'accounting', input: 'a symlink loop inside an input folder', outcome: 'each file read once; the run completes' },
  { id: 'A10', kind: 'accounting', input: 'a header naming a bound column twice', outcome: 'input error naming the header and both columns (exit 2)' },
  { id: 'A11', kind: 'accounting', input: 'a header repeating a column the pipeline does not read', outcome: 'accepted' },
  { id: 'A12', kind: 'accounting', input: 'rejects spread over jobs and no job', outcome: 'read = kept + filtered + rejected per split, job and run' },
  // Reruns
  { id: 'R01', kind: 'reruns', input: 'a rerun in which a done job now fails', outcome: 'reported failed; its old figures in no rollup' },
  { id: 'R02', kind: 'reruns', input: "a job's orders.parquet deleted", outcome: 'the rerun redoes that job (done, not skipped), the rest skipped' },
  { id: 'R03', kind: 'reruns', input: 'a truncated partial.json', outcome: 'that job reruns; the run completes' },
  { id: 'R04', kind: 'reruns', input: 'partial.json replaced by `{}`', outcome: 'that job reruns; the rollups equal a clean run' },
  { id: 'R05', kind: 'reruns', input: 'a deleted partial.json', outcome: 'that job reruns' },
  { id: 'R06', kind: 'reruns', input: 'a manifest.json of broken JSON', outcome: 'that job reruns' },
  { id: 'R07', kind: 'reruns', input: 'a new input file that sorts before the others', outcome: 'only the jobs it adds rows to run; every other job is skipped' },
  { id: 'R08', kind: 'reruns', input: 'rows appended to a file after planning', outcome: 'the split fails: the file changed after planning (named)' },
  { id: 'R09', kind: 'reruns', input: 'a merge given a stale manifest (other inputs)', outcome: 'that job reported failed (stale), not merged' },
  // Errors a person can act on
  { id: 'E01', kind: 'errors', input: 'a missing required column', outcome: 'exit 2; the message names the file, the field and the header looked for' },
  { id: 'E02', kind: 'errors', input: 'a corrupt gzip', outcome: 'exit 2; the message names the file and says corrupt gzip' },
  { id: 'E03', kind: 'errors', input: 'a UTF-16 file', outcome: 'input error: the file is UTF-16, convert it' },
  { id: 'E04', kind: 'errors', input: 'a Latin-1 header', outcome: 'input error: header not valid UTF-8' },
  { id: 'E05', kind: 'errors', input: '`sweepflow status` of a failed run', outcome: 'prints why: the root cause' },
  { id: 'E06', kind: 'errors', input: 'a start under a running name with another config', outcome: 'refused, exit 2, saying so' },
  { id: 'E07', kind: 'errors', input: 'a typo in SWEEPFLOW_TASK_QUEUE (--no-worker)', outcome: 'a warning that no worker polls that task queue' },
  // Config
  { id: 'C01', kind: 'config', input: '`retry.maximumAttempts: 2147483648`', outcome: 'config error: at most 100' },
  { id: 'C02', kind: 'config', input: '`tradingHours` `16:75`', outcome: 'config error on filters.tradingHours.end' },
  { id: 'C03', kind: 'config', input: 'an inverted trading window', outcome: 'config error: end must be after start' },
  { id: 'C04', kind: 'config', input: '`24:00` as end, and as start', outcome: 'accepted as the end; an error as the start' },
  { id: 'C05', kind: 'config', input: '`jobs.dates` `2024-02-31`', outcome: 'config error: not a calendar date' },
  { id: 'C06', kind: 'config', input: '`inputs.reference` naming a missing file', outcome: 'plan error naming inputs.reference' },
  { id: 'C08', kind: 'config', input: 'SWEEPFLOW_ACTIVITY_SLOTS=-5, SWEEPFLOW_THREADS=abc, SWEEPFLOW_LOG_LEVEL=loud', outcome: 'an error naming the variable and its range (exit 2)' },
  { id: 'C07', kind: 'config', input: 'heartbeat 0 s, splitBytes 1, a mask of 2^31, intervals of a year', outcome: 'config errors on each path' },
  // Noise
  { id: 'N01', kind: 'noise', input: '`npm run demo` on a warm machine', outcome: 'under 15 lines, ending with the summary and the log file' },
];

/** A case by id, for a test title: `it(corpus('F01'), ...)`. */
export function corpus(id: string): string {
  const c = CASES.find((x) => x.id === id);
  if (!c) throw new Error(`no corpus case ${id}`);
  return `[${c.id}] ${c.input}: ${c.outcome}`;
}
