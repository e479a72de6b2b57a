#!/usr/bin/env bash
# Finds or builds the Temporal server and its SQL schema tool (the production topology's server; the
# dev server of scripts/ensure-temporal.sh is a different binary). Both come from one module version,
# built from the Go module proxy into .tools/bin (git-ignored) and cached: the second run returns at once.
# v1.32.2 needs Go >= 1.26.10; the go command fetches the go1.27.3 toolchain itself (GOTOOLCHAIN).
# Prints three lines on stdout: the server binary, the schema tool, and the module's schema folder.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
version="${SWEEPFLOW_TEMPORAL_SERVER_VERSION:-v1.32.2}"
toolchain="${SWEEPFLOW_TEMPORAL_SERVER_GOTOOLCHAIN:-go1.27.3}"
stamp="$tools/temporal-server.version"
say() { printf 'ensure-temporal-server: %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  say "Go is needed to build the Temporal server $version (https://go.dev/dl); install it and run this again."
  exit 1
fi

mkdir -p "$tools"
if [ ! -x "$tools/server" ] || [ ! -x "$tools/sql" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$version" ]; then
  log="$root/.tools/temporal-server-build.log"
  say "building go.temporal.io/server $version (server + sql schema tool) with $toolchain: about 10 minutes on 2 cores, once..."
  started=$(date +%s)
  if ! GOTOOLCHAIN="$toolchain" GOBIN="$tools" GOFLAGS="${GOFLAGS:-} -trimpath" \
      go install "go.temporal.io/server/cmd/server@$version" "go.temporal.io/server/cmd/tools/sql@$version" >"$log" 2>&1; then
    say "the build failed; the last lines of $log:"
    tail -n 8 "$log" >&2 || true
    exit 1
  fi
  echo "$version" > "$stamp"
  say "built $tools/server and $tools/sql in $(( $(date +%s) - started )) s"
fi

# The schema files ship in the module itself (schema/postgresql/v12/{temporal,visibility}).
moddir="$(GOTOOLCHAIN="$toolchain" GOFLAGS=-mod=mod go mod download -json "go.temporal.io/server@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ ! -d "$moddir/schema/postgresql/v12" ]; then
  say "the module's schema folder was not found (go mod download gave '$moddir')"
  exit 1
fi
echo "$tools/server"
echo "$tools/sql"
echo "$moddir/schema/postgresql/v12"
