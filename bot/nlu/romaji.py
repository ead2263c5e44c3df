"""Japanese written in the Latin alphabet (rōmaji), both ways.

Residents on a foreign keyboard write 「haha ga ninchishou de」; MeCab reads that as unknown
English words. `to_kana` turns such a message back into hiragana (keeping a map to the
resident's own characters, as `normalize` does), and `from_kana` writes training examples in
rōmaji so the classifiers learn that form too. Hepburn and wāpuro (kunrei) spellings are both read.
"""
from __future__ import annotations

import re
from typing import Dict, List, Tuple

from bot.nlu.normalize import NormalizedText, katakana_to_hiragana

_ROWS = {
    "": "あいうえお", "k": "かきくけこ", "s": "さしすせそ", "t": "たちつてと", "n": "なにぬねの",
    "h": "はひふへほ", "m": "まみむめも", "r": "らりるれろ", "g": "がぎぐげご", "z": "ざじずぜぞ",
    "d": "だぢづでど", "b": "ばびぶべぼ", "p": "ぱぴぷぺぽ",
}
_VOWELS = "aiueo"
_SMALL_Y = {"a": "ゃ", "u": "ゅ", "o": "ょ"}


def _reading_table() -> Dict[str, str]:
    table: Dict[str, str] = {}
    for consonant, kana in _ROWS.items():
        for vowel, char in zip(_VOWELS, kana):
            table[consonant + vowel] = char
    table.update({
        "ya": "や", "yu": "ゆ", "yo": "よ", "wa": "わ", "wo": "を", "we": "うぇ", "wi": "うぃ",
        "shi": "し", "chi": "ち", "tsu": "つ", "fu": "ふ", "ji": "じ", "si": "し", "ti": "ち",
        "tu": "つ", "hu": "ふ", "zi": "じ", "di": "ぢ", "du": "づ", "dzu": "づ",
        "fa": "ふぁ", "fi": "ふぃ", "fe": "ふぇ", "fo": "ふぉ", "va": "ゔぁ", "vi": "ゔぃ", "vu": "ゔ",
        "ve": "ゔぇ", "vo": "ゔぉ", "je": "じぇ", "che": "ちぇ", "she": "しぇ", "thi": "てぃ", "dhi": "でぃ",
        "xtu": "っ", "ltu": "っ", "xya": "ゃ", "xyu": "ゅ", "xyo": "ょ", "la": "ら", "li": "り", "lu": "る",
        "le": "れ", "lo": "ろ",
    })
    for consonant, i_kana in (("k", "き"), ("s", "し"), ("t", "ち"), ("n", "に"), ("h", "ひ"), ("m", "み"),
                              ("r", "り"), ("g", "ぎ"), ("z", "じ"), ("j", "じ"), ("d", "ぢ"), ("b", "び"),
                              ("p", "ぴ"), ("c", "ち")):
        for vowel, small in _SMALL_Y.items():
            table[f"{consonant}y{vowel}"] = i_kana + small
    for vowel, small in _SMALL_Y.items():
        table[f"sh{vowel}"] = "し" + small
        table[f"ch{vowel}"] = "ち" + small
        table[f"j{vowel}"] = "じ" + small
    return table


_TO_KANA = _reading_table()
_LONGEST = max(len(k) for k in _TO_KANA)
# The spelling written when producing rōmaji: Hepburn, the one residents learnt at school.
_FROM_KANA: Dict[str, str] = {}
for _spelling, _kana in sorted(_TO_KANA.items(), key=lambda item: (len(item[0]), item[0])):
    if _spelling.startswith(("x", "l")) or _spelling in {"si", "ti", "tu", "hu", "zi", "di", "du", "dzu", "cya", "cyu", "cyo"}:
        continue
    _FROM_KANA.setdefault(_kana, _spelling)
_FROM_KANA.update({"し": "shi", "ち": "chi", "つ": "tsu", "ふ": "fu", "じ": "ji", "ぢ": "ji", "づ": "zu",
                   "を": "wo", "ん": "n", "ー": "-", "ゃ": "ya", "ゅ": "yu", "ょ": "yo",
                   "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o"})

