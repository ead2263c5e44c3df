"""Records one anonymous DemandEvent per concern handled. Never breaks a conversation."""
from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Optional, Sequence

from rasa_sdk import Tracker

from actions.conversation_state import message_id_of, page_metadata
from bot.demand import ConfidenceBand, DemandEvent, DemandLog, Outcome
from bot.demand.event import Channel, event_id_for, household_event_id
from bot.review.reading import ModelReading
from bot.review.samples import UNSURE, ReviewSamples, samples_enabled

logger = logging.getLogger(__name__)


SPOOL_FLUSH_SECONDS = 15


@functools.lru_cache(maxsize=1)
def demand_log() -> DemandLog:
    # Migrates on first write, so an action server started while the database is down still
    # answers residents and spools their events.
    log = DemandLog(migrate_now=False)
    threading.Thread(target=_flush_spool_forever, args=(log,), name="demand-spool", daemon=True).start()
    return log


def _flush_spool_forever(log: DemandLog) -> None:
    """Events spooled during a database outage reach it even if no resident writes afterwards."""
    while True:
        time.sleep(SPOOL_FLUSH_SECONDS)
        try:
            if log.spool.exists() and log.spool.stat().st_size:
                logger.info("demand spool: %d events written after an outage", log.flush_spool())
        except Exception as error:
            logger.debug("demand spool not flushed yet: %s", type(error).__name__)


def confidence_of(tracker: Tracker) -> ConfidenceBand:
    parse = tracker.latest_message or {}
    intent = float((parse.get("intent") or {}).get("confidence") or 0.0)
    scores = parse.get("domain_scores") or {}
    domains = parse.get("domains") or []
    domain = max((float(scores.get(d, 0.0)) for d in domains), default=intent)
    return ConfidenceBand.of(min(intent, domain))


def turns_of(tracker: Tracker) -> int:
    return sum(1 for e in tracker.events if e.get("event") == "user")


def conversation_session(tracker: Tracker) -> str:
    """The conversation and the start of its current session: a household is one session."""
    started = [e.get("timestamp") for e in tracker.events if e.get("event") == "session_started"]
    return f"{tracker.sender_id}:{started[-1] if started else ''}"


def record_demand(
    tracker: Tracker,
    outcome: Outcome,
    municipality: Optional[str],
    domains: Sequence[str] = (),
    window_ids: Sequence[str] = (),
    crisis: bool = False,
) -> None:
    """Referred and crisis concerns are the household's one event (merged across turns);
    the other outcomes are one event per message."""
    channel = Channel.of(page_metadata(tracker).get("channel") or tracker.get_latest_input_channel())
    if outcome in (Outcome.REFERRED, Outcome.CRISIS):
        event_id = household_event_id(conversation_session(tracker))
    else:
        event_id = event_id_for(message_id_of(tracker), outcome)
    try:
        demand_log().record(DemandEvent(
            municipality=municipality, channel=channel, domains=tuple(domains), window_ids=tuple(window_ids),
            crisis=crisis, outcome=outcome, confidence_band=confidence_of(tracker), turns=turns_of(tracker),
            id=event_id,
        ))
    except Exception as error:  # the resident's answer matters more than the statistic
        logger.warning("demand event not recorded: %s", type(error).__name__)


def keep_review_sample(tracker: Tracker, outcome: Outcome | str, municipality: Optional[str]) -> None:
    """Only with STORE_REDACTED_SAMPLES: the redacted text of a message the bot did not
    understand or was unsure of, with what the model read in it (codes and scores only)."""
    if not samples_enabled():
        return
    parse = tracker.latest_message or {}
    reason = outcome.value if isinstance(outcome, Outcome) else outcome
    try:
        ReviewSamples(demand_log().engine).keep(parse.get("text") or "", reason, municipality,
                                                reading=ModelReading.from_parse(parse))
    except Exception as error:
        logger.warning("review sample not kept: %s", type(error).__name__)


def keep_if_unsure(tracker: Tracker, municipality: Optional[str]) -> None:
    """A concern referred on a low-confidence reading of the message itself: a trainer's
    label teaches the model most where it was least sure. (Button presses and answers to the
    bot's own questions are not concerns and never kept.)"""
    parse = tracker.latest_message or {}
    if ((parse.get("intent") or {}).get("name") == "describe_concern" and parse.get("domains")
            and confidence_of(tracker) is ConfidenceBand.LOW):
        keep_review_sample(tracker, UNSURE, municipality)
