"""The two baselines the project model is measured against, trained on the same data."""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Set, Tuple

import yaml

from bot.nlu.concern_labels import LabelledExample
from bot.nlu.morphology import analyze
from bot.nlu.normalize import fold_for_matching

CRISIS_LABEL = "crisis"
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞"}


def stock_intent_label(example: LabelledExample) -> str:
    """How a stock Rasa bot would encode domains: one multi-intent per seen combination."""
    parts = sorted(example.domains) + ([CRISIS_LABEL] if example.crisis else [])
    return "+".join(parts) if parts else example.intent


def write_stock_training_data(examples: Iterable[LabelledExample], path: Path) -> None:
    by_label: Dict[str, List[str]] = defaultdict(list)
    for example in examples:
        by_label[stock_intent_label(example)].append(example.text)
    document = {
        "version": "3.1",
        "nlu": [
            {"intent": label, "examples": [{"text": text} for text in texts]}
            for label, texts in sorted(by_label.items())
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def domains_from_stock_intent(intent: str | None, codes: Sequence[str]) -> Tuple[Set[str], bool]:
    parts = set((intent or "").split("+"))
    if not parts <= set(codes) | {CRISIS_LABEL}:
        return set(), False
    return parts - {CRISIS_LABEL}, CRISIS_LABEL in parts


def content_lemmas(text: str) -> Set[str]:
    return {fold_for_matching(m.lemma) for m in analyze(text) if m.pos in _CONTENT_POS}


class KeywordMatcher:
    """Domain keywords mined from the training vocabulary: a lemma becomes a keyword of a
    domain when it appears in at least `min_count` of its examples and at least
    `min_precision` of the examples containing it carry that domain."""

    def __init__(self, min_count: int = 2, min_precision: float = 0.6) -> None:
        self.min_count = min_count
        self.min_precision = min_precision
        self.keywords: Dict[str, Set[str]] = {}

    def fit(self, examples: Sequence[LabelledExample]) -> "KeywordMatcher":
        in_label: Dict[str, Counter] = defaultdict(Counter)
        overall: Counter = Counter()
        for example in examples:
            lemmas = content_lemmas(example.text)
            overall.update(lemmas)
            labels = set(example.domains) | ({CRISIS_LABEL} if example.crisis else set())
            for label in labels:
                in_label[label].update(lemmas)
        self.keywords = {
            label: {
                lemma
                for lemma, count in counts.items()
                if count >= self.min_count and count / overall[lemma] >= self.min_precision
            }
            for label, counts in in_label.items()
        }
        return self

    def predict(self, text: str) -> Tuple[Set[str], bool]:
        lemmas = content_lemmas(text)
        hits = {label for label, words in self.keywords.items() if lemmas & words}
        return hits - {CRISIS_LABEL}, CRISIS_LABEL in hits
