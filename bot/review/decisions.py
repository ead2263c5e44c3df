"""A trainer's decision on a sample, the same for the inbox (bot/staff/inbox.py) and the
terminal tool (bot/review/__main__.py): confirm it into the reviewed data, or discard it.

Either way the sample leaves the database at once: a confirmed one in the same transaction
that writes its example (if the write fails, it stays for another try), a discarded one
straight away. The text written is the stored redacted text, or the trainer's edit of it
(to remove what the Redactor missed), redacted again; it is never logged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from bot.privacy.redactor import redact
from bot.review.reviewed_data import Label, LabelError, ReviewedData, Written, training_text
from bot.review.samples import MAX_SAMPLE_CHARS, ReviewSamples


class SampleGone(LookupError):
    """Another trainer confirmed or discarded it, or its 30 days ran out."""


@dataclass(frozen=True)
class Confirmed:
    written: Written
    text: str


def confirm(samples: ReviewSamples, reviewed: ReviewedData, sample_id: str, label: Label,
            edited_text: Optional[str] = None, today: Optional[date] = None) -> Confirmed:
    if edited_text is not None and not edited_text.strip():
        raise LabelError("文面が空です。使えない文なら「捨てる」を選んでください。")
    reviewed.adopt_legacy_file()
    with samples.taking(sample_id) as sample:
        if sample is None:
            raise SampleGone(sample_id)
        source = sample.text if edited_text is None else redact(edited_text[:MAX_SAMPLE_CHARS]).text
        text = training_text(source)
        if not text:
            raise LabelError("文面が空です。使えない文なら「捨てる」を選んでください。")
        return Confirmed(reviewed.append(text, label, today), text)


def discard(samples: ReviewSamples, sample_id: str) -> None:
    if not samples.remove(sample_id):
        raise SampleGone(sample_id)
