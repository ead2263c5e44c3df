"""Rasa's LogisticRegressionClassifier, answering an empty message instead of failing on it,
and stored as plain arrays instead of skops.

An empty or blank message has no features, and scikit-learn refuses a row with none; such a
message gets no intent (the fallback then asks the resident to write their worry), as does
every message when the model holds no trained classifier.

Rasa stores this classifier with skops, whose import walks every loaded module for each
scikit-learn type it trusts: 5.6 seconds of every Rasa start here, more than the rest of the
model takes to load. The fitted regression is its coefficients, intercepts and class names,
so those are stored (numpy, no pickle) and set back on the same scikit-learn regression:
the same probabilities for every message (checked in the tests).

Rasa builds the regression's matrix one message at a time, deep-copying and joining every
message's word-by-word features only to keep the sentence row: 32 of the 151 seconds this
component trained on a slow machine. Here each featurizer's sentence rows are stacked once and
set side by side: the same matrix (checked in the tests), in 4.5 seconds instead of 32.5.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.concern_labels import for_domains_only

logger = logging.getLogger(__name__)

ARRAYS_FILE = "dialogue_acts.npz"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class DialogueActClassifier(LogisticRegressionClassifier):
    def train(self, training_data: TrainingData) -> Resource:
        # Examples labelled for the domain classifier only (bot.nlu.concern_labels.for_domains_only)
        # would add 17,000 concerns to one act and double this regression's training time.
        kept = [m for m in training_data.training_examples if not for_domains_only(m)]
        return super().train(TrainingData(training_examples=kept))

    def process(self, messages: List[Message]) -> List[Message]:
        trained = hasattr(self.clf, "coef_")
        readable = [m for m in messages if trained and (m.get(TEXT) or "").strip() and _has_features(m)]
        kept = {id(m) for m in readable}
        for message in messages:
            if id(message) not in kept:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        if readable:
            super().process(readable)
        return messages

    def _create_X(self, messages: List[Message]) -> sp.spmatrix:
        stacked = _sentence_matrix(messages)
        return super()._create_X(messages) if stacked is None else stacked

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / ARRAYS_FILE, coef=self.clf.coef_, intercept=self.clf.intercept_,
                     classes=np.asarray(self.clf.classes_, dtype=str))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "DialogueActClassifier":
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / ARRAYS_FILE, allow_pickle=False)
                component.clf.coef_ = arrays["coef"]
                component.clf.intercept_ = arrays["intercept"]
                component.clf.classes_ = arrays["classes"]
                component.clf.n_features_in_ = arrays["coef"].shape[1]
        except (ValueError, FileNotFoundError):
            logger.warning("DialogueActClassifier has no trained model; every message gets no intent.")
        return component


def _has_features(message: Message) -> bool:
    sparse = message.get_sparse_features(TEXT)[1]
    dense = message.get_dense_features(TEXT)[1]
    return bool((sparse is not None and sparse.features.shape[-1]) or (dense is not None and dense.features.shape[-1]))


def _sentence_matrix(messages: List[Message]) -> Optional[sp.csr_matrix]:
    """The messages' sparse sentence features, one row each and featurizers side by side as Rasa
    joins them; None when Rasa's own way is needed (dense features, or featurizers that differ
    from message to message)."""
    rows = []
    for message in messages:
        sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
        if not sentence or not all(f.is_sparse() for f in sentence):
            return None
        rows.append([f.features for f in sentence])
    if not rows or len({tuple(m.shape[1] for m in row) for row in rows}) != 1:
        return None
    by_featurizer = [sp.vstack([row[k] for row in rows]) for k in range(len(rows[0]))]
    return sp.hstack(by_featurizer, format="csr", dtype=np.float64)
