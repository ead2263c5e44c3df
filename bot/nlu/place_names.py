"""The window directory's municipality names as an extra lexicon of places for the NLU.

ConcernPeopleExtractor finds where the person cared for lives mostly from the words around a place
(に住む, で一人暮らし, 在住); the directory's own names and their readings let it also know the
places the dictionary does not tag, written in kana (くりやまちょう, エニワ) or in rōmaji ("hakodate").
Nothing is listed here: the names come from knowledge/*.yml as they are today, read again when the
directory in service changes.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, Optional, Set

from bot.nlu.normalize import fold_for_matching
from bot.nlu.romaji import from_kana

logger = logging.getLogger(__name__)

_TOWN_SUFFIX_READINGS = {"市": ("し",), "区": ("く",), "町": ("ちょう", "まち"), "村": ("むら", "そん"),
                         "郡": ("ぐん",)}
_REGION_SUFFIXES = "都道府県"
_NAME_SEPARATORS = re.compile(r"[（）()、,，・/／\s]+")
_LONG_VOWELS = [("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ee", "e"), ("ii", "i")]


def simple_romaji(word: str) -> str:
    """Rōmaji as people type place names: lower case, no macrons or long vowels, no hyphens
    (Kyōgoku, Kyougoku and Kyogoku are one word)."""
    text = word.lower().translate(str.maketrans("āīūēōâîûêô", "aiueoaiueo"))
    text = re.sub(r"[^a-z]", "", text)
    for long, short in _LONG_VOWELS:
        text = text.replace(long, short)
    return text


@dataclass(frozen=True)
class PlaceNames:
    names: FrozenSet[str] = frozenset()  # folded: 函館市, 函館, はこだて, はこだてし
    full: FrozenSet[str] = frozenset()  # the names written with their suffix (函館市, はこだてし)
    prefectures: FrozenSet[str] = frozenset()  # folded: 北海道, 埼玉県, 埼玉, さいたま
    romaji: Dict[str, str] = field(default_factory=dict)  # simple_romaji(reading) → the name
    longest: int = 0  # characters of the longest name, where a look-up stops


EMPTY = PlaceNames()


def _reading(text: str, suffix: str = "") -> Optional[str]:
    """The kana reading of `text`, read with its suffix when it has one (米子市 is よなご; 米子
    alone reads as the given name よねこ) and given without it."""
    from bot.nlu.morphology import analyze  # the tagger is loaded only when the names are read

    morphemes = analyze(text + suffix)
    if suffix and morphemes and morphemes[-1].text == suffix:
        morphemes = morphemes[:-1]
    if not morphemes or any(not m.reading for m in morphemes):
        return None
    reading = fold_for_matching("".join(m.reading for m in morphemes))
    return reading if all("\u3041" <= c <= "\u309f" or c == "ー" for c in reading) else None


def build_place_names(municipalities: Iterable[Any]) -> PlaceNames:
    """Names, stems and readings of `municipalities` (anything with .name and .prefecture)."""
    names: Set[str] = set()
    full: Set[str] = set()
    prefectures: Set[str] = set()
    romaji: Dict[str, str] = {}
    for municipality in municipalities:
        for piece in _NAME_SEPARATORS.split(municipality.name or ""):
            if len(piece) < 2:
                continue
            suffix = piece[-1] if piece[-1] in _TOWN_SUFFIX_READINGS else ""
            stem = piece[:-1] if suffix else piece
            names.add(fold_for_matching(piece))
            full.add(fold_for_matching(piece))
            if len(stem) >= 2:
                names.add(fold_for_matching(stem))
            reading = _reading(stem, suffix) if len(stem) >= 2 else None
            if reading and len(reading) >= 3:
                names.add(reading)
                spelled = simple_romaji(from_kana(reading))
                if len(spelled) >= 5:  # hiro, tono, soka are words and names before they are towns
                    romaji.setdefault(spelled, piece)
                for kana_suffix in _TOWN_SUFFIX_READINGS.get(suffix, ()):
                    names.add(reading + kana_suffix)
                    full.add(reading + kana_suffix)
        prefecture = municipality.prefecture or ""
        if len(prefecture) >= 2:
            prefectures.add(fold_for_matching(prefecture))
            stem = prefecture[:-1] if prefecture[-1] in _REGION_SUFFIXES and prefecture != "北海道" else prefecture
            if len(stem) >= 2:
                prefectures.add(fold_for_matching(stem))
                reading = _reading(stem, prefecture[len(stem):])
                if reading:
                    prefectures.add(reading)
    return PlaceNames(frozenset(names), frozenset(full), frozenset(prefectures), romaji,
                      max((len(name) for name in names), default=0))


_lock = threading.Lock()
_built: Dict[str, Any] = {"directory": None, "names": EMPTY}


def place_names() -> PlaceNames:
    """The names of the directory in service; none if it cannot be read (the NLU never fails on it)."""
    try:
        from bot.knowledge import current_directory  # the knowledge package imports the NLU folding

        directory = current_directory()
    except Exception as error:  # noqa: BLE001 - a broken directory must not stop a resident's message
        logger.warning("municipality names unavailable to the NLU: %s", error)
        return _built["names"]
    if directory is not _built["directory"]:
        with _lock:
            if directory is not _built["directory"]:
                _built["names"] = build_place_names(directory.municipalities.values())
                _built["directory"] = directory
    return _built["names"]
