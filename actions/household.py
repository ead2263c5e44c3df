"""The household across turns: the worries a conversation has heard add up to one concern.

A mother's care in one message and a son's withdrawal in the next are the 8050 household the
coordinating window exists for: it is offered once, when the domains heard add up to two or
more, and the demand log keeps one event per household with every domain heard.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.routing import Reason, Referral

HOUSEHOLD_DOMAINS = "household_domains"
COORDINATION_OFFERED = "coordination_offered"


def earlier_domains(tracker: Tracker) -> List[str]:
    return [d for d in tracker.get_slot(HOUSEHOLD_DOMAINS) or [] if isinstance(d, str)]


def coordination_offered(tracker: Tracker) -> bool:
    return bool(tracker.get_slot(COORDINATION_OFFERED))


def household_domains_after(tracker: Tracker, domains: Sequence[str]) -> List[str]:
    return list(dict.fromkeys([*earlier_domains(tracker), *domains]))


def household_slots(tracker: Tracker, referrals: Sequence[Referral]) -> List[Dict[str, Any]]:
    heard = household_domains_after(tracker, [d for r in referrals for d in r.domains])
    offered = coordination_offered(tracker) or any(
        referred.reason in (Reason.COORDINATION, Reason.HOUSEHOLD) for r in referrals for referred in r.windows
    )
    return [SlotSet(HOUSEHOLD_DOMAINS, heard), SlotSet(COORDINATION_OFFERED, offered)]
