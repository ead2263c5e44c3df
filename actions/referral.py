"""The referral: what a resident gets after describing a concern (or when in danger)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import MUNICIPALITY, concern, municipality_code
from actions.demand import keep_review_sample, record_demand
from bot import messages
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.reply import CLARIFY_CHOICES, referral_payload, referral_text
from bot.routing import route_concern


def send_referral(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domains: List[str],
    crisis: bool,
    crisis_categories: List[str],
    code: Optional[str],
) -> List[Dict[Text, Any]]:
    referral = route_concern(current_directory(), domains, crisis, code, crisis_categories)
    dispatcher.utter_message(text=referral_text(referral), json_message=referral_payload(referral))
    record_demand(tracker, Outcome.CRISIS if crisis else Outcome.REFERRED, code, referral.domains,
                  referral.window_ids, crisis)
    return [
        SlotSet(MUNICIPALITY, code),
        SlotSet("last_windows", referral.window_ids),
        SlotSet("pending_domains", None),
        SlotSet("clarified", False),
    ]


class ActionReferConcern(Action):
    def name(self) -> Text:
        return "action_refer_concern"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        found = concern(tracker)
        code = municipality_code(tracker)
        events: List[Dict[Text, Any]] = []

        if found["crisis"]:
            # Danger comes before any question: the crisis lines go out whatever we know.
            events += send_referral(dispatcher, tracker, found["domains"], True, found["crisis_categories"], code)
            if code is None:
                dispatcher.utter_message(text=messages.ASK_MUNICIPALITY_AFTER_CRISIS)
                events += [SlotSet("pending_domains", found["domains"]), SlotSet("asked_municipality", True)]
            return events

        if not found["domains"] and not tracker.get_slot("clarified"):
            dispatcher.utter_message(
                text=messages.CLARIFY_CONCERN,
                buttons=[
                    {"title": title, "payload": f'/describe_concern{{"chosen_domain":"{code_}"}}'}
                    for code_, title in CLARIFY_CHOICES
                ],
            )
            record_demand(tracker, Outcome.CLARIFIED, code)
            keep_review_sample(tracker, Outcome.CLARIFIED, code)
            return [SlotSet("clarified", True)]

        if code is None and not tracker.get_slot("asked_municipality"):
            dispatcher.utter_message(text=messages.ASK_MUNICIPALITY)
            return [SlotSet("pending_domains", found["domains"]), SlotSet("asked_municipality", True)]

        if code is None:
            dispatcher.utter_message(text=messages.MUNICIPALITY_UNKNOWN)
            record_demand(tracker, Outcome.REFERRED, None, found["domains"])
            return [SlotSet("pending_domains", None)]

        events += send_referral(dispatcher, tracker, found["domains"], False, [], code)
        dispatcher.utter_message(text=messages.ANYTHING_ELSE)
        return events
