"""Keeps residents' words out of every log line, Rasa's and its libraries' included.

Our own modules never log a message's text (tests/test_privacy.py). Rasa does, at several
levels: its debug lines carry the parsed text, and its REST channel logs the whole text at
ERROR when handling a message times out. Three guards, installed once per process by the
modules Rasa and the action server import at start-up (bot.channels.rest, actions):

1. structlog (Rasa's structured events): every string value except the event's name, level
   and time is replaced before rendering, so a new Rasa field cannot leak either;
2. the standard `logging` records of other packages: below WARNING they are withheld at any
   configured level (Rasa's debug output is the conversation itself); above it they pass
   unless they quote a message the process is handling or handled recently;
3. `remember_resident_text` is how the channel registers a message for 2.
"""
from __future__ import annotations

import collections
import json
import logging
import threading
from typing import Any, Deque, Dict, Tuple

REDACTED = "[redacted]"
# Loggers whose authors promise never to log a resident's words (tests/test_privacy.py).
_OWN_LOGGERS = ("bot", "actions", "ops", "bench", "__main__")
_KEPT_EVENT_KEYS = frozenset({"event", "event_key", "level", "timestamp", "logger", "exc_info", "event_info"})
_RECENT_TEXTS = 256
_SAMPLE = 12

_recent: Deque[Tuple[str, ...]] = collections.deque(maxlen=_RECENT_TEXTS)
_recent_lock = threading.Lock()
_installed = False


def _samples(text: str) -> Tuple[str, ...]:
    """Pieces of a text that any log line quoting it, whole or cut, would contain."""
    text = text.strip()
    if len(text) < 2:
        return ()
    if len(text) <= _SAMPLE:
        pieces = [text]
    else:
        middle = len(text) // 2 - _SAMPLE // 2
        pieces = [text[:_SAMPLE], text[middle:middle + _SAMPLE], text[-_SAMPLE:]]
    # JSON log renderers escape non-ASCII as \\uXXXX: look for that spelling too.
    return tuple(pieces) + tuple(json.dumps(p)[1:-1] for p in pieces if not p.isascii())


def remember_resident_text(text: str) -> None:
    samples = _samples(text or "")
    if samples:
        with _recent_lock:
            _recent.append(samples)


def quotes_resident_text(line: str) -> bool:
    with _recent_lock:
        recent = list(_recent)
    return any(piece in line for samples in recent for piece in samples)


def redact_event(_logger: Any, _method: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """structlog processor: strings other than the event's name become REDACTED."""
    for key, value in list(event_dict.items()):
        if key not in _KEPT_EVENT_KEYS and not isinstance(value, (bool, int, float)) and value is not None:
            event_dict[key] = REDACTED
    return event_dict


def _is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in _OWN_LOGGERS)


def _guard_record(record: logging.LogRecord) -> logging.LogRecord:
    if _is_own(record.name):
        return record
    if record.levelno < logging.WARNING:
        withheld = f"[{record.levelname.lower()} line of {record.name} withheld: it may quote a resident]"
        record.msg, record.args = withheld, ()
        return record
    try:
        line = record.getMessage()
    except Exception:  # a malformed third-party record: keep nothing of it
        line = REDACTED
    if line == REDACTED or quotes_resident_text(line):
        record.msg, record.args = f"[{record.levelname.lower()} line of {record.name} redacted: it quoted a resident]", ()
    # A traceback can quote the text too (an exception message holding it).
    if record.exc_info and quotes_resident_text(logging.Formatter().formatException(record.exc_info)):
        record.exc_info, record.exc_text = None, None
    return record


def install_log_guard() -> None:
    """Idempotent; call after the process configured its logging (Rasa does so before it
    imports channels, components and actions)."""
    global _installed
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def guarded_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _guard_record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(guarded_record)
    _install_structlog_processor()


def _install_structlog_processor() -> None:
    try:
        import structlog
    except ImportError:  # the action server may run without structlog
        return
    processors = structlog.get_config()["processors"]
    if redact_event not in processors:
        # In place: loggers Rasa already cached hold this very list.
        processors.insert(0, redact_event)
