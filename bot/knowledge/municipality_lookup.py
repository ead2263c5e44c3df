"""Which municipality a resident means: the page's `?m=code`, or what they typed (恵庭に住んでいます)."""
from __future__ import annotations

from typing import Optional

from bot.knowledge.model import Directory
from bot.nlu.normalize import fold_for_matching

_SUFFIXES = ("市", "町", "村", "区")


def municipality_in_text(directory: Directory, text: str) -> Optional[str]:
    """The code of the municipality named in `text`, preferring the longest name found, and a
    town over its prefecture (「埼玉県狭山市」 is 狭山市, not the 埼玉県 entry)."""
    folded = fold_for_matching(text or "")
    best: Optional[tuple] = None
    for code, municipality in directory.municipalities.items():
        names = {fold_for_matching(municipality.name)}
        stem = municipality.name.rstrip("".join(_SUFFIXES))
        if len(stem) >= 2:
            names.add(fold_for_matching(stem))
        names.add(code)
        for name in names:
            rank = (len(name), municipality.name != municipality.prefecture)
            if name and name in folded and (best is None or rank > best[0]):
                best = (rank, code)
    return best[1] if best else None


def known_code(directory: Directory, value: object) -> Optional[str]:
    """A municipality code from page metadata, if it is one the directory knows."""
    if isinstance(value, str) and value.strip().lower() in directory.municipalities:
        return value.strip().lower()
    return None
