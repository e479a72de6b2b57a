#!/usr/bin/env bash
# The production topology's servers as processes on this machine: PostgreSQL (Debian's, on loopback) and
# the Temporal server built by scripts/ensure-temporal-server.sh, with the project's config/temporal files,
# the two databases made by the server's own schema tool, the `default` namespace and sweepflow's four
# search attributes. docker-compose.yml runs the same server version with the same config file.
#
#   bash scripts/cluster.sh start            start what is not running (idempotent); prints the address
#   bash scripts/cluster.sh stop             stop both
#   bash scripts/cluster.sh kill-server      kill -9 the Temporal server      (fault tests)
#   bash scripts/cluster.sh start-server     start it again
#   bash scripts/cluster.sh restart-postgres stop PostgreSQL (fast mode) and start it again
#   bash scripts/cluster.sh status
#
# Settings (environment): SWEEPFLOW_CLUSTER_DIR (state: database files, logs; default .state/cluster),
# SWEEPFLOW_CLUSTER_PORT (Temporal frontend, default 7333; the services take the next ports),
# SWEEPFLOW_CLUSTER_PG_PORT (default 5433). Messages go to stderr; `start` prints host:port on stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${SWEEPFLOW_CLUSTER_DIR:-$root/.state/cluster}"
port="${SWEEPFLOW_CLUSTER_PORT:-7333}"
pgport="${SWEEPFLOW_CLUSTER_PG_PORT:-5433}"
address="127.0.0.1:$port"
say() { printf 'cluster: %s\n' "$*" >&2; }
mkdir -p "$state"

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

ensure_postgres_installed() {
  if [ -z "$(pg_bin)" ]; then
    say "installing Debian's PostgreSQL (apt-get)..."
    if [ "$(id -u)" -ne 0 ]; then say "PostgreSQL is not installed and this is not root: apt-get install postgresql"; exit 1; fi
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
    # Debian starts its own cluster on 5432; ours is separate (own folder and port), so that one may stay.
  fi
}

# PostgreSQL refuses to run as root: its files belong to the postgres user (or to the caller when not root).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_running() { as_pg "$(pg_bin)/pg_ctl" -D "$state/pg" status >/dev/null 2>&1; }

start_postgres() {
  ensure_postgres_installed
  local bin; bin="$(pg_bin)"
  if [ ! -f "$state/pg/PG_VERSION" ]; then
    say "initialising a PostgreSQL cluster in $state/pg"
    mkdir -p "$state/pg"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$state/pg" "$state"
    as_pg "$bin/initdb" -D "$state/pg" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! pg_running; then
    as_pg "$bin/pg_ctl" -D "$state/pg" -l "$state/postgres.log" -w -t 60 \
      -o "-p $pgport -c listen_addresses=127.0.0.1 -c unix_socket_directories=$state/pg -c max_connections=200 -c fsync=off" start >/dev/null
    say "PostgreSQL on 127.0.0.1:$pgport"
  fi
}

