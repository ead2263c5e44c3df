#!/usr/bin/env bash
# Sets up as scripts/setup.sh does and runs the whole test suite, in two phases so that CI's
# two cores are both busy: `rasa train` leaves one core idle for minutes (reading the data,
# the dialogue-act regression), so the tests that need no trained model run beside it; the
# tests that do (marked `needs_model` in tests/conftest.py) run after it, in two workers.
# Arguments go to both phases (`bash scripts/test.sh -x`, `bash scripts/test.sh tests/test_routing.py`).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_system_packages.sh || exit 1
bash scripts/install.sh || exit 1
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONHASHSEED=0 RASA_TELEMETRY_ENABLED=false

# The strict validation (`--fail-on-validation-warnings`) runs once, inside this training.
# bot.train holds models/.training.lock while it trains, and the suite's trained_model fixture
# waits on it: nothing reads a half-written model.
training_log="$(mktemp)"
trap 'rm -f "$training_log"' EXIT
.venv/bin/python -m bot.train >"$training_log" 2>&1 &
training=$!

# pytest exits 5 when a phase selects no test (a single file of only one kind): not a failure.
passed() { [ "$1" -eq 0 ] || [ "$1" -eq 5 ]; }

.venv/bin/python -m pytest -m "not needs_model" "$@"
without_model=$?

wait "$training"
trained=$?
if [ "$trained" -ne 0 ]; then
  cat "$training_log"
  echo "rasa train failed: the tests that need the model were not run" >&2
  exit 1
fi
tail -n 3 "$training_log"

# One module's tests on one worker: its module fixtures (a parsed frozen set, nginx with its
# replicas, PostgreSQL) are set up once instead of once per worker (142 tests: 238 s → 197 s).
.venv/bin/python -m pytest --numprocesses 2 --dist loadscope -m needs_model "$@"
with_model=$?

passed "$without_model" && passed "$with_model"
