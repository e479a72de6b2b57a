import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfigFile } from '../config/load';
import { generate, type Truth } from '../generator/generate';
import { PROJECT_ROOT } from './dev-server';
import { runPipeline, summaryLines } from './run';
import { checkAgainstTruth } from './truth-check';

/**
 * The two-command demo's second half: sample data (generated once, deterministic), a full run on the
 * embedded server, and a check of every job against the generator's truth.json. Returns the exit code.
 */
export async function runDemo(opts: { keepServer?: boolean; verbose?: boolean }): Promise<number> {
  const configFile = path.join(PROJECT_ROOT, 'config', 'sample.json');
  const dataDir = path.join(PROJECT_ROOT, 'data', 'sample');
  const truthFile = path.join(dataDir, 'truth.json');
  if (!existsSync(truthFile)) {
    process.stderr.write(`generating sample data in ${dataDir} ...\n`);
    await generate({ securities: 4, dates: 3, rowsPerJob: 3000, seed: 42, out: dataDir });
  }
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as Truth;
  const config = { ...loadConfigFile(configFile), baseDir: PROJECT_ROOT };
  const { result, uiUrl, workflowId, logFile } = await runPipeline(config, { keepServer: opts.keepServer, logFile: 'auto', verbose: opts.verbose });
  const check = await checkAgainstTruth(result.out, truth);
  const truthLines = [`  truth.json: ${check.mismatches.length === 0 ? `all ${check.jobsChecked} jobs match` : `${check.mismatches.length} MISMATCHES`}`,
    ...check.mismatches.slice(0, 20).map((m) => `    ${m}`)];
  const lines = summaryLines({ result, workflowId, logFile, uiUrl: opts.keepServer ? uiUrl : null }, truthLines);
  if (!opts.keepServer) lines.push('  web ui:     `npm run sweepflow -- server` (history is kept in .state/), then http://127.0.0.1:8233');
  process.stdout.write(lines.join('\n') + '\n');
  return check.mismatches.length === 0 && result.failed === 0 ? 0 : 1;
}
