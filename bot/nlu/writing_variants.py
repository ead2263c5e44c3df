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

# Parts typed joined to the word before them: auxiliaries (ます, た, ない), suffixes (さん), and
# the particles that conjugate a verb (て, で, ば).
_ENDING_POS = {"助動詞", "接尾辞"}
_JOINED_PARTICLES = {"て", "で", "ば", "ちゃ", "じゃ", "たり", "だり"}

# Words the dictionary splits and reads one kanji at a time: お母さん is お + 母 (はは) + さん,
# which would teach おははさん where residents write おかあさん. Longest first.
_SPOKEN_READINGS = (
    ("お祖母ちゃん", "おばあちゃん"), ("お祖父ちゃん", "おじいちゃん"),
    ("お祖母さん", "おばあさん"), ("お祖父さん", "おじいさん"),
    ("お母さん", "おかあさん"), ("お父さん", "おとうさん"), ("お兄さん", "おにいさん"), ("お姉さん", "おねえさん"),
    ("お母ちゃん", "おかあちゃん"), ("お父ちゃん", "おとうちゃん"), ("お兄ちゃん", "おにいちゃん"),
    ("お姉ちゃん", "おねえちゃん"),
    ("母さん", "かあさん"), ("父さん", "とうさん"), ("兄さん", "にいさん"), ("姉さん", "ねえさん"),
    ("母ちゃん", "かあちゃん"), ("父ちゃん", "とうちゃん"), ("兄ちゃん", "にいちゃん"), ("姉ちゃん", "ねえちゃん"),
    ("明日", "あした"), ("日本", "にほん"),
)


def hiragana_form(text: str, spaced: bool = False) -> str:
    """`spaced`: a space between phrases (わかちがき), as most residents who write in hiragana only
    type it: 「むすめが こどもを つれて でていった」. On the sets already read, 1,226 of 1,329
    hiragana messages had spaces."""
    parts: List[str] = []
    previous = None
    for morpheme in analyze(_spoken(text)):
        if spaced and previous is not None and _starts_phrase(morpheme, previous):
            parts.append(" ")
        parts.append(morpheme.reading if _has_kanji_or_kana(morpheme.text) else morpheme.text)
        previous = morpheme
    return "".join(parts)


def _starts_phrase(morpheme, previous) -> bool:
    """A content word opens a phrase; endings, particles and punctuation stay with the word before,
    as do the second noun of a compound (せいかつほご) and a helping verb after て (でていった)."""
    if morpheme.pos in _ENDING_POS or morpheme.pos in ("助詞", "補助記号", "空白"):
        return False
    if previous.pos in ("接頭辞", "補助記号", "空白"):
        return False
    if morpheme.pos == "名詞" and previous.pos == "名詞":
        return False
    return not (morpheme.pos_detail == "非自立可能" and previous.text in _JOINED_PARTICLES)


def romaji_form(text: str) -> str:
    """Rōmaji as residents type it: a word with its endings in one piece (komatte imasu,
    okaasan, haraemasen), so a doubled consonant (困っ + て) is spelt across the join."""
    words: List[str] = []
    attach = False
    for morpheme in analyze(_spoken(text)):
        if morpheme.pos == "助詞" and morpheme.text in _PARTICLE_SOUNDS:
            words.append(_PARTICLE_SOUNDS[morpheme.text])
            attach = False
            continue
        if not morpheme.text.strip():
            continue
        kana = morpheme.reading if _has_kanji_or_kana(morpheme.text) else morpheme.text
        if words and (attach or _is_ending(morpheme)) and not _is_punctuation(words[-1][-1]):
            words[-1] += kana
        else:
            words.append(kana)
        attach = morpheme.pos == "接頭辞"
    return " ".join(from_kana(word) for word in words)


def _is_ending(morpheme) -> bool:
    return morpheme.pos in _ENDING_POS or (morpheme.pos == "助詞" and morpheme.text in _JOINED_PARTICLES)


def _is_punctuation(char: str) -> bool:
    return not (char.isalnum() or 0x3041 <= ord(char) <= 0x30FA)


def writing_variant(text: str) -> str | None:
    """One other script for a Japanese example (hiragana, three in four of those spaced, or rōmaji;
    fixed per text); None when the text has no kanji to take away or is not Japanese."""
    if detect_language(text) != "ja" or not any(_is_kanji(c) for c in text):
        return None
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return hiragana_form(text, spaced=digest[1] % 4 != 0) if digest[0] % 3 else romaji_form(text)


def _spoken(text: str) -> str:
    for written, spoken in _SPOKEN_READINGS:
        text = text.replace(written, spoken)
    return text


def _is_kanji(char: str) -> bool:
    return 0x4E00 <= ord(char) <= 0x9FFF


def _has_kanji_or_kana(text: str) -> bool:
    return any(_is_kanji(c) or 0x3041 <= ord(c) <= 0x30FA for c in text)
