#!/usr/bin/env bash
# Sets 窓口ナビ up on a fresh machine: the pinned install in .venv (scripts/install.sh), then
# `rasa train` when the data, config or NLU components changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONHASHSEED=0 RASA_TELEMETRY_ENABLED=false
bash scripts/install.sh
.venv/bin/python -m bot.train
