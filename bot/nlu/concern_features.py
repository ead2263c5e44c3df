"""The features the domain classifier reads from one message.

Lemmas and lemma pairs carry meaning (介護 疲れる); character n-grams over the folded
text carry what MeCab misreads (hiragana-only writing, dialect, typos): both are needed
for messages written by people the model never saw.
"""
from __future__ import annotations

from typing import Iterable, List, Sequence

from bot.nlu.normalize import fold_for_matching

# Parts of speech that carry no concern on their own; they still count inside pairs.
_FUNCTION_POS = {"助詞", "助動詞", "補助記号", "記号", "空白"}


def lemma_features(lemmas: Sequence[str], pos: Sequence[str]) -> List[str]:
    folded = [fold_for_matching(lemma) for lemma in lemmas]
    words = [f"w:{lemma}" for lemma, p in zip(folded, pos) if p not in _FUNCTION_POS and lemma]
    pairs = [f"p:{a}|{b}" for a, b in zip(folded, folded[1:]) if a and b]
    return words + pairs


def char_features(text: str, sizes: Iterable[int] = (1, 2, 3)) -> List[str]:
    folded = fold_for_matching(text)
    return [f"c:{folded[i:i + n]}" for n in sizes for i in range(len(folded) - n + 1)]


def concern_features(text: str, lemmas: Sequence[str], pos: Sequence[str]) -> List[str]:
    return lemma_features(lemmas, pos) + char_features(text)
