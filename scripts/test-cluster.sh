#!/usr/bin/env bash
# npm run test:cluster: builds, starts PostgreSQL and the Temporal server (scripts/cluster.sh, building the
# server once), runs the production-topology suite (test/cluster), and stops the servers again. A fresh
# state folder each time, so no run of an earlier suite is on the server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export SWEEPFLOW_CLUSTER_DIR="${SWEEPFLOW_CLUSTER_DIR:-$root/.state/cluster-test}"
export SWEEPFLOW_CLUSTER_PORT="${SWEEPFLOW_CLUSTER_PORT:-7333}"
export SWEEPFLOW_CLUSTER_PG_PORT="${SWEEPFLOW_CLUSTER_PG_PORT:-5433}"
export SWEEPFLOW_CLUSTER_ADDRESS="127.0.0.1:$SWEEPFLOW_CLUSTER_PORT"
started=$(date +%s)
bash scripts/cluster.sh stop >/dev/null 2>&1 || true
rm -rf "$SWEEPFLOW_CLUSTER_DIR" test-output/cluster
npm run build --silent
bash scripts/cluster.sh start >/dev/null
echo "test:cluster: servers up in $(( $(date +%s) - started )) s (PostgreSQL $SWEEPFLOW_CLUSTER_PG_PORT, Temporal $SWEEPFLOW_CLUSTER_ADDRESS)"
status=0
npx jest -c jest.cluster.config.js "$@" || status=$?
bash scripts/cluster.sh stop || true
echo "test:cluster: $( [ $status -eq 0 ] && echo passed || echo FAILED ) in $(( $(date +%s) - started )) s"
exit $status
