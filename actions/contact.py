"""Contact hours and a human to talk to: always a phone number, never a dead end."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import language_of, municipality_code
from actions.demand import record_demand
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.knowledge.model import Municipality, Window
from bot.reply import ANY_WORRY_LINE, call_instead, main_office, missing_notice, what_to_say
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
        local = [w for w in windows if w.kind != "crisis_line"]
        blocks = [say("contact_hours_heading", language)]
        # Whom to call for a window without a number, and hours not in our sources: said once.
        notice = missing_notice(local, municipality, language) if local else None
        if notice:
            blocks.append(notice)
        for window in windows:
            lines = [f"■ {window.name}"]
            if window.hours:
                lines.append(say("hours" if window.hours_verified else "hours_unverified", language, hours=window.hours))
            lines.append(say("phone", language, phone=window.phone) if window.phone else say("phone_see_notice", language))
            blocks.append("\n".join(lines))
        dispatcher.utter_message(text="\n\n".join(blocks))
        return []


def number_to_call(window: Window, municipality: Municipality, language: str) -> Dict[str, Any]:
    """The number a resident who asks for a person is given, and the sentence that gives it:
    the coordinating window's own, else the department's from the directory, else a national
    line that listens to anyone (our sources have no number for that municipality)."""
    if window.phone:
        return {"name": window.name, "phone": window.phone, "source": "window",
                "text": say("human_call_window", language, phone=window.phone)}
    instead = call_instead(municipality, language)
    if instead:
        return {"name": instead.name, "phone": instead.phone, "source": "department",
                "text": say("human_call_department", language, office=instead.name, phone=instead.phone,
                            window_name=window.name)}
    line = current_directory().by_id[ANY_WORRY_LINE]
    return {"name": line.name, "phone": line.phone, "source": "national_line",
            "text": say("human_call_line", language, municipality_name=municipality.name,
                        main_office=main_office(municipality, language), window_name=window.name,
                        line_name=line.name, line_phone=line.phone, line_hours=line.hours)}


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
            fallback = directory.by_id[ANY_WORRY_LINE]
            dispatcher.utter_message(text=say("human_without_municipality", language, fallback_name=fallback.name,
                                              fallback_phone=fallback.phone, fallback_hours=fallback.hours))
            return []
        municipality = directory.municipality(code)
        window = coordinating_window(municipality, directory.routing)
        record_demand(tracker, Outcome.HANDOFF, code, window_ids=[window.id])
        call = number_to_call(window, municipality, language)
        prefectural = municipality.name != municipality.prefecture and window.name.startswith(municipality.prefecture)
        lines = [say("human_handoff_prefectural" if prefectural else "human_handoff", language,
                     municipality_name=municipality.name, window_name=window.name),
                 say("what_to_say", language, what_to_say=what_to_say(window, language))]
        if window.hours:
            lines.append(say("hours" if window.hours_verified else "hours_unverified", language, hours=window.hours))
        lines.append(call["text"])  # the answer ends with the number to call
        dispatcher.utter_message(
            text="\n".join(lines),
            json_message={"type": "handoff", "municipality": code, "windows": [window.as_payload()],
                          "call": {k: call[k] for k in ("name", "phone", "source")}},
        )
        return []
