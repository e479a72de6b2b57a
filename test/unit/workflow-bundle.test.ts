import path from 'node:path';
import { bundleWorkflows } from '../../src/worker/bundle';

/** The worker's workflow bundle, made in a child process (src/worker/bundle.ts). */
describe('bundleWorkflows', () => {
  it('bundles the project\'s workflows: every workflow type is in the code', async () => {
    const code = await bundleWorkflows(require.resolve('../../src/workflows'));
    for (const type of ['pipelineRun', 'securityWorkflow', 'jobWorkflow', 'scheduledRun']) expect(code).toContain(type);
  }, 120_000);

  it('raises a bundling failure with the bundler\'s own words', async () => {
    const missing = path.join(__dirname, 'no-such-workflows.ts');
    await expect(bundleWorkflows(missing)).rejects.toThrow(new RegExp(`bundling the workflows \\(${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) failed: .*no-such-workflows`, 's'));
  }, 120_000);
});
