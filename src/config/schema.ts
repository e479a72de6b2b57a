import { z } from 'zod';

/**
 * The run configuration: one JSON document, also the input of the `pipelineRun` workflow, so that a run
 * can be started from the Temporal CLI with `--input-file config/sample.json`. Relative paths resolve
 * against `baseDir`, or the worker's working directory when it is absent.
 */

const pathList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const columnMap = z.record(z.string(), z.string().min(1));

/** A Sydney local time of day: hours 0-23 (24:00 only as the end of a window), minutes and seconds 0-59. */
const timeOfDay = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$|^24:00(:00)?$/,
  'expected HH:MM or HH:MM:SS, hours 00-23 (24:00 ends a day), minutes and seconds 00-59 (Sydney local time)');
const secondsOfDay = (t: string): number => t.split(':').reduce((s, p, i) => s + Number(p) * [3600, 60, 1][i], 0);
/** A real calendar date (2024-02-31 is not one). */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => { const t = new Date(`${d}T00:00:00Z`); return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d; },
    'not a calendar date');
/** A positive integer up to `max`: every number the server receives must fit its int32 fields. */
const count = (max: number) => z.number().int().positive().max(max);
const seconds = (max: number) => z.number().positive().max(max);
const slots = z.union([z.literal('auto'), count(10_000)]);
/** Horizons in seconds (DOMAIN.md section 12): strictly increasing, whole milliseconds, at most a day. */
const horizons = z.array(z.number().positive().max(86_400).refine((h) => Number.isInteger(Math.round(h * 1000)) && Math.abs(h * 1000 - Math.round(h * 1000)) < 1e-6, 'a horizon is a whole number of milliseconds'))
  .min(1).max(20).refine((e) => e.every((v, i) => i === 0 || v > e[i - 1]), 'horizons must be strictly increasing');
export const DEFAULT_MARKOUT_HORIZONS = [1, 5, 30, 60, 300];
export const DEFAULT_FILL_HORIZONS = [0.1, 1, 10, 60, 600];

