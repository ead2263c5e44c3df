"""The resident says where they live; a concern waiting for that is referred at once."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import MUNICIPALITY, language_of, municipality_code
from actions.referral import PENDING_COUNTED, send_referral
from bot.knowledge import current_directory
from bot.texts import say


class ActionSetMunicipality(Action):
    def name(self) -> Text:
        return "action_set_municipality"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        code = municipality_code(tracker)
        language = language_of(tracker)
        if code is None:
            fallback = current_directory().by_id["yorisoi"]
            dispatcher.utter_message(text=say("municipality_unknown", language, fallback_name=fallback.name,
                                              fallback_phone=fallback.phone, fallback_hours=fallback.hours))
            return [SlotSet("asked_municipality", True)]
        pending = tracker.get_slot("pending_domains")
        if pending is not None:
            events = send_referral(dispatcher, tracker, list(pending), False, [], code,
                                   count=not tracker.get_slot(PENDING_COUNTED))
            dispatcher.utter_message(text=say("anything_else", language))
            return events
        name = current_directory().municipality(code).name
        dispatcher.utter_message(text=say("noted_municipality", language, municipality_name=name))
        return [SlotSet(MUNICIPALITY, code)]
