/**
 * The workflow bundle's entry point. `pipelineRun` is the type users start (Temporal CLI: `--type
 * pipelineRun`); `pipelineRunWorkflow` is the same function under the samples' naming convention.
 */
export { pipelineRunWorkflow, pipelineRunWorkflow as pipelineRun } from './pipeline-run';
export { securityWorkflow } from './security';
export { jobWorkflow } from './job';
export { scheduledRunWorkflow, scheduledRunWorkflow as scheduledRun } from './scheduled-run';