# Particles written as said: "haha wa" is 母は, "ie e" is 家へ.
_PARTICLES = {"wa": "は", "e": "へ", "o": "を"}
_WORD = re.compile(r"[a-zA-Zāīūēōâîûêô']+")
_MACRONS = str.maketrans({"ā": "aa", "ī": "ii", "ū": "uu", "ē": "ee", "ō": "ou",
                          "â": "aa", "î": "ii", "û": "uu", "ê": "ee", "ô": "ou"})


def _word_to_kana(word: str) -> Tuple[str, List[Tuple[int, int]]] | None:
    """Hiragana for one rōmaji word and, per kana character, its span in the word; None if not rōmaji."""
    lowered = word.lower()
    if lowered in _PARTICLES:
        return _PARTICLES[lowered], [(0, len(word))]
    out: List[str] = []
    spans: List[Tuple[int, int]] = []
    i = 0
    while i < len(lowered):
        char = lowered[i]
        if char == "'":
            i += 1
            continue
        if char == "n" and (i + 1 == len(lowered) or lowered[i + 1] not in _VOWELS + "y"):
            # ん: before a consonant, at the end, or written nn / n'
            step = 2 if i + 1 < len(lowered) and lowered[i + 1] in "n'" and not (
                i + 2 < len(lowered) and lowered[i + 2] in _VOWELS + "y") else 1
            out.append("ん")
            spans.append((i, i + step))
            i += step
            continue
        if char in "bcdfghjkmprstvwz" and i + 1 < len(lowered) and lowered[i + 1] == char:
            out.append("っ")  # a doubled consonant: kitte, motto, icchi
            spans.append((i, i + 1))
            i += 1
            continue
        if char == "t" and lowered[i + 1:i + 3] == "ch":
            out.append("っ")
            spans.append((i, i + 1))
            i += 1
            continue
        for size in range(min(_LONGEST, len(lowered) - i), 0, -1):
            kana = _TO_KANA.get(lowered[i:i + size])
            if kana:
                for piece in kana:
                    out.append(piece)
                    spans.append((i, i + size))
                i += size
                break
        else:
            return None
    return "".join(out), spans


def romaji_share(text: str) -> float:
    """Share of the Latin-letter words in `text` that read as rōmaji without a leftover letter."""
    words = [w for w in _WORD.findall(text.translate(_MACRONS)) if len(w) > 1]
    if not words:
        return 0.0
    return sum(1 for w in words if _word_to_kana(w) is not None) / len(words)


def to_kana(original: str) -> NormalizedText:
    """Every rōmaji word of `original` in hiragana; other characters kept; offsets into `original`."""
    chars: List[str] = []
    starts: List[int] = []
    ends: List[int] = []
    position = 0
    for match in _WORD.finditer(original):
        for index in range(position, match.start()):
            chars.append(original[index])
            starts.append(index)
            ends.append(index + 1)
        word = match.group()
        # Macrons stretch the word, so spans are taken over the written word where they line up.
        expanded = word.translate(_MACRONS)
        converted = _word_to_kana(expanded)
        if converted is None:
            for index in range(match.start(), match.end()):
                chars.append(original[index])
                starts.append(index)
                ends.append(index + 1)
        else:
            kana, spans = converted
            for piece, (start, end) in zip(kana, spans):
                chars.append(piece)
                if len(expanded) == len(word):
                    starts.append(match.start() + start)
                    ends.append(match.start() + end)
                else:
                    starts.append(match.start())
                    ends.append(match.end())
        position = match.end()
    for index in range(position, len(original)):
        chars.append(original[index])
        starts.append(index)
        ends.append(index + 1)
    return NormalizedText(original, "".join(chars), starts, ends)


def from_kana(kana_text: str) -> str:
    """Hepburn rōmaji for a hiragana or katakana string; characters that are not kana stay."""
    text = katakana_to_hiragana(kana_text)
    out: List[str] = []
    i = 0
    geminate = False
    while i < len(text):
        pair = text[i:i + 2]
        if pair in _FROM_KANA and len(pair) == 2:
            spelling, i = _FROM_KANA[pair], i + 2
        elif text[i] == "っ":
            geminate, i = True, i + 1
            continue
        elif text[i] in _FROM_KANA:
            spelling, i = _FROM_KANA[text[i]], i + 1
        else:
            out.append(text[i])
            i += 1
            geminate = False
            continue
        if geminate and spelling[0] not in _VOWELS:
            spelling = ("t" if spelling.startswith("ch") else spelling[0]) + spelling
        geminate = False
        out.append(spelling)
    return "".join(out)
