#!/usr/bin/env bash
# Sets up exactly as scripts/setup.sh does, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_system_packages.sh
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONHASHSEED=0 RASA_TELEMETRY_ENABLED=false
# `rasa data validate --fail-on-warnings` runs inside the suite (tests/test_trainers_doc.py runs the
# guide's own command), not a second time here: each run costs 40 seconds of CI's 20 minutes.
.venv/bin/python -m pytest "$@"
