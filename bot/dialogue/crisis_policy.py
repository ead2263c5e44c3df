"""CrisisPolicy: danger comes before everything else in the dialogue.

After each resident message it judges the conversation (bot/dialogue/conversation_risk.py):
- crisis → the referral with the crisis lines first, whatever the intent or the rules say;
- uncertain → one direct safety question first, unless this danger was already asked
  about or answered with the lines in this conversation (slot `danger_addressed`);
- the message answers the safety question → the action that reads the answer.
Otherwise it stays silent and RulePolicy follows data/rules.yml.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue import action_results  # noqa: F401  (installs the once-built response check)
from bot.dialogue.conversation_risk import CRISIS, UNCERTAIN, judge, session_turns

REFER_ACTION = "action_refer_concern"
ASK_SAFETY_ACTION = "action_ask_safety"
SAFETY_ANSWER_ACTION = "action_safety_answer"
ADDRESSED_SLOT = "danger_addressed"
NEEDS_MUNICIPALITY_SLOT = "needs_municipality"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class CrisisPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Above RulePolicy (6): on a tie at confidence 1.0 the higher priority wins.
        return {"priority": 7}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__({**self.get_default_config(), **config}, model_storage, resource, execution_context)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = self.next_action(tracker)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)

    @staticmethod
    def next_action(tracker: DialogueStateTracker) -> Optional[str]:
        latest_action = tracker.latest_action_name
        if latest_action in (REFER_ACTION, ASK_SAFETY_ACTION, SAFETY_ANSWER_ACTION):
            if tracker.get_slot(NEEDS_MUNICIPALITY_SLOT):
                return None  # the lines went out; data/rules.yml now opens municipality_form
            return ACTION_LISTEN_NAME if _judged_this_turn(tracker) else None
        if latest_action != ACTION_LISTEN_NAME or tracker.latest_message is None:
            return None
        if _answers_safety_question(tracker):
            return SAFETY_ANSWER_ACTION
        risk = judge(session_turns(tracker.events))
        if risk.level == CRISIS:
            return REFER_ACTION
        addressed = set(tracker.get_slot(ADDRESSED_SLOT) or [])
        if risk.level == UNCERTAIN and not set(risk.categories) <= addressed:
            return ASK_SAFETY_ACTION
        return None

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CrisisPolicy":
        return cls(config, model_storage, resource, execution_context)


def _answers_safety_question(tracker: DialogueStateTracker) -> bool:
    """True when the bot's last action before this message was the safety question."""
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return False
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name == ASK_SAFETY_ACTION
    return False


def _judged_this_turn(tracker: DialogueStateTracker) -> bool:
    """After its own action in this turn the policy ends the turn, so the resident can answer."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME:
            return False
    return False
