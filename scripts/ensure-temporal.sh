#!/usr/bin/env bash
# Finds or builds the Temporal CLI (it contains the dev server and the Web UI).
# Order: `temporal` on PATH > cached project copy in .tools/bin > `go install` of a pinned release into
# .tools/bin (v1.5.1, then v1.4.1, then v1.3.0) > explain and exit 1.
# Idempotent: the second run finds the cached copy and returns at once. Messages go to stderr; the binary's
# path is the only line on stdout, so callers can do `bin=$(bash scripts/ensure-temporal.sh)`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
stamp="$tools/temporal.version"
say() { printf 'ensure-temporal: %s\n' "$*" >&2; }
# ENSURE_TEMPORAL_QUIET=1: say nothing when a binary is found (callers that print their own progress).
note() { [ -n "${ENSURE_TEMPORAL_QUIET:-}" ] || say "$@"; }

if [ -n "${SWEEPFLOW_TEMPORAL_BIN:-}" ]; then
  if [ -x "$SWEEPFLOW_TEMPORAL_BIN" ]; then note "using SWEEPFLOW_TEMPORAL_BIN=$SWEEPFLOW_TEMPORAL_BIN"; echo "$SWEEPFLOW_TEMPORAL_BIN"; exit 0; fi
  say "SWEEPFLOW_TEMPORAL_BIN=$SWEEPFLOW_TEMPORAL_BIN is not an executable file"; exit 1
fi

if command -v temporal >/dev/null 2>&1; then
  note "using temporal from PATH: $(command -v temporal)"
  command -v temporal
  exit 0
fi

if [ -x "$tools/temporal" ] && [ -f "$stamp" ]; then
  note "using cached $tools/temporal ($(cat "$stamp"))"
  echo "$tools/temporal"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "the Temporal CLI was not found and Go is not installed to build it."
  say "Install it (https://docs.temporal.io/cli: brew install temporal, or a release archive) and put it on PATH,"
  say "or install Go >= 1.23 and run this script again."
  exit 1
fi

mkdir -p "$tools"
for version in v1.5.1 v1.4.1 v1.3.0; do
  say "building github.com/temporalio/cli/cmd/temporal@$version with $(go version | cut -d' ' -f3) (a few minutes, once)..."
  log="$root/.tools/go-install-$version.log"
  if GOBIN="$tools" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/temporalio/cli/cmd/temporal@$version" >"$log" 2>&1; then
    echo "$version" > "$stamp"
    say "built $tools/temporal ($version)"
    echo "$tools/temporal"
    exit 0
  fi
  say "building $version failed; the last lines of $log:"
  tail -n 5 "$log" >&2 || true
done

say "no Temporal CLI version could be built. Install the CLI by hand and put it on PATH."
exit 1
