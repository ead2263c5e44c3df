"""Morphological analysis of Japanese with fugashi (MeCab) and unidic-lite.

One place owns the tagger so the tokenizer, the crisis rules and (later) the redactor
read text the same way.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import List

import fugashi

from bot.nlu.normalize import NormalizedText, is_mostly_katakana, katakana_to_hiragana, normalize
from bot.nlu.language import is_romaji
from bot.nlu.romaji import to_kana


@dataclass(frozen=True)
class Morpheme:
    """One word as written (`text`, offsets into the original) and as the dictionary knows it."""

    text: str
    start: int
    end: int
    lemma: str
    pos: str
    pos_detail: str
    norm: str  # the normalised surface: NFKC, as analysed
    reading: str = ""  # hiragana as the dictionary reads it (ハハ → はは); the surface if unknown

    @property
    def is_person_name(self) -> bool:
        return self.pos == "名詞" and self.pos_detail == "人名"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@functools.lru_cache(maxsize=1)
def _tagger() -> fugashi.Tagger:
    # unidic-lite ships its dictionary inside the wheel: no download at run time.
    return fugashi.Tagger()


def analyze(original: str) -> List[Morpheme]:
    """Split `original` into morphemes whose offsets point into `original` itself."""
    if not original or not original.strip():
        return []
    normalized = normalize(original)
    if is_romaji(normalized.text):
        normalized = _compose(normalized, to_kana(normalized.text))
    # A lone surrogate (a broken emoji from a client) cannot be encoded for MeCab; one
    # replacement character in its place keeps every offset.
    analysed_text = _LONE_SURROGATE.sub("\ufffd", normalized.text)
    if is_mostly_katakana(analysed_text):
        analysed_text = katakana_to_hiragana(analysed_text)

    morphemes: List[Morpheme] = []
    cursor = 0
    for word in _tagger()(analysed_text):
        surface = word.surface
        if not surface:
            continue
        found = analysed_text.find(surface, cursor)
        if found < 0:  # MeCab never drops characters, but never trust offsets blindly
            continue
        cursor = found + len(surface)
        start, end = normalized.original_span(found, cursor)
        features = word.feature
        morphemes.append(
            Morpheme(
                text=original[start:end],
                start=start,
                end=end,
                lemma=_dictionary_form(features.lemma, surface),
                pos=features.pos1 or "",
                pos_detail=features.pos3 if features.pos2 == "固有名詞" else (features.pos2 or ""),
                norm=normalized.text[found:cursor],
                reading=_reading(features, surface),
            )
        )
    return morphemes


def _dictionary_form(lemma: str | None, surface: str) -> str:
    """unidic's lemma without the loanword gloss ('ケア-care' → 'ケア'); the surface if unknown."""
    if not lemma or lemma == "*":
        return surface.lower()
    if "-" in lemma and not lemma.startswith("-"):
        lemma = lemma.split("-", 1)[0]
    return lemma


def _compose(outer: NormalizedText, inner: NormalizedText) -> NormalizedText:
    """`inner` was made from `outer.text`: map its offsets through to `outer.original`."""
    starts = [outer.starts[s] if s < len(outer.starts) else len(outer.original) for s in inner.starts]
    ends = [outer.ends[e - 1] if 0 < e <= len(outer.ends) else len(outer.original) for e in inner.ends]
    return NormalizedText(outer.original, inner.text, starts, ends)


def _reading(features, surface: str) -> str:
    kana = getattr(features, "kana", None)
    if not kana or kana == "*":
        return katakana_to_hiragana(surface)
    return katakana_to_hiragana(kana)
