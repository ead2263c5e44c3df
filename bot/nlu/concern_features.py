"""The features the domain classifier reads from one message.

Lemmas and lemma pairs carry meaning (介護 疲れる); character n-grams over the folded
text carry what MeCab misreads (hiragana-only writing, dialect, typos): both are needed
for messages written by people the model never saw.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Sequence, Tuple

import yaml

from bot.nlu.normalize import fold_for_matching

LEXICON_PATH = Path(__file__).with_name("domain_lexicon.yml")
_LEXICON = "lex:"

# Parts of speech that carry no concern on their own; they still count inside pairs.
_FUNCTION_POS = {"助詞", "助動詞", "補助記号", "記号", "空白"}


def lemma_features(lemmas: Sequence[str], pos: Sequence[str]) -> List[str]:
    folded = [fold_for_matching(lemma) for lemma in lemmas]
    words = [f"w:{lemma}" for lemma, p in zip(folded, pos) if p not in _FUNCTION_POS and lemma]
    pairs = [f"p:{a}|{b}" for a, b in zip(folded, folded[1:]) if a and b]
    return words + pairs


def char_features(text: str, sizes: Iterable[int] = (1, 2, 3), prefix: str = "c:") -> List[str]:
    folded = fold_for_matching(text)
    return [f"{prefix}{folded[i:i + n]}" for n in sizes for i in range(len(folded) - n + 1)]


@functools.lru_cache(maxsize=1)
def _lexicon() -> Dict[str, Tuple[str, ...]]:
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    return {domain: tuple(fold_for_matching(str(term)) for term in terms) for domain, terms in raw.items()}


def reading_features(readings: Sequence[str], sizes: Iterable[int] = (2, 3)) -> List[str]:
    """Character n-grams over the message's kana reading: 母が認知症 and ははがにんちしょう (and
    haha ga ninchishou, read as kana) share them, whatever script the resident typed in."""
    return char_features("".join(readings), sizes, prefix="k:")


def lexicon_features(text: str) -> List[str]:
    """One `lex:DOMAIN` feature per curated term found: words no training example used
    (ナマポ, 督促, 地域包括) still point at their domain."""
    folded = fold_for_matching(text)
    return [f"{_LEXICON}{domain}" for domain, terms in _lexicon().items() for term in terms if term and term in folded]


def written_domains(features: Iterable[str]) -> FrozenSet[str]:
    """The domains named by a message's `lex:DOMAIN` features."""
    return frozenset(feature[len(_LEXICON):] for feature in features if feature.startswith(_LEXICON))


def concern_features(text: str, lemmas: Sequence[str], pos: Sequence[str]) -> List[str]:
    return lemma_features(lemmas, pos) + char_features(text) + lexicon_features(text)
