#!/usr/bin/env bash
# Sets 窓口ナビ up (see scripts/setup.sh) and starts it on this machine:
#   the web chat (?m=eniwa picks the municipality), Rasa with its REST channel
#   (POST /webhooks/rest/webhook) and the action server, on the loopback ports of
#   bot/settings.py (8000, 5005, 5055). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2 RASA_TELEMETRY_ENABLED=false
# Fresh secrets for this start: Rasa ↔ action server, and the page's relay ↔ Rasa.
new_secret() { .venv/bin/python -c "import secrets; print(secrets.token_hex(32))"; }
export ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$(new_secret)}"
export MADOGUCHI_RELAY_TOKEN="${MADOGUCHI_RELAY_TOKEN:-$(new_secret)}"

# The ports live in bot/settings.py (one home); the shell reads them from there.
read -r RASA_PORT ACTION_SERVER_PORT WEB_PORT < <(.venv/bin/python -c \
  "from bot.settings import RASA_PORT as r, ACTION_SERVER_PORT as a, WEB_PORT as w; print(r, a, w)")

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

.venv/bin/python -m actions.server --host 127.0.0.1 --port "$ACTION_SERVER_PORT" &
pids+=($!)
.venv/bin/rasa run --model models/madoguchi.tar.gz --interface 127.0.0.1 --port "$RASA_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml &
pids+=($!)
.venv/bin/python -m bot.web --port "$WEB_PORT" --rasa-url "http://127.0.0.1:$RASA_PORT" &
pids+=($!)
echo "窓口ナビ: http://127.0.0.1:$WEB_PORT/ (web chat), http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook (REST). Ctrl-C to stop."
wait -n "${pids[@]}"
