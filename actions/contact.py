"""Contact hours and a human to talk to: always a phone number, never a dead end."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import municipality_code
from actions.demand import record_demand
from bot import messages
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.reply import hours_line, phone_line
from bot.routing import coordinating_window


class ActionContactHours(Action):
    def name(self) -> Text:
        return "action_contact_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        directory = current_directory()
        code = municipality_code(tracker)
        windows = [directory.by_id[i] for i in tracker.get_slot("last_windows") or [] if i in directory.by_id]
        if not windows and code:
            windows = [coordinating_window(directory.municipality(code))]
        if not windows:
            dispatcher.utter_message(text=messages.CONTACT_HOURS_UNKNOWN)
            return []
        municipality = directory.municipality(code) if code else None
        lines = [f"■ {w.name}\n{hours_line(w)}\n{phone_line(w, municipality)}" for w in windows]
        dispatcher.utter_message(text="受付時間です。\n\n" + "\n\n".join(lines))
        return []


class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        directory = current_directory()
        code = municipality_code(tracker)
        if code is None:
            dispatcher.utter_message(text=messages.HUMAN_WITHOUT_MUNICIPALITY)
            return []
        municipality = directory.municipality(code)
        window = coordinating_window(municipality)
        record_demand(tracker, Outcome.HANDOFF, code, window_ids=[window.id])
        dispatcher.utter_message(
            text=(
                f"相談員と直接話したいときは、{municipality.name}の「{window.name}」に電話してください。"
                f"\n{phone_line(window, municipality)}\n{hours_line(window)}\n電話では: {window.what_to_say}"
            ),
            json_message={"type": "handoff", "municipality": code, "windows": [window.as_payload()]},
        )
        return []
