"""Limits and shared secrets every process agrees on, read here and nowhere else.

The message cap bounds the work one request can cause: the relay, the REST channel and nginx
all derive their limits from it. The secrets are set by scripts/run.sh and ops/stack.py for
each start; a process started without one refuses what the secret protects instead of
trusting everyone.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Optional

from bot.paths import DATA_DIR, PROJECT_ROOT

# Characters of one message the bot reads. A long story told in one message is rarely over
# 2,000; past the cap the resident is told how much was read and asked to send the rest.
MAX_MESSAGE_CHARS = 5000
# Bytes of a JSON body that can carry a full message: \uXXXX\uXXXX for a character outside the
# BMP is 12 bytes, plus room for the other fields.
MAX_MESSAGE_BODY_BYTES = MAX_MESSAGE_CHARS * 12 + 4096

# The ports of a one-machine start (scripts/run.sh, ops/stack.py): each process's default.
# endpoints.yml names the action server's too (Rasa reads it there); a test keeps them equal.
RASA_PORT = 5005
ACTION_SERVER_PORT = 5055
WEB_PORT = 8000
STACK_PORT = 8080

RELAY_TOKEN_ENV = "MADOGUCHI_RELAY_TOKEN"
DEMAND_EVENT_KEY_ENV = "DEMAND_EVENT_KEY"
SAMPLES_ENV = "STORE_REDACTED_SAMPLES"
ACTION_TOKEN_ENV = "ACTION_SERVER_TOKEN"
CHAT_COOKIE_KEY_ENV = "MADOGUCHI_COOKIE_KEY"
REVIEWED_DATA_ENV = "REVIEWED_DATA_DIR"
RETRAIN_COMPARISON_ENV = "RETRAIN_COMPARISON_FILE"


def _secret(name: str) -> Optional[str]:
    value = os.environ.get(name, "").strip()
    return value or None


def relay_token() -> Optional[str]:
    """Shared by the web page's relay and Rasa: only the relay may say which channel and which
    message id a message has."""
    return _secret(RELAY_TOKEN_ENV)


def action_server_token() -> Optional[str]:
    """Shared by Rasa (endpoints.yml) and the action server."""
    return _secret(ACTION_TOKEN_ENV)


_process_cookie_key = secrets.token_bytes(32)
_process_event_key = secrets.token_bytes(32)


def demand_event_key() -> bytes:
    """Keys a demand event's id to its message: every action server of one deployment needs the
    same value for a retried message to be recognised (docs/DEPLOY.md); without one, this
    process's random key still catches the retries it handles itself."""
    configured = _secret(DEMAND_EVENT_KEY_ENV)
    return configured.encode() if configured else _process_event_key


def redacted_samples_enabled() -> bool:
    """Opt-in: keep redacted samples of messages the bot did not understand, for trainers."""
    return os.environ.get(SAMPLES_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def chat_cookie_key() -> bytes:
    """Signs the conversation id the web page issues; random per process when unset (one web
    process; set it when several serve the same site)."""
    configured = _secret(CHAT_COOKIE_KEY_ENV)
    return configured.encode() if configured else _process_cookie_key


def _project_path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def reviewed_data_dir() -> Path:
    """Where reviewed samples become training data (data/nlu/reviewed/<date>.yml); tests point
    it at a copy so they never write into the repository's data/."""
    return _project_path(REVIEWED_DATA_ENV, DATA_DIR / "nlu" / "reviewed")


def retrain_comparison_file() -> Path:
    """The last `python -m bot retrain --compare`, which the trainers' inbox shows."""
    return _project_path(RETRAIN_COMPARISON_ENV, PROJECT_ROOT / "var" / "retrain_comparison.json")