export const configSchema = z.strictObject({
  /** Run name: the workflow id is `sweepflow-<name>`; output goes to `<output.dir>/<name>`. */
  name: z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit (it names folders)'),
  /** Folder that relative input and output paths resolve against. @default the worker's working directory */
  baseDir: z.string().optional(),
  inputs: z.strictObject({
    /** Order event log files, folders or globs (plain or .gz). */
    orders: pathList,
    /** Trade files (both sides of every execution). */
    trades: pathList.optional(),
    /** NBBO quote files. */
    nbbo: pathList.optional(),
    /** Participant reference (Id -> ParticipantName, ParticipantType). */
    participants: pathList.optional(),
    /** Security reference (Id -> Name, DecimalsInPrice). */
    reference: pathList.optional(),
  }),
  /** Logical field -> raw header name, per input kind. @default each logical name is its own header */
  columns: z.strictObject({
    orders: columnMap.default({}),
    trades: columnMap.default({}),
    nbbo: columnMap.default({}),
  }).default({ orders: {}, trades: {}, nbbo: {} }),
  /** The job matrix: configured securities x dates, or `auto` (what the data holds). @default auto x auto */
  jobs: z.strictObject({
    securities: z.union([z.literal('auto'), z.array(z.string().min(1)).min(1)]).default('auto'),
    dates: z.union([z.literal('auto'), z.array(isoDate).min(1)]).default('auto'),
  }).default({ securities: 'auto', dates: 'auto' }),
  filters: z.strictObject({
    /** Bits of exchangeordertype that make a Centre Point order. @default 6464 (64|256|2048|4096) */
    centrePointMask: count(2 ** 31 - 1).default(6464),
    /** Bits that make a sweep. @default 2048 */
    sweepMask: count(2 ** 31 - 1).default(2048),
    /** Keep only these participant ids. @default null (all) */
    participants: z.array(z.string().min(1)).min(1).nullable().default(null),
    /** Keep orders arriving in [start, end) Sydney local time. @default null (all day) */
    tradingHours: z.strictObject({ start: timeOfDay, end: timeOfDay })
      .refine((w) => secondsOfDay(w.start) < secondsOfDay(w.end), { message: 'end must be after start (an inverted or empty window would filter every order)', path: ['end'] })
      .refine((w) => w.start.slice(0, 2) !== '24', { message: '24:00 can only end a window', path: ['start'] })
      .nullable().default(null),
  }).default({ centrePointMask: 6464, sweepMask: 2048, participants: null, tradingHours: null }),
  thresholds: z.strictObject({
    /** Fill ratio counted as a full fill for the sweep scenarios. @default 0.99 */
    fullFillRatio: z.number().min(0).max(1).default(0.99),
    /** Duration under which a full fill is immediate (s). @default 1.0 */
    immediateSeconds: z.number().nonnegative().max(86_400).default(1.0),
    /** Right-closed size bucket edges on final quantity. @default [1000, 5000, 10000, 50000] */
    sizeEdges: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(100).default([1000, 5000, 10000, 50000])
      .refine((e) => e.every((v, i) => i === 0 || v > e[i - 1]), 'edges must be strictly increasing'),
    /** Largest share of rejected rows a file or job may have before it fails. @default 0.01 */
    maxRejectShare: z.number().min(0).max(1).default(0.01),
    /** Markout, realized-spread and impact horizons (s). @default [1, 5, 30, 60, 300] */
    markoutHorizons: horizons.default(DEFAULT_MARKOUT_HORIZONS),
    /** Fill-probability horizons (s). @default [0.1, 1, 10, 60, 600] */
    fillHorizons: horizons.default(DEFAULT_FILL_HORIZONS),
  }).default({
    fullFillRatio: 0.99, immediateSeconds: 1.0, sizeEdges: [1000, 5000, 10000, 50000], maxRejectShare: 0.01,
    markoutHorizons: DEFAULT_MARKOUT_HORIZONS, fillHorizons: DEFAULT_FILL_HORIZONS,
  }),
  output: z.strictObject({
    /** Results: `<dir>/<name>/<table>/security=<s>/date=<d>/`, `rollups/`, `summary.json`. @default "out" */
    dir: z.string().min(1).default('out'),
    /** Intermediate shards and plans: `<workDir>/<name>/`. @default "work" */
    workDir: z.string().min(1).default('work'),
    /**
     * Formats of the per-job tables (orders, fills, candidates, matches): Parquet, CSV.gz or both. Rollups
     * are always written in both. @default ["parquet"]
     */
    formats: z.array(z.enum(['parquet', 'csv'])).min(1).max(2).refine((f) => new Set(f).size === f.length, 'a format is listed twice').default(['parquet']),
  }).default({ dir: 'out', workDir: 'work', formats: ['parquet'] }),
  processing: z.strictObject({
    /** Host sizing preset; `auto` reads the host (cores, free memory). @default "auto" */
    preset: z.enum(['auto', 'laptop', 'workstation', 'server']).default('auto'),
    /** Concurrent activities per worker. @default "auto" (from the preset) */
    activitySlots: slots.default('auto'),
    /** Rows a shard thread buffers before flushing its shards (~256 bytes each): bounds ingest memory. @default "auto" (from the preset) */
    chunkRows: z.union([z.literal('auto'), count(10_000_000)]).default('auto'),
    /** Target bytes per ingest split: large files are cut, small files packed. @default 268435456 (256 MiB) */
    splitBytes: z.number().int().min(64 * 1024).max(2 ** 40).default(256 * 1024 * 1024),
    /** Shard activities in flight per run. @default 8 */
    shardConcurrency: z.number().int().positive().max(500).default(8),
    /** Job child workflows in flight per security workflow. @default 20 */
    jobConcurrency: z.number().int().positive().max(500).default(20),
    /** Security workflows in flight per run. @default 10 */
    securityConcurrency: z.number().int().positive().max(500).default(10),
    /** A long activity silent this long is presumed lost (crashed worker) and retried elsewhere. @default 60 */
    heartbeatTimeoutSeconds: z.number().min(1).max(86_400).default(60),
    /**
     * Keep a job's shards in the work folder after the job commits. `false` deletes them at its commit, so
     * scratch falls as jobs finish and ends empty; reruns lose nothing (every run plans and shards anew, and
     * jobs are skipped by the shard fingerprints their manifests record), but a committed job whose outputs
     * are removed during the same run cannot be redone in it (resume the run). @default true
     */
    keepShards: z.boolean().default(true),
    /**
     * Compress the shards in the work folder (LZ4 frames of 64 KiB with a CRC-32 each, io/shard-codec):
     * 0.20x the input instead of 0.57x on the bench. Figures and job fingerprints are the same either way
     * (hashes are of the CSV bytes); shards of earlier versions (Brotli frames, gzip) are still read. @default true
     */
    compressShards: z.boolean().default(true),
    /**
     * Jobs too small to be worth a workflow each: consecutive dates of a security whose jobs have at most
     * `maxRows` kept rows (orders, trades and quotes together) run in one activity of the security workflow,
     * at most `perBatch` dates and `batchRows` kept rows to an activity, with no job workflow of their own. A
     * job workflow costs the Temporal server about 50 ms of CPU (on the bench, 110 jobs of ~107k rows: server
     * 6.9-8.3 CPU-s as job workflows, 2.0-2.6 in batches), more than a few hundred rows cost to analyse and a
     * noticeable share of a 100k-row job. Each date still commits, skips and is counted as its own job, and
     * the `securityProgress` query and `sweepflow status` show it; when a batch fails, its dates run again
     * one job workflow each, so a failure is retried and reported for its own date (with its `JobStatus` and
     * `TradeDate` in the UI). `perBatch: 1` gives every job its own workflow.
     * @default { maxRows: 250000, perBatch: 25, batchRows: 1000000 }
     */
    smallJobs: z.strictObject({
      /** @default 250000 */
      maxRows: z.number().int().min(0).max(10_000_000).default(250_000),
      /** @default 25 */
      perBatch: z.number().int().min(1).max(500).default(25),
      /** @default 1000000 */
      batchRows: z.number().int().min(1).max(1_000_000_000).default(1_000_000),
    }).default({ maxRows: 250_000, perBatch: 25, batchRows: 1_000_000 }),
  }).default({ preset: 'auto', activitySlots: 'auto', chunkRows: 'auto', splitBytes: 256 * 1024 * 1024,
    shardConcurrency: 8, jobConcurrency: 20, securityConcurrency: 10, heartbeatTimeoutSeconds: 60, keepShards: true, compressShards: true,
    smallJobs: { maxRows: 250_000, perBatch: 25, batchRows: 1_000_000 } }),
  retry: z.strictObject({
    /** Attempts per activity before its job is recorded as failed. @default 3 */
    maximumAttempts: count(100).default(3),
    /** First retry delay (s). @default 1 */
    initialIntervalSeconds: seconds(3_600).default(1),
    /** @default 2 */
    backoffCoefficient: z.number().min(1).max(100).default(2),
    /** Largest retry delay (s). @default 30 */
    maximumIntervalSeconds: seconds(86_400).default(30),
  }).default({ maximumAttempts: 3, initialIntervalSeconds: 1, backoffCoefficient: 2, maximumIntervalSeconds: 30 }),
});

/** The config as written in a file (defaults optional). */
export type RunConfigInput = z.input<typeof configSchema>;
/** The effective config: every default filled in. */
export type RunConfig = z.output<typeof configSchema>;
