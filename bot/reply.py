"""What the resident reads: a referral as plain text in their language, plus its payload.

Window names stay in Japanese in every language (that is what the resident says at the
counter); the fixed sentences, the kind of window and what to say come from bot/texts.

The answer is built to fit a phone screen:
- the topics and the municipality in one sentence, then ONE line saying whom to call when a
  window's phone (or its hours) is not in our sources, then one line saying where the facts
  come from and how old they are: never repeated on each card;
- the cards, the coordinating window first when several worries meet (with why), then the
  specific ones; a general window standing in for a missing specific one says so;
- each card: name, phone, hours when known, one sentence of what the window does, what to
  say, and the details (place, source) the web page folds away.
The plain text (every channel) and the payload's `cards` (the web page) come from the same
`Card`s, so both say the same thing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from bot.knowledge.model import Municipality, Window
from bot.knowledge.sources import staff_confirmation
from bot.nlu.language import JAPANESE
from bot.routing import Reason, Referral, ReferredWindow
from bot.taxonomy import load_taxonomy
from bot.texts import lookup, say

# The clarifying question's buttons, most common worries first (titles in bot/texts).
CLARIFY_DOMAINS: Tuple[str, ...] = (
    "elderly", "child", "poverty", "mental_health", "disability",
    "hikikomori", "housing", "employment", "isolation", "other",
)
# Windows for any worry (knowledge/routing.yml `general_kinds`, read where a directory is at hand).
GENERAL_KINDS: Tuple[str, ...] = ("coordination", "municipal_office")
# Why a window joins because several worries meet: in this message, or with the household's
# earlier ones ("household", when the conversation keeps them).
HOUSEHOLD = Reason.HOUSEHOLD
COORDINATING_REASONS = (Reason.COORDINATION, HOUSEHOLD)
# The national line anyone may call about anything, day and night: the number of last resort.
ANY_WORRY_LINE = "yorisoi"
# A worry of no particular domain: the general window is its right window, not a stand-in.
NO_DEDICATED_WINDOW_EXPECTED = ("other",)


def clarify_choices(language: str = JAPANESE) -> List[Tuple[str, str]]:
    titles = lookup("clarify_choices", language)
    return [(code, titles[code]) for code in CLARIFY_DOMAINS]


def domain_label(code: str, language: str = JAPANESE) -> str:
    labels = lookup("domain_labels", language) or {}
    return labels.get(code) or load_taxonomy().domains[code]


def topics_text(domains: Sequence[str], language: str = JAPANESE) -> str:
    """「高齢・介護」「ひきこもり」 in Japanese (labels hold 「・」 themselves); a list in English."""
    labels = [domain_label(d, language) for d in domains]
    if language == JAPANESE:
        return "".join(f"「{label}」" for label in labels)
    return ", ".join(labels)


# --- Whom to call when a window's number is not in our sources -------------------------------

def department_label(municipality: Municipality, language: str = JAPANESE) -> Optional[str]:
    """The municipality's responsible section as a resident should read it. A prefecture's
    section (「秋田県 健康福祉部…」) or a name that already says its city keeps its own name."""
    name = municipality.department.name
    if not name:
        return None
    if municipality.department_is_prefectural or name.startswith(municipality.name):
        return name
    return say("department_of", language, municipality_name=municipality.name, department_name=name)


def main_office(municipality: Municipality, language: str = JAPANESE) -> str:
    """「恵庭市役所」「鰺ヶ沢町役場」「栃木県庁」; a name of another shape: its office(s) in words."""
    suffixes = lookup("office_suffix", language) or {}
    suffix = suffixes.get(municipality.name[-1:])
    if suffix is not None:
        return say("main_office", language, municipality_name=municipality.name, suffix=suffix)
    return say("main_office_other", language, municipality_name=municipality.name)


@dataclass(frozen=True)
class CallInstead:
    """A number from the directory to call when a window has none (never an invented one)."""

    name: str
    phone: str

    def as_payload(self) -> Dict:
        return {"name": self.name, "phone": self.phone}


def call_instead(municipality: Optional[Municipality], language: str = JAPANESE) -> Optional[CallInstead]:
    if municipality is None or not municipality.department.phone:
        return None
    label = department_label(municipality, language) or main_office(municipality, language)
    return CallInstead(label, municipality.department.phone)


def phone_line(window: Window, municipality: Optional[Municipality], language: str = JAPANESE) -> str:
    """One window's phone on its own (the contact-hours answer, the REST channel's tests)."""
    if window.phone:
        return say("phone", language, phone=window.phone)
    instead = call_instead(municipality, language)
    if instead:
        return say("phone_missing_department", language, department_name=instead.name, department_phone=instead.phone)
    return say("phone_missing", language)


def hours_line(window: Window, language: str = JAPANESE) -> str:
    if not window.hours:
        return say("hours_unknown", language)
    if not window.hours_verified:
        return say("hours_unverified", language, hours=window.hours)
    return say("hours", language, hours=window.hours)


def missing_notice(windows: Sequence[Window], municipality: Optional[Municipality],
                   language: str = JAPANESE) -> Optional[str]:
    """ONE line for every window of the answer whose phone or hours our sources lack."""
    parts = []
    if any(not w.phone for w in windows):
        instead = call_instead(municipality, language)
        if instead:
            parts.append(say("notice_phone_department", language, office=instead.name, phone=instead.phone))
        elif municipality is not None:
            parts.append(say("notice_phone_main_office", language, main_office=main_office(municipality, language)))
        else:
            parts.append(say("phone_missing", language) + say("sentence_end", language))
    if all(not w.hours for w in windows):
        parts.append(say("notice_hours_all" if parts else "notice_hours_none", language))
    elif any(not w.hours for w in windows):
        parts.append(say("notice_hours", language))
    return say("sentence_join", language).join(parts) if parts else None


# --- Where the facts come from ---------------------------------------------------------------

def _cited_file(source: Optional[str]) -> Optional[str]:
    return source.rsplit(":", 1)[0] if source and ":" in source else source


def source_title(source_file: str, language: str = JAPANESE) -> Optional[str]:
    return (lookup("data_sources", language) or {}).get(source_file)


def data_source_line(windows: Sequence[Window], language: str = JAPANESE) -> Optional[str]:
    """Which documents the windows shown come from, and how old they are, in one short line."""
    titles: List[str] = []
    for window in windows:
        title = source_title(_cited_file(window.source) or "", language)
        if title and title not in titles:
            titles.append(title)
    if not titles:
        return None
    return say("data_source", language, sources=say("list_join", language).join(titles))


def source_detail(source: Optional[str], language: str = JAPANESE) -> Optional[str]:
    if not source:
        return None
    file_name, _, line = source.rpartition(":")
    title = source_title(file_name, language)
    if not title or not line.isdigit():
        return None
    return say("source", language, source=title, line=line)


def confirmed_details(window: Window, language: str = JAPANESE) -> List[str]:
    """Facts the municipality's staff confirmed with the department, and when (never who)."""
    own = staff_confirmation(window.source)
    if own is not None:
        return [say("confirmed_window", language, day=own.day.isoformat())]
    labels = lookup("fact_labels", language) or {}
    by_day: Dict[str, List[str]] = {}
    for fact, source in window.fact_sources:
        confirmation = staff_confirmation(source)
        if confirmation is not None:
            by_day.setdefault(confirmation.day.isoformat(), []).append(labels.get(fact, fact))
    return [say("confirmed_facts", language, facts=say("list_join", language).join(facts), day=day)
            for day, facts in sorted(by_day.items())]


