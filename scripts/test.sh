#!/usr/bin/env bash
# Install dyad with its test tools in .venv, then run ruff and the whole test suite
# (real-data tests read ../shared/data). This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest -q "$@"
