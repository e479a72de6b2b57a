import { readFileSync } from 'node:fs';
import { configSchema, type RunConfig } from './schema';

/** A config problem with the JSON path it concerns ("inputs.orders", "thresholds.sizeEdges[2]"). */
export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: ConfigProblem[]) {
    super(`invalid config ${source}:\n` + problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/**
 * Environment overrides, applied before validation so that they are validated too.
 * Each maps one variable to one config path; numbers are parsed, "auto" kept.
 */
export const ENV_OVERRIDES: Record<string, string[]> = {
  SWEEPFLOW_OUTPUT_DIR: ['output', 'dir'],
  SWEEPFLOW_WORK_DIR: ['output', 'workDir'],
  SWEEPFLOW_PRESET: ['processing', 'preset'],
  SWEEPFLOW_ACTIVITY_SLOTS: ['processing', 'activitySlots'],
  SWEEPFLOW_CHUNK_ROWS: ['processing', 'chunkRows'],
  SWEEPFLOW_SPLIT_BYTES: ['processing', 'splitBytes'],
  SWEEPFLOW_JOB_CONCURRENCY: ['processing', 'jobConcurrency'],
  SWEEPFLOW_MAX_ATTEMPTS: ['retry', 'maximumAttempts'],
};

export function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const copy = structuredClone(raw) as Record<string, unknown>;
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let node = copy;
    for (const key of path.slice(0, -1)) {
      if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return copy;
}

/** Validates a parsed config, reporting every problem at once. */
export function parseConfig(raw: unknown, source = '(input)', env: NodeJS.ProcessEnv = process.env): RunConfig {
  const result = configSchema.safeParse(applyEnvOverrides(raw, env));
  if (result.success) return result.data;
  throw new ConfigError(source, result.error.issues.map((i) => ({ path: pathText(i.path), message: i.message })));
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: `cannot read file: ${(e as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: `not valid JSON: ${(e as Error).message}` }]);
  }
  return parseConfig(raw, file, env);
}
