import { spawnSync } from 'node:child_process';
import { completesDespite } from './faults';
import { useCluster } from './scenario';
import { clusterScript } from './topology';

/**
 * (c) The Temporal server is killed (kill -9) mid-run and started again, while three workers and the CLI (--no-worker) wait on it. Workers reconnect, the CLI keeps
 * waiting, and the run completes with outputs byte-identical to a single-worker run's.
 */
const cluster = useCluster();

it('(c) completes with the Temporal server killed and restarted mid-run', async () => {
  const at = await completesDespite(cluster, 'server-restart', () => {
    clusterScript('kill-server');
    spawnSync('sleep', ['2']);
    clusterScript('start-server');
  });
  console.log(`the Temporal server killed and restarted at ${at} of 12 committed jobs`);
});
