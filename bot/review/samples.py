"""Redacted samples of what the bot did not understand, kept for trainers at most 30 days.

Off unless the municipality opts in with STORE_REDACTED_SAMPLES=1. Only the Redactor's
output is stored, with the day (not the time) it was kept.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import List, Optional

from sqlalchemy import delete, insert, select

from bot.demand.schema import review_samples
from bot.privacy.redactor import redact
from bot.settings import redacted_samples_enabled

RETENTION = timedelta(days=30)
MAX_SAMPLE_CHARS = 1000


def samples_enabled() -> bool:
    return redacted_samples_enabled()


@dataclass(frozen=True)
class Sample:
    id: str
    municipality: Optional[str]
    outcome: str
    kept_on: date
    text: str


class ReviewSamples:
    def __init__(self, engine) -> None:
        self.engine = engine

    def keep(self, text: str, outcome: str, municipality: Optional[str], today: Optional[date] = None) -> bool:
        if not samples_enabled() or not text or not text.strip():
            return False
        today = today or date.today()
        self.purge(today)
        with self.engine.begin() as connection:
            connection.execute(insert(review_samples).values(
                id=uuid.uuid4().hex, municipality=municipality, outcome=outcome[:20], kept_on=today,
                redacted_text=redact(text[:MAX_SAMPLE_CHARS]).text,
            ))
        return True

    def purge(self, today: Optional[date] = None) -> int:
        cutoff = (today or date.today()) - RETENTION
        with self.engine.begin() as connection:
            return connection.execute(delete(review_samples).where(review_samples.c.kept_on < cutoff)).rowcount

    def pending(self) -> List[Sample]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(review_samples).order_by(review_samples.c.kept_on)).all()
        return [Sample(r.id, r.municipality, r.outcome, r.kept_on, r.redacted_text) for r in rows]

    def remove(self, sample_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(review_samples).where(review_samples.c.id == sample_id))
