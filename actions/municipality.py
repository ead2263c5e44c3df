"""The resident says where they live; a concern waiting for that is referred at once."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import MUNICIPALITY, municipality_code
from actions.referral import send_referral
from bot import messages
from bot.knowledge import current_directory


class ActionSetMunicipality(Action):
    def name(self) -> Text:
        return "action_set_municipality"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        code = municipality_code(tracker)
        if code is None:
            dispatcher.utter_message(text=messages.MUNICIPALITY_UNKNOWN)
            return [SlotSet("asked_municipality", True)]
        pending = tracker.get_slot("pending_domains")
        if pending is not None:
            events = send_referral(dispatcher, tracker, list(pending), False, [], code)
            dispatcher.utter_message(text=messages.ANYTHING_ELSE)
            return events
        name = current_directory().municipality(code).name
        dispatcher.utter_message(text=messages.NOTED_MUNICIPALITY.format(municipality_name=name))
        return [SlotSet(MUNICIPALITY, code)]
