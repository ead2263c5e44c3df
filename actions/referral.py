"""The referral: what a resident gets after describing a concern (or when in danger)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_state import (
    CARED_FOR_PLACE, CONCERN_ABOUT, DANGER_ADDRESSED, MUNICIPALITY, addressed_after, cared_for_place, concern,
    language_of, municipality_code, only_changes, people_of, place_to_confirm, risk_of,
)
from actions.demand import keep_if_unsure, keep_review_sample, record_demand
from actions.household import (
    coordination_offered, earlier_domains, household_domains_after, household_slots,
)
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.reply import clarify_choices, referral_payload, referral_text
from bot.routing import Referral, route_household
from bot.texts import say

PENDING_COUNTED = "pending_counted"
MUNICIPALITY_CANDIDATE = "municipality_candidate"
# True while a concern waits for the municipality: data/rules.yml opens municipality_form on it.
NEEDS_MUNICIPALITY = "needs_municipality"


def _send(dispatcher: CollectingDispatcher, referral: Referral, language: str) -> None:
    dispatcher.utter_message(text=referral_text(referral, language), json_message=referral_payload(referral, language))


def send_referral(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domains: List[str],
    crisis: bool,
    crisis_categories: List[str],
    code: Optional[str],
    count: bool = True,
) -> List[Dict[Text, Any]]:
    """`count`: False when this concern is already in the demand log (the crisis it began as).

    When the person cared for lives in another municipality, their care is referred there
    (with that municipality's windows when the directory has them) and only the carer's own
    needs stay with the resident's municipality."""
    directory = current_directory()
    language = language_of(tracker)
    place = cared_for_place(tracker)
    household = route_household(
        directory, domains, crisis, code, crisis_categories, earlier_domains(tracker),
        coordination_offered(tracker), people_of(tracker), place,
    )
    referrals = list(household.referrals)
    if household.cared_for_place:
        if household.cared_for_code:
            name = directory.municipality(household.cared_for_code).name
            dispatcher.utter_message(text=say("care_where_they_live", language, place=name))
        else:
            dispatcher.utter_message(text=say("care_where_they_live_not_listed", language,
                                              place=household.cared_for_place))
    for referral in referrals:
        _send(dispatcher, referral, language)
    window_ids = household.window_ids
    heard = household_domains_after(tracker, domains)
    if count:
        record_demand(tracker, Outcome.CRISIS if crisis else Outcome.REFERRED, code, heard, window_ids, crisis)
    events = [
        SlotSet(MUNICIPALITY, code),
        SlotSet("last_windows", window_ids),
        SlotSet("pending_domains", None),
        SlotSet(PENDING_COUNTED, False),
        SlotSet("clarified", False),
        SlotSet(CARED_FOR_PLACE, place),
        SlotSet(CONCERN_ABOUT, None),
        SlotSet(NEEDS_MUNICIPALITY, None),
        *household_slots(tracker, referrals),
    ]
    if crisis:
        events.append(SlotSet(DANGER_ADDRESSED, addressed_after(tracker, crisis_categories)))
    return events


def ask_where_the_resident_lives(tracker: Tracker, domains: List[str], counted: bool) -> List[Dict[Text, Any]]:
    """The concern waits (with who it is about and where they live) while the form asks."""
    return [
        SlotSet("pending_domains", domains), SlotSet(PENDING_COUNTED, counted), SlotSet("asked_municipality", True),
        SlotSet(MUNICIPALITY_CANDIDATE, place_to_confirm(tracker)),
        SlotSet(CARED_FOR_PLACE, cared_for_place(tracker)),
        SlotSet(CONCERN_ABOUT, (tracker.latest_message or {}).get("about") or None),
        SlotSet(NEEDS_MUNICIPALITY, True),
    ]


def send_crisis_referral(
    dispatcher: CollectingDispatcher, tracker: Tracker, domains: List[str], categories: List[str]
) -> List[Dict[Text, Any]]:
    """Danger comes before any question: the crisis lines go out whatever we know."""
    code = municipality_code(tracker)
    events = send_referral(dispatcher, tracker, domains, True, categories, code)
    if code is None and not tracker.get_slot("asked_municipality"):
        # Its local windows follow once the municipality is known: the same concern, counted once.
        events += ask_where_the_resident_lives(tracker, domains, counted=True)
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
    keep_if_unsure(tracker, code)

    if code is None and not tracker.get_slot("asked_municipality"):
        return ask_where_the_resident_lives(tracker, domains, counted=False)

    if code is None:
        fallback = current_directory().by_id["yorisoi"]
        dispatcher.utter_message(text=say("municipality_unknown", language, fallback_name=fallback.name,
                                          fallback_phone=fallback.phone, fallback_hours=fallback.hours))
        record_demand(tracker, Outcome.REFERRED, None, household_domains_after(tracker, domains))
        return [SlotSet("pending_domains", None), SlotSet(MUNICIPALITY_CANDIDATE, None), SlotSet(NEEDS_MUNICIPALITY, None)]

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
            return only_changes(tracker, send_crisis_referral(dispatcher, tracker, found["domains"],
                                                              list(risk.categories)))
        return only_changes(tracker, refer_domains(dispatcher, tracker, found["domains"]))
