"""Multi-label classification of a resident's concern into welfare domains.

One independent logistic regression per taxonomy domain over TF-IDF weighted lemma and
character n-gram features plus the mean word vector of the message, so any combination
of domains can come out, including ones no training example had. The model is stored as
plain arrays and JSON (no pickle).
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlu.concern_features import concern_features
from bot.nlu.concern_labels import labelled_domains
from bot.nlu.word_vectors import mean_vector
from bot.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

DOMAINS = "domains"
DOMAIN_SCORES = "domain_scores"


def message_features(message: Message) -> List[str]:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return concern_features(
        message.get(TEXT) or "",
        [t.lemma for t in tokens],
        [t.get("pos", "") for t in tokens],
    )


def message_vector(message: Message) -> np.ndarray:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return mean_vector((t.lemma, t.get("norm", ""), t.text, t.get("pos", "")) for t in tokens)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class DomainClassifier(GraphComponent):
    """Writes `domains` (codes over threshold, best first) and `domain_scores` on a message."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "threshold": 0.5,
            # A message DIET reads as a concern gets its best domain when that scores at
            # least this much, so a resident who wrote a worry is never left with none.
            "concern_floor": 0.3,
            # Inverse regularisation strength of each per-domain regression.
            "C": 8.0,
            "min_df": 1,
            # Weight of the mean word vector next to the TF-IDF features (0 turns it off).
            "word_vector_weight": 1.0,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Optional[Dict[str, int]] = None,
        idf: Optional[np.ndarray] = None,
        weights: Optional[np.ndarray] = None,
        biases: Optional[np.ndarray] = None,
        domain_codes: Optional[List[str]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._domain_codes = domain_codes or list(load_taxonomy().domain_codes)
        self._vocabulary = vocabulary
        self._idf = idf
        self._weights = weights
        self._biases = biases

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DomainClassifier":
        return cls(config, model_storage, resource)

    # ---- training -------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.nlu_examples if m.get(TEXT)]
        labels = np.array(
            [[code in labelled_domains(m) for code in self._domain_codes] for m in examples],
            dtype=bool,
        )
        vectorizer = TfidfVectorizer(
            analyzer=lambda features: features,
            sublinear_tf=True,
            min_df=self._config["min_df"],
        )
        matrix = self._with_vector(
            vectorizer.fit_transform([message_features(m) for m in examples]), examples
        )
        weights = np.zeros((len(self._domain_codes), matrix.shape[1]), dtype=np.float32)
        biases = np.full(len(self._domain_codes), -10.0, dtype=np.float32)
        for index, code in enumerate(self._domain_codes):
            positives = labels[:, index]
            if positives.all() or not positives.any():
                logger.warning("Domain '%s' has no contrasting examples; it stays off.", code)
                continue
            model = LogisticRegression(
                C=self._config["C"], class_weight="balanced", max_iter=3000, solver="liblinear"
            )
            model.fit(matrix, positives)
            weights[index] = model.coef_[0]
            biases[index] = model.intercept_[0]
        self._vocabulary = {k: int(v) for k, v in vectorizer.vocabulary_.items()}
        self._idf = vectorizer.idf_.astype(np.float32)
        self._weights, self._biases = weights, biases
        self._persist()
        return self._resource

    def _with_vector(self, sparse_rows: sp.csr_matrix, messages: List[Message]) -> sp.csr_matrix:
        weight = self._config["word_vector_weight"]
        if not weight:
            return sparse_rows
        dense = np.vstack([message_vector(m) for m in messages]) * weight
        return sp.hstack([sparse_rows, sp.csr_matrix(dense)]).tocsr()

    def _persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "vocabulary.json").write_text(
                json.dumps(
                    {"domains": self._domain_codes, "vocabulary": self._vocabulary},
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            np.savez_compressed(
                directory / "weights.npz", idf=self._idf, weights=self._weights, biases=self._biases
            )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "DomainClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
                arrays = np.load(directory / "weights.npz", allow_pickle=False)
                return cls(
                    config,
                    model_storage,
                    resource,
                    vocabulary=meta["vocabulary"],
                    idf=arrays["idf"],
                    weights=arrays["weights"],
                    biases=arrays["biases"],
                    domain_codes=meta["domains"],
                )
        except ValueError:
            logger.warning("DomainClassifier has no trained model; it will predict nothing.")
            return cls(config, model_storage, resource)

    # ---- inference ------------------------------------------------------------------
    def scores(self, message: Message) -> Dict[str, float]:
        """Probability per domain code, independent of each other."""
        if self._weights is None or not (message.get(TEXT) or "").strip():
            return {code: 0.0 for code in self._domain_codes}
        columns, values = self._tfidf(message_features(message))
        # Only the message's own columns of the weight matrix: a few dozen of ~200,000
        # (the profile showed a sparse-by-dense product over all of them as the NLU hot spot).
        logits = self._weights[:, columns] @ values + self._biases
        weight = self._config["word_vector_weight"]
        if weight:
            vector = message_vector(message) * weight
            logits = logits + self._weights[:, len(self._idf):] @ vector
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        return {code: round(float(p), 4) for code, p in zip(self._domain_codes, probabilities)}

    def _tfidf(self, features: List[str]) -> tuple:
        """Column indices and weights, as TfidfVectorizer(sublinear_tf=True, norm="l2") gives them."""
        counts: Dict[int, int] = {}
        for feature in features:
            column = self._vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if len(values):
            values = (1.0 + np.log(values)) * self._idf[columns]
            values = values / np.linalg.norm(values)
        return columns, values

    def process(self, messages: List[Message]) -> List[Message]:
        threshold = self._config["threshold"]
        for message in messages:
            scores = self.scores(message)
            chosen = sorted(
                (code for code, score in scores.items() if score >= threshold),
                key=lambda code: -scores[code],
            )
            best = max(scores, key=scores.get)
            if not chosen and self._is_concern(message) and scores[best] >= self._config["concern_floor"]:
                chosen = [best]
            message.set(DOMAIN_SCORES, scores, add_to_output=True)
            message.set(DOMAINS, chosen, add_to_output=True)
        return messages

    @staticmethod
    def _is_concern(message: Message) -> bool:
        return (message.get(INTENT) or {}).get("name") == "describe_concern"

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
