"""Redactor: removes what could identify a resident before any text is kept.

Phone numbers in any width, e-mail addresses, 郵便番号, 12-digit individual numbers
(マイナンバー), street addresses with 丁目・番地・号, and person names as unidic tags them
(名詞-固有名詞-人名). Matching runs on an NFKC copy; replacements land on the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

from bot.nlu.morphology import analyze
from bot.nlu.normalize import normalize

_DIGIT = r"[0-9０-９]"
PATTERNS: Tuple[Tuple[str, re.Pattern], ...] = (
    ("[メール]", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("[番号]", re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")),  # 12-digit individual number
    ("[郵便番号]", re.compile(r"(?:〒\s?)?(?<![\d-])\d{3}-\d{4}(?![\d-])")),
    ("[電話番号]", re.compile(r"(?<!\d)(?:\+81[ -]?|0)\d{1,4}[ ()\-ー−‐]{0,2}\d{1,4}[ ()\-ー−‐]{0,2}\d{3,4}(?!\d)")),
    ("[住所]", re.compile(
        r"[\u4e00-\u9fff0-9ヶ]{0,16}(?:\d+|[一二三四五六七八九十]+)丁目(?:\s?\d+(?:番地?|-))?(?:\s?\d+号?)?"
        r"|[\u4e00-\u9fff0-9ヶ]{1,16}\d+番地?(?:の?\d+)?(?:\s?\d+号)?"
        r"|[\u4e00-\u9fffヶ]{1,12}\d+-\d+-\d+"
        r"|[\u4e00-\u9fffヶ]{1,12}(?:町|市|区|村|条|通|台|丘|野)\d+-\d+"
    )),
)
PERSON = "[名前]"


@dataclass(frozen=True)
class Redaction:
    text: str
    removed: int  # how many spans were replaced


def redact(original: str) -> Redaction:
    if not original:
        return Redaction(original or "", 0)
    normalized = normalize(original)
    spans: List[Tuple[int, int, str]] = []
    searched = normalized.text
    for label, pattern in PATTERNS:
        for match in pattern.finditer(searched):
            start, end = normalized.original_span(match.start(), match.end())
            spans.append((start, end, label))
        # A matched span is masked so a later, looser pattern cannot swallow it and its context.
        searched = pattern.sub(lambda m: "\0" * len(m.group()), searched)
    for morpheme in analyze(original):
        if morpheme.is_person_name:
            spans.append((morpheme.start, morpheme.end, PERSON))
    merged = _merge(spans)
    pieces, cursor = [], 0
    for start, end, label in merged:
        pieces.append(original[cursor:start])
        pieces.append(label)
        cursor = end
    pieces.append(original[cursor:])
    return Redaction("".join(pieces), len(merged))


def _merge(spans: List[Tuple[int, int, str]]) -> List[Tuple[int, int, str]]:
    """Overlapping spans become one; the earlier-listed label of the widest span wins."""
    merged: List[Tuple[int, int, str]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, label))
    return merged
