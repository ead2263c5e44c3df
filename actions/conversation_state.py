"""What the actions read from a conversation: the municipality, the concern and the page's metadata."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bot.dialogue.conversation_risk import Risk, judge, session_turns
from bot.knowledge import current_directory
from bot.nlu.language import JAPANESE, SUPPORTED
from bot.knowledge.municipality_lookup import known_code, municipality_in_text
from bot.taxonomy import load_taxonomy

MUNICIPALITY = "municipality"
LANGUAGE = "language"
DANGER_ADDRESSED = "danger_addressed"


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
    """The slot if set, else the page's `municipality`, else a municipality named in the message."""
    directory = current_directory()
    for candidate in (tracker.get_slot(MUNICIPALITY), page_metadata(tracker).get(MUNICIPALITY)):
        code = known_code(directory, candidate)
        if code:
            return code
    return municipality_in_text(directory, (tracker.latest_message or {}).get("text") or "")


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