# --- The cards -------------------------------------------------------------------------------

def sentences(text: str) -> List[str]:
    """Japanese sentences, a 「。」 inside 「」 or （） not ending one."""
    found, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "「（(『":
            depth += 1
        elif char in "」）)』":
            depth = max(0, depth - 1)
        elif char == "。" and depth == 0:
            found.append(text[start:index + 1].strip())
            start = index + 1
    if text[start:].strip():
        found.append(text[start:].strip())
    return found


def what_to_say(window: Window, language: str = JAPANESE) -> str:
    if language == JAPANESE:
        return window.what_to_say
    phrases = lookup("what_to_say_phrase", language)
    japanese, english = phrases.get(window.kind) or phrases["default"]
    return say("what_to_say_by_kind", language, japanese=japanese, english=english)


def what_it_does(window: Window, language: str = JAPANESE) -> Tuple[str, List[str]]:
    """One sentence of what the window does, and the rest (for the details)."""
    if language == JAPANESE:
        said = sentences(window.helps_with) or [window.helps_with]
        return said[0], said[1:]
    does = lookup("window_does", language) or {}
    return does.get(window.kind) or does.get("default", ""), []


def heading(referred: ReferredWindow, coordinating: bool, language: str = JAPANESE) -> str:
    window = referred.window
    if language != JAPANESE:
        return f"{window.name}（{lookup('window_kinds', language).get(window.kind, window.kind)}）"
    if coordinating:
        return f"{window.name}（{say('coordination_heading', language)}）"
    if referred.domain:
        return f"{window.name}（{load_taxonomy().domains[referred.domain]}）"
    return window.name


