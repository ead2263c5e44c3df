"""The referral: what a resident gets after describing a concern (or when in danger)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import (
    DANGER_ADDRESSED, MUNICIPALITY, addressed_after, concern, language_of, municipality_code, risk_of,
)
from actions.demand import keep_review_sample, record_demand
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.people import people_from_parse
from bot.reply import clarify_choices, referral_payload, referral_text
from bot.routing import route_concern
from bot.texts import say

PENDING_COUNTED = "pending_counted"


def send_referral(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domains: List[str],
    crisis: bool,
    crisis_categories: List[str],
    code: Optional[str],
    count: bool = True,
) -> List[Dict[Text, Any]]:
    """`count`: False when this concern is already in the demand log (the crisis it began as)."""
    language = language_of(tracker)
    # Whom the latest words are about (bot.people); a button press or a place name names nobody.
    people = people_from_parse((tracker.latest_message or {}).get("about"))
    referral = route_concern(current_directory(), domains, crisis, code, crisis_categories, people=people)
    dispatcher.utter_message(text=referral_text(referral, language), json_message=referral_payload(referral, language))
    if count:
        record_demand(tracker, Outcome.CRISIS if crisis else Outcome.REFERRED, code, referral.domains,
                      referral.window_ids, crisis)
    events = [
        SlotSet(MUNICIPALITY, code),
        SlotSet("last_windows", referral.window_ids),
        SlotSet("pending_domains", None),
        SlotSet(PENDING_COUNTED, False),
        SlotSet("clarified", False),
    ]
    if crisis:
        events.append(SlotSet(DANGER_ADDRESSED, addressed_after(tracker, crisis_categories)))
    return events


def send_crisis_referral(
    dispatcher: CollectingDispatcher, tracker: Tracker, domains: List[str], categories: List[str]
) -> List[Dict[Text, Any]]:
    """Danger comes before any question: the crisis lines go out whatever we know."""
    code = municipality_code(tracker)
    events = send_referral(dispatcher, tracker, domains, True, categories, code)
    if code is None:
        dispatcher.utter_message(text=say("ask_municipality_after_crisis", language_of(tracker)))
        # Its local windows follow once the municipality is known: the same concern, counted once.
        events += [SlotSet("pending_domains", domains), SlotSet(PENDING_COUNTED, True),
                   SlotSet("asked_municipality", True)]
    return events


def refer_domains(
    dispatcher: CollectingDispatcher, tracker: Tracker, domains: List[str]
) -> List[Dict[Text, Any]]:
    """A concern without danger now: clarify it, ask where the resident lives, or refer it."""
    code = municipality_code(tracker)
    language = language_of(tracker)
    if not domains and not tracker.get_slot("clarified"):
        dispatcher.utter_message(
            text=say("clarify_concern", language),
            buttons=[
                {"title": title, "payload": f'/describe_concern{{"chosen_domain":"{code_}"}}'}
                for code_, title in clarify_choices(language)
            ],
        )
        record_demand(tracker, Outcome.CLARIFIED, code)
        keep_review_sample(tracker, Outcome.CLARIFIED, code)
        return [SlotSet("clarified", True)]

    if code is None and not tracker.get_slot("asked_municipality"):
        dispatcher.utter_message(text=say("ask_municipality", language))
        return [SlotSet("pending_domains", domains), SlotSet("asked_municipality", True)]

    if code is None:
        fallback = current_directory().by_id["yorisoi"]
        dispatcher.utter_message(text=say("municipality_unknown", language, fallback_name=fallback.name,
                                          fallback_phone=fallback.phone, fallback_hours=fallback.hours))
        record_demand(tracker, Outcome.REFERRED, None, domains)
        return [SlotSet("pending_domains", None)]

    events = send_referral(dispatcher, tracker, domains, False, [], code)
    dispatcher.utter_message(text=say("anything_else", language))
    return events


class ActionReferConcern(Action):
    def name(self) -> Text:
        return "action_refer_concern"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        found = concern(tracker)
        risk = risk_of(tracker)
        if risk.is_crisis:
            return send_crisis_referral(dispatcher, tracker, found["domains"], list(risk.categories))
        return refer_domains(dispatcher, tracker, found["domains"])
