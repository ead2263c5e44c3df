"""Which language a resident wrote in: Japanese (any script, rōmaji included) or English.

Counting letters is enough to tell them apart and costs nothing: Japanese residents write
kana or kanji, or rōmaji whose words all spell Japanese syllables; English does neither.
A further language is a new code here plus its texts file and training examples.
"""
from __future__ import annotations

import re
import unicodedata

from bot.nlu.romaji import romaji_share

JAPANESE = "ja"
ENGLISH = "en"
SUPPORTED = (JAPANESE, ENGLISH)
# Below this share of rōmaji words a Latin-letter message is English.
_ROMAJI_SHARE = 0.85


def detect_language(text: str) -> str:
    """'en' when Latin letters clearly outnumber Japanese ones and the words are not rōmaji."""
    japanese, latin = _letter_counts(text)
    if latin < 4 or latin <= 2 * japanese:
        return JAPANESE
    return JAPANESE if romaji_share(text) >= _ROMAJI_SHARE else ENGLISH


def is_romaji(text: str) -> bool:
    """Japanese typed in Latin letters (to be read back into kana before analysis)."""
    japanese, latin = _letter_counts(text)
    return latin >= 4 and latin > 2 * japanese and romaji_share(text) >= _ROMAJI_SHARE


# Markup and code are not a language: <script>alert('x')</script> is not English. Tags go
# first (a tag cannot hold "<", so each scan stops at the next one), then every chunk between
# spaces holding a code character. Both are linear in the text: a regex with \S* around the
# characters rescans the rest of a long unspaced text from every position.
_TAG = re.compile(r"<[^<>]*>")
_CODE_CHARS = frozenset("(){}[];=<>\\")


def _words_only(text: str) -> str:
    untagged = _TAG.sub(" ", text)
    return " ".join(chunk for chunk in untagged.split() if _CODE_CHARS.isdisjoint(chunk))


def _letter_counts(text: str) -> tuple:
    japanese = latin = 0
    for char in unicodedata.normalize("NFKC", _words_only(text or "")):
        code = ord(char)
        if 0x3041 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF or 0xFF66 <= code <= 0xFF9D:
            japanese += 1
        elif char.isascii() and char.isalpha():
            latin += 1
    return japanese, latin
