"""Which of a message's scored domains it names: a learned decision over the domain scores.

The per-domain regressions say how much a message is about each domain, not how many needs it
holds. A fixed rule (over a threshold and at least 0.7 of the best score) dropped real second
needs scoring half the first (「年金暮らしやけん次の部屋なんか貸してもらえん」: housing 1.0,
elderly 0.19) and kept scene-setting ones. This logistic regression decides each domain from
what a caseworker would weigh: its score and rank next to the others, which domain came first
(a consumer scam and an older mother go together), whether a curated term of the domain was
written, who the worry is about (an older person, a child, someone else), and how long the
story is. It is fitted on the out-of-fold scores of the training concerns, so it learns from
scores like those of unseen messages, and stored as plain numbers (no pickle).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from bot.nlu.language import JAPANESE

CHOICE_FILE = "domain_choice.json"
# Domains scoring at least this much are counted as the needs in play, one of the facts weighed
# (the same floor under which the classifier never names a domain).
_CANDIDATE_FLOOR = 0.3


@dataclass(frozen=True)
class ConcernContext:
    """What the decision reads besides the scores: the message's own facts."""
    text: str
    language: str
    # Who the worry is about, from ConcernPeopleExtractor's `about`.
    about_older: bool
    about_child: bool
    about_someone_else: bool
    # Domains with a curated term written in the message (bot/nlu/domain_lexicon.yml; found by
    # bot.nlu.concern_features.written_domains).
    written: FrozenSet[str] = frozenset()

    @classmethod
    def of(cls, text: str, language: str, about: Sequence[Dict[str, Any]],
           written: Iterable[str] = ()) -> "ConcernContext":
        groups = {person.get("age_group") for person in about}
        relations = {person.get("relation") for person in about}
        return cls(text, language, "older" in groups, "child" in groups, bool(relations - {"self"}),
                   frozenset(written))


def candidate_features(scores: np.ndarray, codes: Sequence[str], context: ConcernContext) -> np.ndarray:
    """One row per domain (scores and codes in the taxonomy's order): what decides whether the
    message names it."""
    domains = len(scores)
    order = np.argsort(-scores, kind="stable")
    rank = np.empty(domains, dtype=int)
    rank[order] = np.arange(domains)
    top, second = float(scores[order[0]]), float(scores[order[1]]) if domains > 1 else 0.0
    share = scores / max(top, 1e-6)
    length = math.log1p(len(context.text)) / 6
    sentences = math.log1p(sum(context.text.count(mark) for mark in ("。", "！", "？", "\n", ". ")))
    foreign = float(context.language != JAPANESE)
    candidates = float((scores >= _CANDIDATE_FLOOR).sum()) / 3
    people = (float(context.about_older), float(context.about_child), float(context.about_someone_else))
    term = np.array([float(code in context.written) for code in codes])
    # Widened before multiplying, as the message's own facts (Python floats) are: the stored
    # regression was fitted on rows made so.
    wide_scores, wide_share = scores.astype(np.float64), share.astype(np.float64)
    rows = np.zeros((domains, feature_count(domains)), dtype=np.float32)
    columns = [wide_scores, wide_share, rank == 0, rank == 1, rank == 2, top, second, term, length, foreign,
               candidates, wide_scores * length, wide_share * length, term * wide_scores, sentences]
    for index, column in enumerate(columns):
        rows[:, index] = column
    # The first domain's partner: which domain came first, seen from each of the others.
    others = np.flatnonzero(rank != 0)
    rows[others, 15 + order[0] * domains + others] = 1.0
    own = 15 + domains * domains + np.arange(domains)
    everyone = np.arange(domains)
    for block, value in enumerate((1.0, wide_scores, *people)):
        rows[everyone, own + block * domains] = value
    return rows


def feature_count(domains: int) -> int:
    return 15 + domains * domains + 5 * domains


class DomainChoice:
    def __init__(self, codes: List[str], weights: np.ndarray, bias: float, cut: float) -> None:
        self.codes = list(codes)
        self.weights = weights.astype(np.float32)
        self.bias = float(bias)
        self.cut = float(cut)

    @classmethod
    def fit(cls, codes: List[str], scores: np.ndarray, labels: np.ndarray,
            contexts: Sequence[ConcernContext], cut: float, C: float) -> "DomainChoice":
        """scores, labels: one row per training concern (out-of-fold scores, gold domains)."""
        # Mostly zeros (one-hot domains and pairs): sparse rows keep ~20,000 concerns × 14
        # domains small and the fit quick.
        features = sp.vstack([sp.csr_matrix(candidate_features(row, codes, context))
                              for row, context in zip(scores, contexts)]).tocsr()
        model = LogisticRegression(C=C, max_iter=3000).fit(features, labels.ravel())
        return cls(codes, model.coef_[0], float(model.intercept_[0]), cut)

    def probabilities(self, scores: np.ndarray, context: ConcernContext) -> np.ndarray:
        logits = candidate_features(scores, self.codes, context) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def choose(self, scores: np.ndarray, context: ConcernContext, floor: float = 0.0) -> List[int]:
        """Indices of the named domains, most likely first; none scoring under `floor`."""
        probabilities = self.probabilities(scores, context)
        return [int(i) for i in np.argsort(-probabilities, kind="stable")
                if probabilities[i] >= self.cut and scores[i] >= floor]

    def save(self, directory: Path) -> None:
        (directory / CHOICE_FILE).write_text(json.dumps(
            {"codes": self.codes, "weights": [float(w) for w in self.weights], "bias": self.bias, "cut": self.cut}),
            encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Optional["DomainChoice"]:
        path = directory / CHOICE_FILE
        if not path.exists():
            return None
        stored = json.loads(path.read_text(encoding="utf-8"))
        if len(stored["weights"]) != feature_count(len(stored["codes"])):
            return None  # stored by another version of the features: the fixed rule answers
        return cls(stored["codes"], np.array(stored["weights"], dtype=np.float32), stored["bias"], stored["cut"])
