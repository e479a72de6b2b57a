#!/usr/bin/env bash
# Test setup for the dataset-readers test (test/integration/outputs-readers.test.ts): a Python virtual
# environment at .tools/py with the readers an analyst uses (DuckDB, Polars, pyarrow), pinned. Cached: made
# once, then instant. Needs python3 with venv and the PyPI registry; fails loudly otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.tools/py
PINS="duckdb==2.0.1 polars==2.1.0 pyarrow==26.0.1"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/pins" 2>/dev/null)" = "$PINS" ]; then
  echo "ensure-python: $VENV ($PINS)" >&2; exit 0
fi
command -v python3 >/dev/null || { echo "ensure-python: python3 is missing (the readers test needs it)" >&2; exit 1; }
echo "ensure-python: making $VENV with $PINS (once)..." >&2
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check $PINS
echo "$PINS" > "$VENV/pins"
echo "ensure-python: $VENV ready" >&2
