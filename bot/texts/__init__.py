"""Every sentence a resident reads, by language: one YAML file a language (ja.yml, en.yml).

Actions, the referral and the web app ask `say(key, language, **values)`; a key a language
does not have falls back to Japanese, so a new language can be added a file at a time.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict

import yaml

from bot.nlu.language import JAPANESE

TEXTS_DIR = Path(__file__).parent


@functools.lru_cache(maxsize=None)
def texts(language: str) -> Dict[str, Any]:
    path = TEXTS_DIR / f"{language}.yml"
    if language != JAPANESE and path.exists():
        return {**texts(JAPANESE), **yaml.safe_load(path.read_text(encoding="utf-8"))}
    return yaml.safe_load((TEXTS_DIR / f"{JAPANESE}.yml").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def languages() -> tuple:
    return tuple(sorted(p.stem for p in TEXTS_DIR.glob("*.yml")))


def say(key: str, language: str = JAPANESE, **values: Any) -> str:
    """The sentence `key` in `language` with its {placeholders} filled in."""
    entry = texts(language if language in languages() else JAPANESE)[key]
    return entry.format(**values) if values else entry


def lookup(key: str, language: str = JAPANESE) -> Any:
    """A structured entry (a mapping or list) such as `safety_question` or `clarify_choices`."""
    return texts(language if language in languages() else JAPANESE).get(key)
