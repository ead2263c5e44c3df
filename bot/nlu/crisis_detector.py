"""The Rasa component that puts the deterministic crisis flag on every message."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.crisis import load_crisis_rules

CRISIS = "crisis"
CRISIS_CATEGORIES = "crisis_categories"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class CrisisDetector(GraphComponent):
    """Sets `crisis` (bool) and `crisis_categories` from the rules, never from a model.

    It sits last in the pipeline so nothing after it can change the flag, and the
    dialogue reads the flag before the intent.
    """

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self) -> None:
        self._rules = load_crisis_rules()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            finding = self._rules.detect(text, [(t.text, t.lemma, t.start) for t in tokens])
            message.set(CRISIS, finding.is_crisis, add_to_output=True)
            message.set(CRISIS_CATEGORIES, list(finding.categories), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