psql_() { as_pg psql -h 127.0.0.1 -p "$pgport" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

setup_databases() {
  if [ -f "$state/schema.done" ]; then return; fi
  local paths server sql schema
  mapfile -t paths < <(bash "$root/scripts/ensure-temporal-server.sh")
  sql="${paths[1]}"; schema="${paths[2]}"
  if [ "$(psql_ -c "select 1 from pg_roles where rolname='temporal'")" != "1" ]; then
    psql_ -c "create role temporal login superuser password 'temporal'"
  fi
  for db in temporal temporal_visibility; do
    local dir=temporal; [ "$db" = temporal_visibility ] && dir=visibility
    local args=(--ep 127.0.0.1 -p "$pgport" -u temporal --pw temporal --pl postgres12 --db "$db")
    "$sql" "${args[@]}" create-database >/dev/null 2>&1 || true
    "$sql" "${args[@]}" setup-schema -v 0.0 >>"$state/schema.log" 2>&1
    "$sql" "${args[@]}" update-schema -d "$schema/$dir/versioned" >>"$state/schema.log" 2>&1
  done
  touch "$state/schema.done"
  say "databases temporal and temporal_visibility at their latest schema ($schema)"
}

server_pid() { [ -f "$state/server.pid" ] && kill -0 "$(cat "$state/server.pid")" 2>/dev/null && cat "$state/server.pid"; }

temporal_cli() { ENSURE_TEMPORAL_QUIET=1 bash "$root/scripts/ensure-temporal.sh"; }

wait_healthy() {
  local cli; cli="$(temporal_cli)"
  for _ in $(seq 1 120); do
    if "$cli" operator cluster health --address "$address" >/dev/null 2>&1; then return 0; fi
    if ! server_pid >/dev/null; then say "the server exited; the end of $state/server.log:"; tail -n 20 "$state/server.log" >&2; exit 1; fi
    sleep 0.5
  done
  say "the server did not become healthy in 60 s; see $state/server.log"; exit 1
}

start_server() {
  if server_pid >/dev/null; then return; fi
  local paths; mapfile -t paths < <(bash "$root/scripts/ensure-temporal-server.sh")
  TEMPORAL_PORT_BASE="$port" TEMPORAL_BIND_IP=127.0.0.1 TEMPORAL_BROADCAST_IP=127.0.0.1 \
    POSTGRES_SEEDS=127.0.0.1 DB_PORT="$pgport" POSTGRES_USER=temporal POSTGRES_PWD=temporal \
    TEMPORAL_DYNAMIC_CONFIG="$root/config/temporal/dynamicconfig.yaml" \
    nohup "${paths[0]}" --config-file "$root/config/temporal/server.yaml" --allow-no-auth start >>"$state/server.log" 2>&1 &
  echo $! > "$state/server.pid"
  wait_healthy
  say "Temporal server $(cat "$root/.tools/bin/temporal-server.version") on $address (pid $(cat "$state/server.pid"))"
}

register() {
  local cli; cli="$(temporal_cli)"
  local at=(--namespace default --address "$address")
  if ! "$cli" operator namespace describe "${at[@]}" >/dev/null 2>&1; then
    "$cli" operator namespace create "${at[@]}" --retention 72h >/dev/null
  fi
  # A new namespace, and a new search attribute, reach the frontend's caches some seconds later.
  wait_for "namespace default" "$cli" workflow count "${at[@]}"
  # Declared once in src/workflows/shared.ts (SEARCH_ATTRIBUTES); the compose file registers the same four.
  for a in RunName Security TradeDate JobStatus; do
    if ! "$cli" operator search-attribute list "${at[@]}" | grep -qw "$a"; then
      "$cli" operator search-attribute create "${at[@]}" --name "$a" --type Keyword >/dev/null
    fi
  done
  wait_for "the search attributes" "$cli" workflow count "${at[@]}" \
    --query 'RunName = "-" AND Security = "-" AND TradeDate = "-" AND JobStatus = "-"'
}

wait_for() {
  local what="$1"; shift
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  say "$what not usable after 60 s: $("$@" 2>&1 | tail -n 1)"; exit 1
}

stop_server() {
  local pid; pid="$(server_pid || true)"
  if [ -n "$pid" ]; then kill "$pid"; for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done; kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$state/server.pid"
}

case "${1:-start}" in
  start)
    start_postgres; setup_databases; start_server; register
    echo "$address" ;;
  stop)
    stop_server
    if [ -n "$(pg_bin)" ] && pg_running; then as_pg "$(pg_bin)/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null; fi
    say "stopped" ;;
  kill-server)
    pid="$(server_pid || true)"; [ -n "$pid" ] && kill -9 "$pid"; rm -f "$state/server.pid"; say "server killed" ;;
  start-server)
    start_server ;;
  restart-postgres)
    as_pg "$(pg_bin)/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null
    start_postgres ;;
  status)
    pg_running && say "PostgreSQL: running on $pgport" || say "PostgreSQL: stopped"
    server_pid >/dev/null && say "Temporal server: running on $address" || say "Temporal server: stopped" ;;
  *) say "unknown command ${1}"; exit 2 ;;
esac
