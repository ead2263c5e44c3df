"""The referral action: what the bot answers when a resident describes a concern."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.taxonomy import load_taxonomy


class ActionReferConcern(Action):
    def name(self) -> Text:
        return "action_refer_concern"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        parse = tracker.latest_message or {}
        domains = parse.get("domains") or []
        labels = load_taxonomy().domains
        if not domains:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        topics = "、".join(labels[code] for code in domains if code in labels)
        dispatcher.utter_message(text=f"{topics}についてのご相談ですね。")
        dispatcher.utter_message(response="utter_anything_else")
        return []
