"""Keeps the `language` slot on the language of the resident's latest words.

action_extract_slots runs this after every message, before any response, so the domain's
responses (utter_greet …) choose their English variation by slot condition.
"""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.nlu.language import SUPPORTED


class ValidateLanguage(ValidationAction):
    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        language = (tracker.latest_message or {}).get("language")
        # A button press carries no language: the conversation keeps the one it has.
        return {"language": language} if language in SUPPORTED else {}
