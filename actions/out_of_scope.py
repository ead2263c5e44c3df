"""A question that is not about welfare: say kindly what the bot does and who can answer it."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import language_of, municipality_code
from actions.demand import keep_review_sample, record_demand
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.texts import say


class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        code = municipality_code(tracker)
        language = language_of(tracker)
        record_demand(tracker, Outcome.OUT_OF_SCOPE, code)
        keep_review_sample(tracker, Outcome.OUT_OF_SCOPE, code)
        municipality = current_directory().municipality(code) if code else None
        department = municipality.department if municipality else None
        # A prefecture's section does not handle the town's own procedures: the town office does.
        if department and department.phone and department.name and not municipality.department_is_prefectural:
            contact = say("out_of_scope_contact", language, office_name=department.name, office_phone=department.phone)
        else:
            contact = say("out_of_scope_contact_no_phone", language)
        dispatcher.utter_message(text="\n".join([say("out_of_scope", language), contact,
                                                  say("out_of_scope_offer", language)]))
        return []
