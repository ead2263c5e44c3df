#!/usr/bin/env bash
# The Python half of scripts/setup.sh, without training: a .venv made with pyenv's Python 3.10
# and the pinned install (skipped when pyproject.toml and constraints.txt are unchanged).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.10}"   # .python-version pins pyenv to 3.10
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install --quiet --upgrade "pip<25" wheel
  .venv/bin/pip install --quiet -c constraints.txt -e ".[test]"
  touch "$stamp"
fi
