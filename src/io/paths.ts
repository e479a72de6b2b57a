import path from 'node:path';

/**
 * Where a run's files live. Work files (plan, shards, staging) are intermediate; output files are what
 * users read. Both are shared by every worker of a run (a shared filesystem when workers are on many hosts).
 */
export interface RunPaths {
  work: string;
  out: string;
  plan: string;
  splitManifests: string;
  staging: string;
  shards: string;
  jobsIndex: string;
  rejects: string;
  bySecurity: string;
  rollups: string;
  summary: string;
}

export function runPaths(baseDir: string, outputDir: string, workDir: string, name: string): RunPaths {
  const work = path.resolve(baseDir, workDir, name);
  const out = path.resolve(baseDir, outputDir, name);
  return {
    work, out,
    plan: path.join(work, 'plan.json'),
    splitManifests: path.join(work, 'splits'),
    staging: path.join(work, 'staging'),
    shards: path.join(work, 'shards'),
    jobsIndex: path.join(work, 'jobs.json'),
    rejects: path.join(out, 'rejects'),
    bySecurity: path.join(out, 'by_security'),
    rollups: path.join(out, 'rollups'),
    summary: path.join(out, 'summary.json'),
  };
}

/** Security codes and dates become folder names: keep them safe. */
export function safeSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, (ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function shardFile(p: RunPaths, kind: string, security: string, date: string, splitId: string): string {
  return path.join(p.shards, kind, safeSegment(security), date, `${splitId}.csv`);
}

export function jobOutputDir(p: RunPaths, security: string, date: string): string {
  return path.join(p.bySecurity, safeSegment(security), date);
}
