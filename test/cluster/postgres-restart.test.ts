import { completesDespite } from './faults';
import { useCluster } from './scenario';
import { clusterScript } from './topology';

/**
 * (d) PostgreSQL is restarted (fast shutdown: every connection cut) mid-run, while three workers and the CLI (--no-worker) wait on it. Workers reconnect, the CLI keeps
 * waiting, and the run completes with outputs byte-identical to a single-worker run's.
 */
const cluster = useCluster();

it('(d) completes with PostgreSQL restarted mid-run', async () => {
  const at = await completesDespite(cluster, 'postgres-restart', () => clusterScript('restart-postgres'));
  console.log(`PostgreSQL restarted at ${at} of 12 committed jobs`);
});
