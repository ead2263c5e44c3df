"""What the actions read from a conversation: the municipality, the concern and the page's metadata."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bot.dialogue.conversation_risk import Risk, judge, session_turns
from bot.knowledge import current_directory
from bot.nlu.language import JAPANESE, SUPPORTED
from bot.people import Person, people_from_parse
from bot.knowledge.municipality_lookup import known_code, municipality_in_text
from bot.taxonomy import load_taxonomy

MUNICIPALITY = "municipality"
LANGUAGE = "language"
DANGER_ADDRESSED = "danger_addressed"
CARED_FOR_PLACE = "cared_for_place"
CONCERN_ABOUT = "concern_about"


def page_metadata(tracker: Tracker) -> Dict[str, Any]:
    """`metadata` of the REST message (the web page sends `{"municipality": "eniwa"}`)."""
    latest = (tracker.latest_message or {}).get("metadata") or {}
    session = tracker.get_slot("session_started_metadata") or {}
    return {**session, **latest} if isinstance(latest, dict) else dict(session)


def message_id_of(tracker: Tracker) -> Optional[str]:
    """The id the relay gave this very message (never the session's: that would merge turns)."""
    latest = (tracker.latest_message or {}).get("metadata")
    message_id = latest.get("message_id") if isinstance(latest, dict) else None
    return message_id if isinstance(message_id, str) else None


def municipality_code(tracker: Tracker) -> Optional[str]:
    """The slot if set, else the page's `municipality`. A place named in a story is never taken
    silently: it may be where the person cared for lives (see `place_to_confirm`)."""
    directory = current_directory()
    for candidate in (tracker.get_slot(MUNICIPALITY), page_metadata(tracker).get(MUNICIPALITY)):
        code = known_code(directory, candidate)
        if code:
            return code
    return None


def cared_for_place(tracker: Tracker) -> Optional[str]:
    """Where the person cared for lives, as the resident wrote it (this message, else earlier)."""
    written = (tracker.latest_message or {}).get("lives_in")
    if isinstance(written, str) and written.strip():
        return written.strip()
    remembered = tracker.get_slot(CARED_FOR_PLACE)
    return remembered if isinstance(remembered, str) and remembered else None


def cared_for_code(tracker: Tracker) -> Optional[str]:
    place = cared_for_place(tracker)
    return municipality_in_text(current_directory(), place) if place else None


def place_to_confirm(tracker: Tracker) -> Optional[str]:
    """A municipality named in the latest message that is not the cared-for person's: the form
    asks the resident whether they live there instead of assuming it."""
    text = (tracker.latest_message or {}).get("text") or ""
    code = municipality_in_text(current_directory(), text)
    if code is None or code == cared_for_code(tracker):
        return None
    return code


def people_of(tracker: Tracker) -> List[Person]:
    """Who the concern is about: this message's, else the concern waiting for the municipality."""
    about = (tracker.latest_message or {}).get("about")
    if not about:
        about = tracker.get_slot(CONCERN_ABOUT)
    return people_from_parse(about)


def concern(tracker: Tracker) -> Dict[str, Any]:
    parse = tracker.latest_message or {}
    intent = (parse.get("intent") or {}).get("name")
    domains: List[str] = list(parse.get("domains") or [])
    # A clarifying button sends /describe_concern{"chosen_domain": CODE}: no NLU runs on it.
    chosen = next(tracker.get_latest_entity_values("chosen_domain"), None)
    if chosen in load_taxonomy().domains:
        domains = [chosen]
    return {
        "intent": intent,
        "domains": domains,
        "crisis": bool(parse.get("crisis")),
        "crisis_categories": list(parse.get("crisis_categories") or []),
    }


def language_of(tracker: Tracker) -> str:
    """The language of the resident's latest words (a button press keeps the slot's)."""
    latest = (tracker.latest_message or {}).get(LANGUAGE)
    for candidate in (latest, tracker.get_slot(LANGUAGE)):
        if candidate in SUPPORTED:
            return candidate
    return JAPANESE


def risk_of(tracker: Tracker) -> Risk:
    """The danger of the conversation as CrisisPolicy judged it (same function, same events)."""
    return judge(session_turns(tracker.events))


def addressed_after(tracker: Tracker, categories) -> list:
    """`danger_addressed` with these categories added: asked about or answered with the lines."""
    addressed = list(tracker.get_slot(DANGER_ADDRESSED) or [])
    return addressed + [c for c in categories if c not in addressed]


def only_changes(tracker: Tracker, events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events without the slots they would set to the value they already hold: every event
    stays in the tracker, which Rasa stores and sends to the action server on every call."""
    return [e for e in events
            if e.get("event") != "slot" or tracker.get_slot(e.get("name")) != e.get("value")]
