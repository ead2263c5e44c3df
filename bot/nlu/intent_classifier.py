"""Rasa's LogisticRegressionClassifier, answering an empty message instead of failing on it.

An empty or blank message has no features, and scikit-learn refuses a row with none; such a
message gets no intent (the fallback then asks the resident to write their worry).
"""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class DialogueActClassifier(LogisticRegressionClassifier):
    def process(self, messages: List[Message]) -> List[Message]:
        readable = [m for m in messages if (m.get(TEXT) or "").strip() and _has_features(m)]
        kept = {id(m) for m in readable}
        for message in messages:
            if id(message) not in kept:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        if readable:
            super().process(readable)
        return messages


def _has_features(message: Message) -> bool:
    sparse = message.get_sparse_features(TEXT)[1]
    dense = message.get_dense_features(TEXT)[1]
    return bool((sparse is not None and sparse.features.shape[-1]) or (dense is not None and dense.features.shape[-1]))
