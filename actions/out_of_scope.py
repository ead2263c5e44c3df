"""English, other languages and off-topic messages: a kind answer in やさしい日本語, one English line."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import municipality_code
from actions.demand import keep_review_sample, record_demand
from bot.demand import Outcome
from bot.knowledge import current_directory


class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        code = municipality_code(tracker)
        record_demand(tracker, Outcome.OUT_OF_SCOPE, code)
        keep_review_sample(tracker, Outcome.OUT_OF_SCOPE, code)
        department = current_directory().municipality(code).department if code else None
        if department and department.phone:
            contact = f"こまったときは {department.name}（でんわ {department.phone}）に そうだん できます。"
        else:
            contact = "こまったときは よりそいホットライン（でんわ 0120-279-338、24じかん、むりょう）に そうだん できます。"
        dispatcher.utter_message(
            text=(
                "ごめんなさい。わたしは くらしの こまりごとの そうだんまどぐちを あんないします。"
                "こまっていることを にほんごで かいてください。\n"
                f"{contact}\n"
                "I can guide you to local welfare consultation windows; please write your worry in simple Japanese if you can."
            )
        )
        return []
