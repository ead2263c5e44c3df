"""The window directory: load once, reuse everywhere (action server, evaluation, checks)."""
from __future__ import annotations

import functools

from bot.knowledge.loader import KnowledgeError, load_directory
from bot.knowledge.model import Directory, Municipality, Window

__all__ = ["Directory", "KnowledgeError", "Municipality", "Window", "current_directory", "load_directory"]


@functools.lru_cache(maxsize=1)
def current_directory() -> Directory:
    """The directory in service; an invalid file raises KnowledgeError at start-up."""
    return load_directory()
