#!/usr/bin/env bash
# Sets 窓口ナビ up on a fresh machine: a .venv made with pyenv's Python 3.10, the pinned
# install, and `rasa train` when the data, config or NLU components changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONHASHSEED=0 RASA_TELEMETRY_ENABLED=false

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

.venv/bin/python -m bot.train
