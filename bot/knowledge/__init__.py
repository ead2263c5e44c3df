"""The window directory: loaded once, reloaded when its files change, never replaced by a broken one."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Optional, Tuple

from bot.knowledge.loader import KnowledgeError, load_directory
from bot.knowledge.model import Directory, Municipality, Window
from bot.paths import KNOWLEDGE_DIR

__all__ = ["Directory", "DirectoryInService", "KnowledgeError", "Municipality", "Window", "current_directory",
           "load_directory", "look_again"]

logger = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 2.0


class DirectoryInService:
    """Serves the last valid directory; a changed file is loaded on the next request, and an
    invalid one is reported and ignored, so residents keep getting the old windows."""

    def __init__(self, folder: Path = KNOWLEDGE_DIR) -> None:
        self.folder = folder
        self._directory: Optional[Directory] = None
        self._stamp: Optional[Tuple] = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.last_error: Optional[KnowledgeError] = None

    def _files_stamp(self) -> Tuple:
        return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in self.folder.glob("*.yml")))

    def look_again(self) -> None:
        """The next get() checks the files whatever the time (this process just wrote one)."""
        self._checked = float("-inf")

    def get(self) -> Directory:
        now = time.monotonic()
        if self._directory is not None and now - self._checked < CHECK_EVERY_SECONDS and CHECK_EVERY_SECONDS:
            return self._directory
        with self._lock:
            self._checked = now
            stamp = self._files_stamp()
            if self._directory is None:
                self._directory, self._stamp = load_directory(self.folder), stamp  # start-up: fail loudly
            elif stamp != self._stamp:
                try:
                    self._directory = load_directory(self.folder)
                    self.last_error = None
                    logger.info("window directory reloaded")
                except KnowledgeError as error:
                    self.last_error = error
                    logger.error("window directory NOT reloaded, the previous one stays in service: %s", error)
                self._stamp = stamp
        return self._directory


_in_service = DirectoryInService()


def current_directory() -> Directory:
    """The directory in service; an invalid file at start-up raises KnowledgeError."""
    return _in_service.get()


def look_again() -> None:
    """After the staff pages wrote a file: this process serves it from its next request (the
    others, the action server among them, within CHECK_EVERY_SECONDS)."""
    _in_service.look_again()
