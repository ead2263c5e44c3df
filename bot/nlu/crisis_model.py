"""The learned layer of crisis detection: how likely a message speaks of danger now, and which.

Rules (bot/nlu/crisis_rules.py) only catch the phrasings they list; this model learns from every
labelled example (danger-now messages, look-alikes that are not danger now, ordinary
concerns) and so reaches phrasings nobody wrote a rule for. It is a pair of linear models
over the same features as the domain classifier (lemmas, lemma pairs, character n-grams,
curated words, the mean word vector) plus which rule families fired:

- `danger`: one logistic regression, danger now vs not;
- `category`: one logistic regression per crisis category over the danger examples, so the
  lines that fit (119 for a collapse, 189 for a child) come first.

Its thresholds are chosen when training, by cross-validation on the training data alone:
`high` keeps false alarms on the training set's non-danger examples near
`target_alarm_rate`, `low` (the safety question) keeps the questions near
`target_question_rate`, and `rule_doubt` is the score under which a rule hit is asked about
instead of shown as an emergency (a novel's 「今夜で終わりにする」): set so that at most
`rule_doubt_rate` of the training data's real danger caught by a rule would be asked rather
than shown. Everything is stored as arrays and JSON, never pickled.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bot.nlu.tfidf import tfidf_row

CATEGORIES = ("suicide_self_harm", "violence_now", "child_danger", "medical_emergency")


@dataclass(frozen=True)
class CrisisEstimate:
    score: float  # probability of danger now
    evidence: float  # the danger logit without its bias: what this message adds to a conversation
    categories: Tuple[str, ...]  # most likely first


@dataclass
class CrisisModelSettings:
    C: float = 4.0
    folds: int = 5
    target_alarm_rate: float = 0.02
    target_question_rate: float = 0.06
    category_floor: float = 0.25
    word_vector_weight: float = 1.0
    rule_doubt_rate: float = 0.02
    # Thresholds of their own for each language with at least `language_min_calm` calm training
    # examples, so that each language's calm messages raise the banner at the target rate.
    per_language_thresholds: bool = False
    language_min_calm: int = 1000
    # Regressions fitted at once (liblinear leaves the GIL): one per core of the machine CI has.
    training_threads: int = 2


class CrisisModel:
    def __init__(
        self,
        vocabulary: Dict[str, int],
        idf: np.ndarray,
        danger_weights: np.ndarray,
        danger_bias: float,
        category_weights: np.ndarray,
        category_biases: np.ndarray,
        high: float,
        low: float,
        settings: CrisisModelSettings,
        rule_doubt: float = 0.0,
        language_bands: Optional[Dict[str, Tuple[float, float]]] = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.danger_weights = danger_weights
        self.danger_bias = danger_bias
        self.category_weights = category_weights
        self.category_biases = category_biases
        self.high = high
        self.low = low
        self.rule_doubt = rule_doubt
        self.settings = settings
        self.language_bands = {language: (float(h), float(l)) for language, (h, l) in (language_bands or {}).items()}

    # ---- training -------------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        features: Sequence[List[str]],
        vectors: np.ndarray,
        danger: np.ndarray,
        categories: Sequence[Optional[str]],
        settings: CrisisModelSettings,
        groups: Optional[np.ndarray] = None,
        rule_hits: Optional[np.ndarray] = None,
        languages: Optional[Sequence[str]] = None,
    ) -> "CrisisModel":
        """`groups`: rows that are variants of one example share a group, so cross-validation
        never scores an example with its own rewriting in the training folds."""
        vectorizer = TfidfVectorizer(analyzer=lambda f: f, sublinear_tf=True)
        sparse = vectorizer.fit_transform(features)
        matrix = cls._stack(sparse, vectors, settings.word_vector_weight)
        danger = np.asarray(danger, dtype=bool)
        with ThreadPoolExecutor(max_workers=settings.training_threads) as pool:
            # The final danger model fits while the folds do: `rasa train`'s second-longest step.
            final = pool.submit(lambda: _danger_regression(settings).fit(matrix, danger))
            out_of_fold = cls._out_of_fold(matrix, danger, settings, groups, pool)
            model = final.result()
        high, low = _bands(out_of_fold[~danger], settings)
        language_bands: Dict[str, Tuple[float, float]] = {}
        if settings.per_language_thresholds and languages is not None:
            languages = np.asarray(languages)
            for language in sorted(set(languages)):
                calm_rows = ~danger & (languages == language)
                if calm_rows.sum() >= settings.language_min_calm:
                    language_bands[str(language)] = _bands(out_of_fold[calm_rows], settings)
        rule_doubt = 0.0
        if rule_hits is not None and (danger & rule_hits).any():
            caught = np.sort(out_of_fold[danger & rule_hits])
            rule_doubt = float(caught[int(np.floor(settings.rule_doubt_rate * len(caught)))])

        category_weights = np.zeros((len(CATEGORIES), matrix.shape[1]), dtype=np.float32)
        category_biases = np.full(len(CATEGORIES), -10.0, dtype=np.float32)
        labelled = np.array([c in CATEGORIES for c in categories]) & danger
        for index, code in enumerate(CATEGORIES):
            positives = np.array([c == code for c in categories])[labelled]
            if positives.any() and not positives.all():
                regression = LogisticRegression(C=settings.C, class_weight="balanced", max_iter=2000,
                                                solver="liblinear", random_state=0)
                regression.fit(matrix[labelled], positives)
                category_weights[index] = regression.coef_[0]
                category_biases[index] = regression.intercept_[0]
        return cls(
            {k: int(v) for k, v in vectorizer.vocabulary_.items()},
            vectorizer.idf_.astype(np.float32),
            model.coef_[0].astype(np.float32),
            float(model.intercept_[0]),
            category_weights,
            category_biases,
            high,
            low,
            settings,
            rule_doubt,
            language_bands,
        )

    @staticmethod
    def _stack(sparse: sp.csr_matrix, vectors: np.ndarray, weight: float) -> sp.csr_matrix:
        if not weight:
            return sparse.tocsr()
        return sp.hstack([sparse, sp.csr_matrix(vectors * weight)]).tocsr()

    @staticmethod
    def _out_of_fold(matrix, danger: np.ndarray, settings: CrisisModelSettings,
                     groups: Optional[np.ndarray], pool: ThreadPoolExecutor) -> np.ndarray:
        """The danger score of every training row from a model that never saw its group."""
        out_of_fold = np.zeros(len(danger))
        group_ids = groups if groups is not None else np.arange(len(danger))
        unique = np.unique(group_ids)
        group_danger = np.array([danger[group_ids == g].any() for g in unique])
        folds = StratifiedKFold(n_splits=settings.folds, shuffle=True, random_state=17)

        def fold(split: tuple) -> None:
            train_groups, test_groups = split
            train_rows = np.isin(group_ids, unique[train_groups])
            test_rows = ~train_rows & np.isin(group_ids, unique[test_groups])
            regression = _danger_regression(settings).fit(matrix[train_rows], danger[train_rows])
            out_of_fold[test_rows] = regression.predict_proba(matrix[test_rows])[:, 1]

        list(pool.map(fold, folds.split(unique, group_danger)))
        return out_of_fold

    # ---- inference ------------------------------------------------------------------
    def estimate(self, features: List[str], vector: np.ndarray) -> CrisisEstimate:
        columns, values = self._tfidf(features)
        tail = vector * self.settings.word_vector_weight if self.settings.word_vector_weight else None
        evidence = float(self.danger_weights[columns] @ values)
        if tail is not None:
            evidence += float(self.danger_weights[len(self.idf):] @ tail)
        score = 1.0 / (1.0 + np.exp(-(evidence + self.danger_bias)))
        return CrisisEstimate(round(score, 4), round(evidence, 4), self.categories(columns, values, tail))

    def bands(self, language: str) -> Tuple[float, float]:
        """(high, low) for a message in this language: its own if training had enough of it."""
        return self.language_bands.get(language, (self.high, self.low))

    def probability(self, evidence: float) -> float:
        return float(1.0 / (1.0 + np.exp(-(evidence + self.danger_bias))))

    def categories(self, columns: np.ndarray, values: np.ndarray, tail: Optional[np.ndarray]) -> Tuple[str, ...]:
        logits = self.category_weights[:, columns] @ values + self.category_biases
        if tail is not None:
            logits = logits + self.category_weights[:, len(self.idf):] @ tail
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        order = np.argsort(-probabilities)
        chosen = [CATEGORIES[i] for i in order if probabilities[i] >= self.settings.category_floor]
        return tuple(chosen or [CATEGORIES[int(order[0])]])

    def _tfidf(self, features: List[str]) -> Tuple[np.ndarray, np.ndarray]:
        return tfidf_row(features, self.vocabulary, self.idf)

    # ---- storage --------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        (directory / "crisis_model.json").write_text(json.dumps({
            "vocabulary": self.vocabulary,
            "danger_bias": self.danger_bias,
            "high": self.high,
            "low": self.low,
            "rule_doubt": self.rule_doubt,
            "language_bands": self.language_bands,
            "categories": list(CATEGORIES),
            "settings": self.settings.__dict__,
        }, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(directory / "crisis_model.npz", idf=self.idf, danger_weights=self.danger_weights,
                            category_weights=self.category_weights, category_biases=self.category_biases)

    @classmethod
    def load(cls, directory: Path) -> "CrisisModel":
        meta = json.loads((directory / "crisis_model.json").read_text(encoding="utf-8"))
        arrays = np.load(directory / "crisis_model.npz", allow_pickle=False)
        return cls(meta["vocabulary"], arrays["idf"], arrays["danger_weights"], meta["danger_bias"],
                   arrays["category_weights"], arrays["category_biases"], meta["high"], meta["low"],
                   CrisisModelSettings(**meta["settings"]), meta["rule_doubt"], meta.get("language_bands"))


def _danger_regression(settings: CrisisModelSettings) -> LogisticRegression:
    # A fixed random_state: liblinear shuffles with it, and threads would otherwise draw from
    # numpy's shared generator in whatever order they run. Solved in liblinear's dual (over the
    # examples, not the features): the same problem, with the same thresholds to four decimals
    # on the training data of 2026-12-03, in 56 s instead of 101 s.
    return LogisticRegression(C=settings.C, class_weight="balanced", max_iter=3000, solver="liblinear",
                              dual=True, random_state=0)


def _bands(calm_scores: np.ndarray, settings: CrisisModelSettings) -> Tuple[float, float]:
    """(high, low) from out-of-fold scores of calm examples: at most the target shares reach them."""
    calm = np.sort(calm_scores)[::-1]
    high = _score_at_rate(calm, settings.target_alarm_rate)
    return high, min(high, _score_at_rate(calm, settings.target_alarm_rate + settings.target_question_rate))


def _score_at_rate(descending_scores: np.ndarray, rate: float) -> float:
    """The smallest threshold that lets at most `rate` of these scores reach it."""
    if not len(descending_scores):
        return 0.5
    allowed = int(np.floor(rate * len(descending_scores)))
    if allowed >= len(descending_scores):
        return float(descending_scores[-1])
    return float(np.nextafter(descending_scores[allowed], 1.0))
