"""Where the resident lives: asked, or a place from their story confirmed, by a Rasa form.

`municipality_form` is started by the referral when it needs the municipality; it asks once.
A place named in the story is only offered for confirmation (it may be where a parent lives);
a reply without a place ends the form, and the waiting concern still gets a number to call.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation_state import MUNICIPALITY, language_of, municipality_code, only_changes
from actions.household import household_domains_after
from actions.referral import MUNICIPALITY_CANDIDATE, NEEDS_MUNICIPALITY, PENDING_COUNTED, send_referral
from actions.demand import record_demand
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.knowledge.municipality_lookup import known_code, municipality_in_text
from bot.texts import say

UNANSWERED = "municipality_unanswered"
REQUESTED_SLOT = "requested_slot"


def _latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


class ActionAskMunicipality(Action):
    """The form's question: a yes/no about the place in the story, else where they live."""

    def name(self) -> Text:
        return "action_ask_municipality"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        candidate = known_code(current_directory(), tracker.get_slot(MUNICIPALITY_CANDIDATE))
        if candidate:
            name = current_directory().municipality(candidate).name
            dispatcher.utter_message(
                text=say("confirm_municipality", language, municipality_name=name),
                buttons=[{"title": title, "payload": payload} for title, payload in (
                    (say("safety_yes", language), "/affirm"), (say("button_other_place", language), "/deny"))],
            )
        elif tracker.get_slot(PENDING_COUNTED):
            dispatcher.utter_message(text=say("ask_municipality_after_crisis", language))
        else:
            dispatcher.utter_message(text=say("ask_municipality", language))
        return []


class ValidateMunicipalityForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_municipality_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # Asked once: a reply without a place ends the form rather than asking in a loop.
        return [] if tracker.get_slot(UNANSWERED) else domain_slots

    async def extract_municipality(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # On activation the latest message is the story itself: a place in it is confirmed, not taken.
        if tracker.get_slot(REQUESTED_SLOT) != MUNICIPALITY:
            return {}
        directory = current_directory()
        named = municipality_in_text(directory, (tracker.latest_message or {}).get("text") or "")
        if named is None and _latest_intent(tracker) == "affirm":
            named = known_code(directory, tracker.get_slot(MUNICIPALITY_CANDIDATE))
        # None too: the answer is read in validate_municipality (only validated slots reach Rasa).
        return {MUNICIPALITY: named}

    async def validate_municipality(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        code = known_code(current_directory(), value)
        if code:
            return {MUNICIPALITY: code, MUNICIPALITY_CANDIDATE: None}
        if tracker.get_slot(MUNICIPALITY_CANDIDATE) and _latest_intent(tracker) == "deny":
            return {MUNICIPALITY: None, MUNICIPALITY_CANDIDATE: None}  # not there: asked again, plainly
        return {MUNICIPALITY: None, MUNICIPALITY_CANDIDATE: None, UNANSWERED: True}


class ActionSetMunicipality(Action):
    """After the form, or when a resident says where they live at any point: the waiting
    concern is referred (or, with no place we know, given a number to call)."""

    def name(self) -> Text:
        return "action_set_municipality"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return only_changes(tracker, self.answer(dispatcher, tracker))

    @staticmethod
    def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        code = municipality_code(tracker)
        if code is None and _latest_intent(tracker) == "inform_municipality":
            code = municipality_in_text(current_directory(), (tracker.latest_message or {}).get("text") or "")
        pending = tracker.get_slot("pending_domains")
        # A reply that was itself another worry joins the waiting one (nothing the resident said is lost).
        latest_domains = list((tracker.latest_message or {}).get("domains") or [])
        if pending is not None:
            pending = list(dict.fromkeys([*pending, *latest_domains]))
        reset = [SlotSet(UNANSWERED, None), SlotSet(MUNICIPALITY_CANDIDATE, None), SlotSet(NEEDS_MUNICIPALITY, None)]
        if code is None:
            fallback = current_directory().by_id["yorisoi"]
            dispatcher.utter_message(text=say("municipality_unknown", language, fallback_name=fallback.name,
                                              fallback_phone=fallback.phone, fallback_hours=fallback.hours))
            if pending and not tracker.get_slot(PENDING_COUNTED):
                record_demand(tracker, Outcome.REFERRED, None, household_domains_after(tracker, pending))
            return reset + [SlotSet("asked_municipality", True), SlotSet("pending_domains", None)]
        if pending is not None:
            events = send_referral(dispatcher, tracker, pending, False, [], code,
                                   count=not tracker.get_slot(PENDING_COUNTED))
            dispatcher.utter_message(text=say("anything_else", language))
            return reset + events
        name = current_directory().municipality(code).name
        dispatcher.utter_message(text=say("noted_municipality", language, municipality_name=name))
        return reset + [SlotSet(MUNICIPALITY, code)]
