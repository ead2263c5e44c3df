"""The direct safety question, asked when danger is possible but not clear, and its answer.

Gatekeeper training teaches to ask plainly about danger and suicide: asking does not plant
the idea, and a resident who is in danger is relieved to be asked. Anything but a clear
"no" gets the crisis lines first; a clear "no" goes on to the referral of the concern.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import DANGER_ADDRESSED, addressed_after, concern, language_of, municipality_code, risk_of
from actions.demand import keep_review_sample
from actions.referral import refer_domains, send_crisis_referral
from bot.review.samples import SAFETY_CHECK
from bot.texts import lookup, say

PENDING_DOMAINS = "safety_pending_domains"
ASKED_CATEGORIES = "safety_categories"
# Below this intent confidence a typed "no" is not clear enough to stand down.
CLEAR_NO_CONFIDENCE = 0.6


class ActionAskSafety(Action):
    def name(self) -> Text:
        return "action_ask_safety"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        categories = list(risk_of(tracker).categories) or ["suicide_self_harm"]
        questions = lookup("safety_question", language)
        if (tracker.latest_message or {}).get("safety_check"):
            # The message alone left the model unsure about danger: the example trainers need most.
            keep_review_sample(tracker, SAFETY_CHECK, municipality_code(tracker))
        dispatcher.utter_message(
            text=f"{questions[categories[0]]}\n{say('safety_answer_hint', language)}",
            buttons=[
                {"title": say("safety_yes", language), "payload": "/affirm"},
                {"title": say("safety_no", language), "payload": "/deny"},
                {"title": say("safety_unsure", language), "payload": "/unsure"},
            ],
            json_message={"type": "safety_check", "categories": categories},
        )
        return [
            SlotSet(PENDING_DOMAINS, concern(tracker)["domains"]),
            SlotSet(ASKED_CATEGORIES, categories),
            SlotSet(DANGER_ADDRESSED, addressed_after(tracker, categories)),
        ]


def is_clear_no(tracker: Tracker) -> bool:
    """"いいえ" pressed or typed plainly, with nothing in the answer that itself points to danger."""
    parse = tracker.latest_message or {}
    intent = parse.get("intent") or {}
    if intent.get("name") != "deny":
        return False
    if (parse.get("text") or "").startswith("/"):
        return True
    return (float(intent.get("confidence") or 0.0) >= CLEAR_NO_CONFIDENCE
            and not parse.get("crisis") and not parse.get("safety_check"))


class ActionSafetyAnswer(Action):
    def name(self) -> Text:
        return "action_safety_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        pending = list(tracker.get_slot(PENDING_DOMAINS) or [])
        asked = list(tracker.get_slot(ASKED_CATEGORIES) or [])
        cleared = [SlotSet(PENDING_DOMAINS, None), SlotSet(ASKED_CATEGORIES, None)]
        if is_clear_no(tracker):
            dispatcher.utter_message(text=say("safety_thanks_no", language_of(tracker)))
            return cleared + refer_domains(dispatcher, tracker, pending)
        found = concern(tracker)
        domains = pending + [d for d in found["domains"] if d not in pending]
        risk = risk_of(tracker)
        categories = list(risk.categories) if risk.is_crisis else asked
        return cleared + send_crisis_referral(dispatcher, tracker, domains, categories or asked)
