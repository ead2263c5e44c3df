"""Loads the trained Rasa model and parses messages the way `rasa run` does."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional

from bot.paths import MODEL_PATH, PROJECT_ROOT

SETUP_COMMAND = "bash scripts/setup.sh"


class ModelNotTrainedError(RuntimeError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No trained model at {path}: run `{SETUP_COMMAND}` "
            "(or `.venv/bin/python -m bot.train`) first."
        )


class ConcernParser:
    """Wraps a Rasa `Agent`; `parse` returns Rasa's parse data (intent, domains, crisis…)."""

    def __init__(self, agent: Any) -> None:
        self._agent = agent

    @classmethod
    def load(cls, model_path: Optional[Path] = None) -> "ConcernParser":
        path = Path(model_path or MODEL_PATH)
        if not path.exists():
            raise ModelNotTrainedError(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from rasa.core.agent import Agent  # heavy import: only when a model is really there

        return cls(Agent.load(str(path)))

    async def parse(self, text: str) -> Dict[str, Any]:
        # Agent.parse_message → MessageProcessor.parse_message: the server's own path.
        return await self._agent.parse_message(text)


def quiet_rasa_logs() -> None:
    """Warnings and errors only, on stderr.

    Rasa logs each parsed message's text through structlog at debug level; unconfigured,
    structlog prints every level to stdout, which would mix resident words into
    `bot.evaluate`'s JSON output and into logs.
    """
    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    for name in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
