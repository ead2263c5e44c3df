"""Contact hours and a human to talk to: always a phone number, never a dead end."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import language_of, municipality_code
from actions.demand import record_demand
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.reply import hours_line, phone_line, what_to_say
from bot.routing import coordinating_window
from bot.texts import say


class ActionContactHours(Action):
    def name(self) -> Text:
        return "action_contact_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        directory = current_directory()
        code = municipality_code(tracker)
        language = language_of(tracker)
        windows = [directory.by_id[i] for i in tracker.get_slot("last_windows") or [] if i in directory.by_id]
        if not windows and code:
            windows = [coordinating_window(directory.municipality(code), directory.routing)]
        if not windows:
            dispatcher.utter_message(text=say("contact_hours_unknown", language))
            return []
        municipality = directory.municipality(code) if code else None
        lines = [f"■ {w.name}\n{hours_line(w, language)}\n{phone_line(w, municipality, language)}" for w in windows]
        dispatcher.utter_message(text=say("contact_hours_heading", language) + "\n\n" + "\n\n".join(lines))
        return []


class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        directory = current_directory()
        code = municipality_code(tracker)
        language = language_of(tracker)
        if code is None:
            fallback = directory.by_id["yorisoi"]
            dispatcher.utter_message(text=say("human_without_municipality", language, fallback_name=fallback.name,
                                              fallback_phone=fallback.phone, fallback_hours=fallback.hours))
            return []
        municipality = directory.municipality(code)
        window = coordinating_window(municipality, directory.routing)
        record_demand(tracker, Outcome.HANDOFF, code, window_ids=[window.id])
        dispatcher.utter_message(
            text="\n".join([
                say("human_handoff", language, municipality_name=municipality.name, window_name=window.name),
                phone_line(window, municipality, language),
                hours_line(window, language),
                say("what_to_say", language, what_to_say=what_to_say(window, language)),
            ]),
            json_message={"type": "handoff", "municipality": code, "windows": [window.as_payload()]},
        )
        return []
