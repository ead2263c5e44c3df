#!/usr/bin/env bash
# Sets up exactly as scripts/setup.sh does, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_system_packages.sh
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONHASHSEED=0 RASA_TELEMETRY_ENABLED=false
.venv/bin/rasa data validate --config config.yml --domain domain.yml --data data --fail-on-warnings
.venv/bin/python -m pytest "$@"
