"""DemandEvent: one concern handled, in codes and counts only.

Every field is a code from a closed set (taxonomy domains, window ids from the directory,
outcomes, bands), a boolean, a small number or an hour. There is no field where a
resident's words, name, phone, address, sender id or IP address could go.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Optional, Tuple

from bot.settings import demand_event_key
from bot.taxonomy import load_taxonomy

JST = timezone(timedelta(hours=9))
_ID = re.compile(r"^[a-z0-9_]{1,64}$")
_MESSAGE_ID = re.compile(r"^[0-9a-fA-F-]{16,64}$")


def event_id_for(message_id: Optional[str], outcome: "Outcome") -> str:
    """The same message handled twice (nginx retried it on another replica) gives the same id,
    so the demand log counts it once; without a usable message id, a random id."""
    if not message_id or not _MESSAGE_ID.match(message_id):
        return uuid.uuid4().hex
    # Keyed, so the demand log alone cannot be joined to a tracker (which holds the message id
    # and the resident's words).
    return hmac.new(demand_event_key(), f"{message_id}:{outcome.value}".encode(), hashlib.sha256).hexdigest()[:32]


def household_event_id(conversation: str) -> str:
    """One id per conversation session: every concern a household tells in it is one event
    (the store merges them), so the compound rate is the share of households with compound
    needs. Keyed, like `event_id_for`, so the log cannot be joined to a tracker."""
    return hmac.new(demand_event_key(), f"household:{conversation}".encode(), hashlib.sha256).hexdigest()[:32]


class Outcome(str, enum.Enum):
    REFERRED = "referred"
    CLARIFIED = "clarified"
    OUT_OF_SCOPE = "out_of_scope"
    HANDOFF = "handoff"
    CRISIS = "crisis"


class ConfidenceBand(str, enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @classmethod
    def of(cls, score: float) -> "ConfidenceBand":
        return cls.HIGH if score >= 0.8 else cls.MEDIUM if score >= 0.5 else cls.LOW


class Channel(str, enum.Enum):
    WEB = "web"
    REST = "rest"
    OTHER = "other"

    @classmethod
    def of(cls, name: Optional[str]) -> "Channel":
        return {"web": cls.WEB, "rest": cls.REST}.get((name or "").lower(), cls.OTHER)


def hour_bucket(moment: Optional[datetime] = None) -> datetime:
    """Japan time, truncated to the hour: enough for demand by hour, too coarse to identify."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(JST)
    return moment.replace(minute=0, second=0, microsecond=0, tzinfo=None)


@dataclass(frozen=True)
class DemandEvent:
    municipality: Optional[str]
    channel: Channel
    domains: Tuple[str, ...]
    window_ids: Tuple[str, ...]
    crisis: bool
    outcome: Outcome
    confidence_band: ConfidenceBand
    turns: int
    hour: datetime = field(default_factory=hour_bucket)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        known = load_taxonomy().domains
        bad = [d for d in self.domains if d not in known]
        if bad:
            raise ValueError(f"not taxonomy domain codes: {bad}")
        if self.municipality is not None and not _ID.match(self.municipality):
            raise ValueError("municipality must be a directory code")
        if any(not _ID.match(w) for w in self.window_ids):
            raise ValueError("window ids must be directory ids")
        if not 0 <= self.turns <= 10_000:
            raise ValueError("turns out of range")
        if self.hour.minute or self.hour.second or self.hour.microsecond:
            raise ValueError("hour must be truncated to the hour")

    @property
    def compound(self) -> bool:
        return len(set(self.domains)) >= 2
