#!/usr/bin/env bash
# Create .venv and install dyad. With "test": also the test tools, and Debian's Chromium and ChromeDriver
# for the browser tests (installed with apt-get when missing; needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
PY="${PYTHON:-python3}"
if [ "$extra" = "test" ] && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing Debian chromium and chromium-driver for the browser tests" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "setup: browser tests need Debian chromium and chromium-driver (sudo apt-get install chromium chromium-driver)" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "$extra" ]; then
  .venv/bin/python -m pip install -q -e ".[$extra]"
else
  .venv/bin/python -m pip install -q -e .
fi
