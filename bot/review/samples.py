"""Redacted samples of what the bot did not understand, kept for trainers at most 30 days.

Off unless the municipality opts in with STORE_REDACTED_SAMPLES=1. Only the Redactor's
output is stored, with the day (not the time) it was kept, its place in the day's order, and
what the model read (bot/review/reading.py: codes and numbers only).
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterator, List, Optional

from sqlalchemy import delete, func, insert, select, update

from bot.demand.schema import review_samples
from bot.privacy.redactor import redact
from bot.review.reading import ModelReading
from bot.settings import redacted_samples_enabled

RETENTION = timedelta(days=30)
# Why a sample was kept, besides the demand outcomes "clarified" and "out_of_scope": referred
# on a low-confidence reading, or the direct safety question asked about this message.
UNSURE = "unsure"
SAFETY_CHECK = "safety_check"
MAX_SAMPLE_CHARS = 1000
# Button presses (/describe_concern{"chosen_domain": …}) are the bot's own payloads, not words.
_PAYLOAD_PREFIX = "/"


def samples_enabled() -> bool:
    return redacted_samples_enabled()


@dataclass(frozen=True)
class Sample:
    id: str
    municipality: Optional[str]
    outcome: str
    kept_on: date
    text: str
    reading: ModelReading = field(default_factory=ModelReading)


def _sample(row) -> Sample:
    return Sample(row.id, row.municipality, row.outcome, row.kept_on, row.redacted_text, ModelReading.from_row(row))


class ReviewSamples:
    def __init__(self, engine) -> None:
        self.engine = engine

    def keep(self, text: str, outcome: str, municipality: Optional[str], today: Optional[date] = None,
             reading: Optional[ModelReading] = None) -> bool:
        if not samples_enabled() or not text or not text.strip() or text.lstrip().startswith(_PAYLOAD_PREFIX):
            return False
        today = today or date.today()
        self.purge(today)
        with self.engine.begin() as connection:
            position = connection.execute(select(func.max(review_samples.c.position))).scalar() or 0
            connection.execute(insert(review_samples).values(
                id=uuid.uuid4().hex, municipality=municipality, outcome=outcome[:20], kept_on=today,
                redacted_text=redact(text[:MAX_SAMPLE_CHARS]).text, position=position + 1,
                **(reading or ModelReading()).columns(),
            ))
        return True

    def purge(self, today: Optional[date] = None) -> int:
        cutoff = (today or date.today()) - RETENTION
        with self.engine.begin() as connection:
            return connection.execute(delete(review_samples).where(review_samples.c.kept_on < cutoff)).rowcount

    def pending(self, newest_first: bool = False, limit: Optional[int] = None) -> List[Sample]:
        """Oldest first (the terminal tool: what expires first), or newest first (the inbox)."""
        day, position = review_samples.c.kept_on, func.coalesce(review_samples.c.position, 0)
        order = (day.desc(), position.desc()) if newest_first else (day, position)
        query = select(review_samples).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [_sample(r) for r in rows]

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(review_samples)).scalar() or 0

    def get(self, sample_id: str) -> Optional[Sample]:
        with self.engine.connect() as connection:
            row = connection.execute(select(review_samples).where(review_samples.c.id == sample_id)).first()
        return _sample(row) if row is not None else None

    @contextmanager
    def taking(self, sample_id: str) -> Iterator[Optional[Sample]]:
        """The sample, deleted when the block ends without an error (and kept if it raises).

        Yields None when it is gone already (another trainer took it, or it expired): the block
        must then do nothing, so a sample is never written twice."""
        this = review_samples.c.id == sample_id
        with self.engine.begin() as connection:
            # A write first, so this transaction holds the row (PostgreSQL) or the database
            # (SQLite) before reading it: a second trainer's transaction waits here, then finds
            # the row deleted. If the block fails, the delete below is rolled back.
            if connection.execute(update(review_samples).where(this).values(position=review_samples.c.position)).rowcount != 1:
                yield None
                return
            row = connection.execute(select(review_samples).where(this)).first()
            connection.execute(delete(review_samples).where(this))
            yield _sample(row)

    def remove(self, sample_id: str) -> bool:
        with self.engine.begin() as connection:
            return connection.execute(delete(review_samples).where(review_samples.c.id == sample_id)).rowcount == 1
