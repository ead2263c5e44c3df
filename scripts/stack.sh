#!/usr/bin/env bash
# Sets up (scripts/setup.sh, and Debian's nginx, redis-server and postgresql) and starts the
# multi-process stack on this machine: nginx (bot/settings.py STACK_PORT, 8080) in front of 2 Rasa
# replicas (Redis tracker + lock store), 1 action server and PostgreSQL. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_system_packages.sh
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 RASA_TELEMETRY_ENABLED=false
exec .venv/bin/python -m ops.stack up ${PORT:+--port "$PORT"}
