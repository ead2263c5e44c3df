"""Training examples rewritten as residents without kanji write them.

Elderly residents write in hiragana only, foreign keyboards give rōmaji, old phones give
katakana (which `normalize` already reads as hiragana). The tokenizer knows every word's
reading, so each training concern can be rewritten in those forms at training time instead
of by hand; the classifiers then learn the same worry in every script.
"""
from __future__ import annotations

import hashlib
from typing import List

from bot.nlu.language import detect_language
from bot.nlu.morphology import analyze
from bot.nlu.romaji import from_kana

# Particles are spelt as they sound in rōmaji: 母は → haha wa, 家へ → ie e, 本を → hon o.
_PARTICLE_SOUNDS = {"は": "wa", "へ": "e", "を": "o"}


def hiragana_form(text: str) -> str:
    return "".join(m.reading if _has_kanji_or_kana(m.text) else m.text for m in analyze(text))


def romaji_form(text: str) -> str:
    words: List[str] = []
    for morpheme in analyze(text):
        if morpheme.pos == "助詞" and morpheme.text in _PARTICLE_SOUNDS:
            words.append(_PARTICLE_SOUNDS[morpheme.text])
        elif _has_kanji_or_kana(morpheme.text):
            words.append(from_kana(morpheme.reading))
        elif morpheme.text.strip():
            words.append(morpheme.text)
    return " ".join(words)


def writing_variant(text: str) -> str | None:
    """One other script for a Japanese example (hiragana or rōmaji, fixed per text); None when
    the text has no kanji to take away or is not Japanese."""
    if detect_language(text) != "ja" or not any(_is_kanji(c) for c in text):
        return None
    digest = hashlib.sha256(text.encode("utf-8")).digest()[0]
    return hiragana_form(text) if digest % 3 else romaji_form(text)


def _is_kanji(char: str) -> bool:
    return 0x4E00 <= ord(char) <= 0x9FFF


def _has_kanji_or_kana(text: str) -> bool:
    return any(_is_kanji(c) or 0x3041 <= ord(c) <= 0x30FA for c in text)
