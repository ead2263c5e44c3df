"""What the resident reads: a referral as plain text in their language, plus its payload.

Window names stay in Japanese in every language (that is what the resident says at the
counter); the fixed sentences, the kind of window and what to say come from bot/texts.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from bot.knowledge.model import Municipality, Window
from bot.nlu.language import JAPANESE
from bot.routing import Reason, Referral, ReferredWindow
from bot.taxonomy import load_taxonomy
from bot.texts import lookup, say

# The clarifying question's buttons, most common worries first (titles in bot/texts).
CLARIFY_DOMAINS: Tuple[str, ...] = (
    "elderly", "child", "poverty", "mental_health", "disability",
    "hikikomori", "housing", "employment", "isolation", "other",
)


def clarify_choices(language: str = JAPANESE) -> List[Tuple[str, str]]:
    titles = lookup("clarify_choices", language)
    return [(code, titles[code]) for code in CLARIFY_DOMAINS]


def domain_label(code: str, language: str = JAPANESE) -> str:
    labels = lookup("domain_labels", language) or {}
    return labels.get(code) or load_taxonomy().domains[code]


def phone_line(window: Window, municipality: Optional[Municipality], language: str = JAPANESE) -> str:
    if window.phone:
        return say("phone", language, phone=window.phone)
    if municipality and municipality.department.phone and municipality.department.name:
        return say("phone_missing_department", language, department_name=municipality.department.name,
                   department_phone=municipality.department.phone)
    return say("phone_missing", language)


def hours_line(window: Window, language: str = JAPANESE) -> str:
    if not window.hours:
        return say("hours_unknown", language)
    if not window.hours_verified:
        return say("hours_unverified", language, hours=window.hours)
    return say("hours", language, hours=window.hours)


def what_to_say(window: Window, language: str = JAPANESE) -> str:
    if language == JAPANESE:
        return window.what_to_say
    phrases = lookup("what_to_say_phrase", language)
    japanese, english = phrases.get(window.kind) or phrases["default"]
    return say("what_to_say_by_kind", language, japanese=japanese, english=english)


def window_text(referred: ReferredWindow, municipality: Optional[Municipality], language: str = JAPANESE) -> str:
    window = referred.window
    heading = f"■ {window.name}"
    if language != JAPANESE:
        heading += f"（{lookup('window_kinds', language).get(window.kind, window.kind)}）"
    elif referred.domain:
        heading += f"（{load_taxonomy().domains[referred.domain]}）"
    lines = [heading, phone_line(window, municipality, language), hours_line(window, language)]
    if window.place:
        lines.append(say("place", language, place=window.place))
    if language == JAPANESE:
        lines.append(window.helps_with)
    lines.append(say("what_to_say", language, what_to_say=what_to_say(window, language)))
    return "\n".join(lines)


def referral_payload(referral: Referral, language: str = JAPANESE) -> Dict:
    municipality = referral.municipality
    return {
        "type": "referral",
        "municipality": municipality.code if municipality else None,
        "domains": list(referral.domains),
        "crisis": referral.crisis,
        "compound": referral.compound,
        "language": language,
        "windows": [referred.window.as_payload() for referred in referral.windows],
    }


def crisis_line_text(window: Window, language: str = JAPANESE) -> str:
    hours = window.hours if window.hours_verified else say("crisis_hours_vary", language)
    return f"・{window.name} {window.phone}（{hours}）"


def referral_text(referral: Referral, language: str = JAPANESE) -> str:
    municipality = referral.municipality
    parts: List[str] = []
    urgent = [r for r in referral.windows if r.window.kind == "crisis_line" and r.urgent]
    national = [r for r in referral.windows if r.window.kind == "crisis_line" and not r.urgent]
    local = [r for r in referral.windows if r.window.kind != "crisis_line"]
    if urgent:
        parts.append(say("crisis_intro", language))
        parts.append("\n".join(crisis_line_text(r.window, language) for r in urgent))
    if referral.domains:
        separator = "・" if language == JAPANESE else ", "
        topics = separator.join(domain_label(d, language) for d in referral.domains)
        parts.append(say("topics", language, topics=topics))
    if municipality and local:
        parts.append(say("windows_of", language, municipality_name=municipality.name))
        for referred in local:
            if referred.reason == Reason.HOUSEHOLD:
                parts.append(say("why_household", language))
            elif referred.window.kind == "coordination" and referral.compound and referred.reason:
                parts.append(say("why_coordination", language))
            parts.append(window_text(referred, municipality, language))
    if national:
        parts.append(say("national_lines_heading", language))
        parts.extend(window_text(r, municipality, language) for r in national)
    return "\n\n".join(parts)
