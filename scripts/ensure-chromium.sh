#!/usr/bin/env bash
# Test setup for the report test: Debian's chromium (headless) at /usr/bin/chromium. Installs it when missing
# and this user can (root with apt-get); otherwise says so and the report test skips.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then echo "ensure-chromium: /usr/bin/chromium present" >&2; exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium (once)..." >&2
  if apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; then
    echo "ensure-chromium: installed /usr/bin/chromium" >&2; exit 0
  fi
  echo "ensure-chromium: apt-get could not install chromium; the report test will skip" >&2; exit 0
fi
echo "ensure-chromium: no /usr/bin/chromium and no root apt-get; the report test will skip" >&2
exit 0
