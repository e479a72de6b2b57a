import { mkdir, realpath } from 'node:fs/promises';
import { parseConfig } from '../config/load';
import type { RunConfig } from '../config/schema';
import { packSplits, shardOrder } from '../domain/splits';
import { writeJsonAtomic } from '../io/atomic';
import { bindColumns, unknownMappedFields, type InputKind } from '../io/columns';
import { InputError, isGzip, readHeader } from '../io/csv-file';
import { findCutPoints } from '../io/cut-points';
import { contentSha1, expandInputs, fingerprint } from '../io/inventory';
import { classifyIoError } from '../io/io-errors';
import { runPaths } from '../io/paths';
import { readParticipants, readSecurities } from '../io/reference';
import { sharedThreadPool } from '../threads/pool';
import type { PlanResult } from '../workflows/types';
import { newPlanId, type Plan, type PlanFile } from './plan-store';

/** Everything wrong with a run's inputs, found while planning: the run cannot start. */
export class PlanProblemsError extends Error {
  constructor(readonly problems: string[]) {
    super(`the run cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PlanProblemsError';
  }
}

/**
 * The plan step: validates the config (ConfigError) and every input header, fingerprints the inputs, and
 * packs them into splits; writes plan.json. Everything wrong with the inputs is reported at once
 * (PlanProblemsError): a person must fix it. `onProgress` is called while large files are scanned.
 */
export async function planRunStep(rawConfig: unknown, signal: AbortSignal, onProgress: (p: { scanning: string; bytes: number }) => void): Promise<{ plan: Plan; result: PlanResult }> {
  const config: RunConfig = parseConfig(rawConfig, 'workflow input');
  const baseDir = config.baseDir ?? process.cwd();
  const paths = runPaths(baseDir, config.output.dir, config.output.workDir, config.name);
  const problems: string[] = [];
  const warnings: string[] = [];
  const files: PlanFile[] = [];
  // The same input reached twice is read once: by its real path (links, overlapping patterns, loops), or
  // by its content (a copy under another name), and reported.
  const seenPath = new Map<string, string>();
  const byContent = new Map<string, PlanFile>();
  const duplicates: Plan['duplicates'] = [];

  for (const kind of ['orders', 'trades', 'nbbo'] as InputKind[]) {
    const unknown = unknownMappedFields(kind, config.columns[kind]);
    for (const u of unknown) problems.push(`columns.${kind}.${u}: not a field of ${kind} inputs`);
    const patterns = config.inputs[kind];
    if (!patterns) continue;
    let list: string[];
    try {
      list = await expandInputs(patterns, baseDir, `inputs.${kind}`);
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    for (const file of list) {
      signal.throwIfAborted();
      try {
        const real = await realpath(file);
        const first = seenPath.get(real);
        if (first !== undefined) {
          duplicates.push({ path: file, sameAs: first, reason: 'the same file, reached twice (a link or an overlapping pattern)' });
          continue;
        }
        seenPath.set(real, file);
        const header = await readHeader(file);
        if (header === null || header.length === 0) {
          warnings.push(`${file}: empty file (no header), nothing to read`);
          continue;
        }
        bindColumns(kind, header, config.columns[kind], file);
        const fp = await fingerprint(file);
        const twin = byContent.get(`${fp.size}:${fp.headTailSha1}`);
        if (twin && (await contentSha1(twin.path)) === (await contentSha1(file))) {
          duplicates.push({ path: file, sameAs: twin.path, reason: 'the same content as another input (a copy)' });
          continue;
        }
        const entry: PlanFile = { index: files.length, kind, path: file, header, ...fp };
        files.push(entry);
        byContent.set(`${fp.size}:${fp.headTailSha1}`, entry);
      } catch (e) {
        if (classifyIoError(e) === 'transient') throw e; // a hiccup of the volume: the plan is retried, not refused
        problems.push(e instanceof InputError ? e.message : `${file}: ${(e as Error).message}`);
      }
    }
  }
  let participants: Plan['participants'] = {};
  if (config.inputs.participants) {
    try {
      const list = await expandInputs(config.inputs.participants, baseDir, 'inputs.participants');
      participants = await readParticipants(list);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  let securities: Plan['securities'] = {};
  if (config.inputs.reference) {
    try {
      securities = await readSecurities(await expandInputs(config.inputs.reference, baseDir, 'inputs.reference'));
    } catch (e) {
      if (classifyIoError(e) === 'transient') throw e;
      problems.push((e as Error).message);
    }
  }
  for (const d of duplicates) warnings.push(`${d.path}: ${d.reason} (${d.sameAs}); read once`);
  if (problems.length > 0) {
    throw new PlanProblemsError(problems);
  }
  // Large plain files are cut at record starts so their ranges can be sharded in parallel; a gzip stream
  // cannot be entered mid-way, so a large .gz file stays one split. The scans (a pass over each large
  // file, ~1 s per GB) run on the thread pool, one file per thread, which is otherwise idle while planning.
  const target = config.processing.splitBytes;
  const pool = sharedThreadPool();
  const planned = await Promise.all(files.map(async (f) => {
    if (f.size <= target || await isGzip(f.path)) return { index: f.index, kind: f.kind, size: f.size, cuts: undefined };
    const onBytes = (bytes: number): void => onProgress({ scanning: f.path, bytes });
    const task = { file: f.path, size: f.size, targetBytes: target };
    const cuts = pool.script
      ? await pool.run({ type: 'cuts', task }, (p: { bytes: number }) => onBytes(p.bytes), signal)
      : await findCutPoints(f.path, f.size, target, onBytes);
    return { index: f.index, kind: f.kind, size: f.size, cuts };
  }));
  const splits = shardOrder(packSplits(planned, config.processing.splitBytes));
  const createdAt = new Date().toISOString();
  const plan: Plan = {
    version: 1, id: newPlanId(createdAt), config, baseDir, createdAt, files, splits, participants, securities, warnings, duplicates,
  };
  await mkdir(paths.work, { recursive: true });
  await writeJsonAtomic(paths.plan, plan);
  const run = { name: config.name, work: paths.work, out: paths.out, planId: plan.id };
  return {
    plan,
    result: {
    run,
    splits: splits.length,
    files: files.length,
    bytes: files.reduce((s, f) => s + f.size, 0),
    warnings: warnings.slice(0, 20),
    concurrency: {
      shard: config.processing.shardConcurrency,
      security: config.processing.securityConcurrency,
      job: config.processing.jobConcurrency,
      heartbeatTimeoutSeconds: config.processing.heartbeatTimeoutSeconds,
    },
    retry: config.retry,
    },
  };
}