@dataclass(frozen=True)
class Card:
    referred: ReferredWindow
    heading: str
    why: Tuple[str, ...]  # why this window, when it is not obvious (coordinates, stands in)
    phone: Optional[str]
    phone_text: str
    hours_text: Optional[str]  # None: not in our sources (the notice says so once)
    does: str
    say_text: str
    details: Tuple[str, ...] = field(default=())
    language: str = JAPANESE

    @property
    def window(self) -> Window:
        return self.referred.window

    def text(self) -> str:
        lines = [f"■ {self.heading}", *self.why, self.phone_text]
        if self.hours_text:
            lines.append(self.hours_text)
        if self.does:
            lines.append(self.does)
        lines.append(self.say_text)
        place = self.window.place
        if place:
            lines.append(say("place", self.language, place=place))
        return "\n".join(lines)

    def as_payload(self) -> Dict:
        return {
            "id": self.window.id,
            "name": self.window.name,
            "kind": self.window.kind,
            "reason": self.referred.reason,
            "domain": self.referred.domain,
            "heading": self.heading,
            "why": list(self.why),
            "phone": self.phone,
            "phone_text": self.phone_text,
            "hours_text": self.hours_text,
            "does": self.does,
            "say": self.say_text,
            "details": list(self.details),
            "details_label": say("details_label", self.language),
            "call_label": say("call_button", self.language),
        }


def make_card(referred: ReferredWindow, language: str = JAPANESE, coordinating: bool = False,
              household: bool = False, stands_in_for: Sequence[str] = ()) -> Card:
    window = referred.window
    why: List[str] = []
    if coordinating:
        why.append(say("card_why_household" if household else "card_why_coordination", language))
    if stands_in_for:
        why.append(say("card_stand_in", language, topics=topics_text(stands_in_for, language)))
    does, more = what_it_does(window, language)
    details = [*more]
    if window.place:
        details.append(say("place", language, place=window.place))
    cited = source_detail(window.source, language)
    if cited:
        details.append(cited)
    details.extend(confirmed_details(window, language))
    hours = None
    if window.hours:
        hours = hours_line(window, language)
    return Card(
        referred=referred,
        heading=heading(referred, coordinating, language),
        why=tuple(why),
        phone=window.phone,
        phone_text=say("phone", language, phone=window.phone) if window.phone else say("phone_see_notice", language),
        hours_text=hours,
        does=does,
        say_text=say("what_to_say", language, what_to_say=what_to_say(window, language)),
        details=tuple(details),
        language=language,
    )


def _general_kinds() -> Tuple[str, ...]:
    from bot.knowledge import current_directory  # the directory the referral was routed with

    routing = current_directory().routing
    return tuple(routing.general_kinds) if routing else GENERAL_KINDS


