"""route_concern: domains + crisis + municipality → the ordered windows to show a resident.

One function, used by the action server and by `bot.evaluate`, so what is measured is what
residents see. The order: crisis lines first when someone is in danger; then, for each
domain, the municipality's most specific window (its coordinating or 断らない window where
it has none, never nothing); then, when two or more domains meet, the coordinating window.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from bot.knowledge.model import Directory, Municipality, Window
from bot.knowledge.routing_preferences import RoutingPreferences

class Reason:
    """Why a window is in the list (the reply turns the code into a sentence)."""

    CRISIS = "crisis"  # danger now: call first
    DOMAIN = "domain"  # the window for one of the concern's domains
    COORDINATION = "coordination"  # several domains meet
    HOUSEHOLD = "household"  # this worry and earlier ones of the same conversation meet
    GENERAL = "general"  # no domain found: the window for any worry
    NATIONAL_LINE = "national_line"  # a national consultation line, offered as an option


@dataclass(frozen=True)
class ReferredWindow:
    window: Window
    reason: str  # a `Reason` code
    domain: Optional[str] = None

    @property
    def urgent(self) -> bool:
        return self.reason == Reason.CRISIS


@dataclass(frozen=True)
class Referral:
    municipality: Optional[Municipality]
    domains: Tuple[str, ...]
    crisis: bool
    windows: Tuple[ReferredWindow, ...] = field(default=())

    @property
    def compound(self) -> bool:
        return len(self.domains) >= 2

    @property
    def window_ids(self) -> List[str]:
        return [referred.window.id for referred in self.windows]


def department_window(municipality: Municipality) -> Window:
    """The municipality's responsible department as a window: the last resort, never empty."""
    department = municipality.department
    return Window(
        id=f"{municipality.code}_department",
        name=department.name or f"{municipality.name}役所・役場の福祉担当",
        kind="municipal_office",
        domains=(),
        phone=department.phone,
        hours=None,
        place=None,
        helps_with="どこに相談すればよいか分からないときも、まず話を聞いて担当につないでくれます。",
        what_to_say="「困っていることがあり、どこに相談すればいいか教えてほしい」と伝えてください。",
        source=department.source or municipality.source_file,
        municipality=municipality.code,
    )


def _specificity(window: Window, domain: str, preferences: RoutingPreferences) -> Tuple[int, int]:
    preferred = preferences.preferred_kinds.get(domain, ())
    rank = preferred.index(window.kind) if window.kind in preferred else len(preferred)
    return rank, len(window.domains)


def window_for_domain(municipality: Municipality, domain: str, preferences: RoutingPreferences) -> Window:
    general = preferences.general_kinds
    specific = [w for w in municipality.windows if domain in w.domains and w.kind not in general]
    if specific:
        return min(specific, key=lambda w: _specificity(w, domain, preferences))
    return coordinating_window(municipality, preferences, domain)


def coordinating_window(municipality: Municipality, preferences: RoutingPreferences,
                        domain: Optional[str] = None) -> Window:
    for kind in preferences.general_kinds:
        candidates = [w for w in municipality.windows if w.kind == kind]
        covering = [w for w in candidates if domain is None or domain in w.domains]
        if covering or candidates:
            return (covering or candidates)[0]
    return department_window(municipality)


def crisis_lines_for(directory: Directory, categories: Sequence[str]) -> List[Window]:
    """Every id was checked against the national lines when the directory was loaded."""
    preferences = directory.routing
    wanted: List[str] = []
    for category in categories or ("",):
        for line_id in preferences.crisis_lines_by_category.get(category, preferences.default_crisis_lines):
            if line_id not in wanted:
                wanted.append(line_id)
    return [directory.by_id[line_id] for line_id in wanted]


def route_concern(
    directory: Directory,
    domains: Sequence[str],
    crisis: bool,
    municipality_code: Optional[str],
    crisis_categories: Sequence[str] = (),
    earlier_domains: Sequence[str] = (),
    coordination_offered: bool = False,
    people: Sequence[object] = (),  # who the concern is about: eligibility (issue 10) reads it
) -> Referral:
    """`earlier_domains`: what the household told earlier in this conversation; the coordinating
    window is offered when they and this message add up to two or more domains, once
    (`coordination_offered`: it was already given in this conversation)."""
    municipality = directory.municipality(municipality_code) if municipality_code else None
    labels: List[ReferredWindow] = []
    seen: set = set()

    def add(window: Window, reason: str, domain: Optional[str] = None) -> None:
        if window.id not in seen:
            seen.add(window.id)
            labels.append(ReferredWindow(window, reason, domain))

    if crisis:
        for line in crisis_lines_for(directory, crisis_categories):
            add(line, Reason.CRISIS)
    if municipality is not None:
        for domain in domains:
            add(window_for_domain(municipality, domain, directory.routing), Reason.DOMAIN, domain)
        household = set(domains) | set(earlier_domains)
        if len(set(domains)) >= 2 and not coordination_offered:
            add(coordinating_window(municipality, directory.routing), Reason.COORDINATION)
        elif len(household) >= 2 and domains and not coordination_offered:
            add(coordinating_window(municipality, directory.routing), Reason.HOUSEHOLD)
        elif not domains and not crisis:
            add(coordinating_window(municipality, directory.routing), Reason.GENERAL)
    for domain in domains:
        for line_id in directory.routing.national_lines_by_domain.get(domain, ()):
            add(directory.by_id[line_id], Reason.NATIONAL_LINE, domain)
    return Referral(municipality, tuple(domains), crisis, tuple(labels))
