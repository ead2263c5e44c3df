"""Japanese text normalisation that keeps a map back to the resident's own characters.

Residents write in every width and script: ｶｲｺﾞ, ８０歳, ＡＢＣ, しにたい. Matching and
tokenising work on an NFKC-normalised copy, but Rasa tokens must point at the original
characters, so every normalised character remembers the span it came from.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import List

_HALFWIDTH_VOICED = {"\uff9e": "\u3099", "\uff9f": "\u309a"}  # ﾞ ﾟ
_KATAKANA_START, _KATAKANA_END = ord("ァ"), ord("ヶ")
_KANA_SHIFT = ord("ァ") - ord("ぁ")


@dataclass(frozen=True)
class NormalizedText:
    """An NFKC copy of `original`; `starts[i]`/`ends[i]` give the original span of char i."""

    original: str
    text: str
    starts: List[int]
    ends: List[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised slice text[start:end]."""
        if start >= end:
            position = self.starts[start] if start < len(self.starts) else len(self.original)
            return position, position
        return self.starts[start], self.ends[end - 1]


def normalize(original: str) -> NormalizedText:
    """NFKC character by character, composing half-width sound marks with their kana."""
    chars: List[str] = []
    starts: List[int] = []
    ends: List[int] = []
    for index, char in enumerate(original):
        if char in _HALFWIDTH_VOICED and chars:
            composed = unicodedata.normalize("NFC", chars[-1] + _HALFWIDTH_VOICED[char])
            if len(composed) == 1:
                chars[-1] = composed
                ends[-1] = index + 1
                continue
        for piece in unicodedata.normalize("NFKC", char):
            chars.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return NormalizedText(original, "".join(chars), starts, ends)


def katakana_to_hiragana(text: str) -> str:
    """ア→あ; one character for one, so offsets survive."""
    return "".join(
        chr(ord(c) - _KANA_SHIFT) if _KATAKANA_START <= ord(c) <= _KATAKANA_END else c
        for c in text
    )


def is_mostly_katakana(text: str) -> bool:
    """True for messages typed all in katakana (often half-width, from older phones).

    MeCab reads such text as loanwords and numbers (シニタイ → 四・二・タイ); read as
    hiragana it is analysed like ordinary writing.
    """
    kana_or_kanji = [c for c in text if _is_japanese_letter(c)]
    if len(kana_or_kanji) < 3:
        return False
    katakana = sum(1 for c in kana_or_kanji if _KATAKANA_START <= ord(c) <= _KATAKANA_END)
    return katakana / len(kana_or_kanji) >= 0.8


def fold_for_matching(text: str) -> str:
    """The form crisis rules and keyword look-ups compare against.

    NFKC, lower case, katakana as hiragana, no spaces: 'ｼﾆﾀｲ', 'シ ニ タ イ' and
    'しにたい' all become 'しにたい'.
    """
    # Words are folded again and again (each token, by the crisis rules and the features, for
    # every message and 23,000 times each when training); whole messages are not kept.
    return _fold_word(text) if len(text) <= _REMEMBERED_LENGTH else _fold(text)


_REMEMBERED_LENGTH = 16


@functools.lru_cache(maxsize=100_000)
def _fold_word(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    folded = katakana_to_hiragana(normalize(text).text.lower())
    return "".join(folded.split())


def _is_japanese_letter(char: str) -> bool:
    code = ord(char)
    return (
        0x3041 <= code <= 0x3096  # hiragana
        or _KATAKANA_START <= code <= _KATAKANA_END
        or 0x4E00 <= code <= 0x9FFF  # CJK ideographs
    )