def local_cards(referral: Referral, language: str = JAPANESE) -> List[Card]:
    """The municipality's windows as cards: the coordinating one first when worries meet."""
    local = [r for r in referral.windows if r.window.kind != "crisis_line"]
    general = _general_kinds()
    coordinating_ids = {r.window.id for r in local if r.reason in COORDINATING_REASONS}
    household_ids = {r.window.id for r in local if r.reason == HOUSEHOLD}
    if referral.compound and not coordinating_ids:
        # The coordinating window already came in for a domain with no window of its own.
        coordinating_ids = {r.window.id for r in local if r.window.kind == "coordination"}
        if not coordinating_ids:
            coordinating_ids = {r.window.id for r in local if r.window.kind in general}
    # A general window stands in for each domain no window of the answer is there for: a
    # specific window, or the office section that lists the domain (the coordinating window
    # lists every domain, and the responsible department as a window lists none).
    dedicated = [r.window for r in local if r.window.kind != "coordination"]
    uncovered = [d for d in referral.domains if d not in NO_DEDICATED_WINDOW_EXPECTED
                 and not any(d in w.domains for w in dedicated)]
    stands_in: Dict[str, List[str]] = {}
    general_shown = [r for r in local if r.window.kind in general]
    for domain in uncovered:
        chosen = next((r for r in general_shown if r.domain == domain), None)
        chosen = chosen or next((r for r in general_shown if r.window.id in coordinating_ids), None)
        chosen = chosen or (general_shown[0] if general_shown else None)
        if chosen is not None:
            stands_in.setdefault(chosen.window.id, []).append(domain)
    ordered = ([r for r in local if r.window.id in coordinating_ids]
               + [r for r in local if r.window.id not in coordinating_ids])
    return [make_card(r, language, coordinating=r.window.id in coordinating_ids,
                      household=r.window.id in household_ids, stands_in_for=stands_in.get(r.window.id, ()))
            for r in ordered]


def national_cards(referral: Referral, language: str = JAPANESE) -> List[Card]:
    return [make_card(r, language) for r in referral.windows if r.window.kind == "crisis_line" and not r.urgent]


def window_text(referred: ReferredWindow, municipality: Optional[Municipality], language: str = JAPANESE) -> str:
    """One window as a card on its own (kept for callers outside the referral)."""
    return make_card(referred, language).text()


# --- The whole answer ------------------------------------------------------------------------

def crisis_line_text(window: Window, language: str = JAPANESE) -> str:
    hours = window.hours if window.hours_verified else say("crisis_hours_vary", language)
    return f"・{window.name} {window.phone}（{hours}）"


@dataclass(frozen=True)
class Answer:
    """A referral laid out for the resident: the blocks of the plain text and the cards."""

    blocks: Tuple[str, ...]
    notice: Optional[str]
    data_source: Optional[str]
    call_instead: Optional[CallInstead]
    cards: Tuple[Card, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks)


def lay_out(referral: Referral, language: str = JAPANESE) -> Answer:
    municipality = referral.municipality
    blocks: List[str] = []
    urgent = [r for r in referral.windows if r.window.kind == "crisis_line" and r.urgent]
    local = local_cards(referral, language) if municipality else []
    national = national_cards(referral, language)
    if urgent:
        blocks.append(say("crisis_intro", language))
        blocks.append("\n".join(crisis_line_text(r.window, language) for r in urgent))
    opening = []
    if referral.domains:
        opening.append(say("topics", language, topics=topics_text(referral.domains, language)))
    if local:
        opening.append(say("windows_of", language, municipality_name=municipality.name))
    if opening:
        blocks.append(say("sentence_join", language).join(opening))
    notice = missing_notice([c.window for c in local], municipality, language) if local else None
    source = data_source_line([c.window for c in local], language) if local else None
    blocks.extend(line for line in (notice, source) if line)
    blocks.extend(card.text() for card in local)
    if national:
        blocks.append(say("national_lines_heading", language))
        blocks.extend(card.text() for card in national)
    instead = call_instead(municipality, language) if notice else None
    return Answer(tuple(blocks), notice, source, instead, tuple(local + national))


def referral_payload(referral: Referral, language: str = JAPANESE) -> Dict:
    municipality = referral.municipality
    answer = lay_out(referral, language)
    return {
        "type": "referral",
        "municipality": municipality.code if municipality else None,
        "domains": list(referral.domains),
        "crisis": referral.crisis,
        "compound": referral.compound,
        "language": language,
        "windows": [referred.window.as_payload() for referred in referral.windows],
        # How the web page lays the answer out (the same words as the text).
        "notice": answer.notice,
        "call_instead": answer.call_instead.as_payload() if answer.call_instead else None,
        "data_source": answer.data_source,
        "cards": [card.as_payload() for card in answer.cards],
    }


def referral_text(referral: Referral, language: str = JAPANESE) -> str:
    return lay_out(referral, language).text
