"""route_concern: domains + crisis + municipality + who it is about → the ordered windows to show a resident.

One function, used by the action server and by `bot.evaluate`, so what is measured is what
residents see. The order: crisis lines first when someone is in danger; then, for each
domain, the municipality's most specific window that the people can use (its coordinating or
断らない window where it has none, never nothing); then, when two or more domains meet, the
coordinating window.

Who a window serves (`Window.eligibility`) is matched against the people the concern is about
(bot.people): a window they are known not to fit, a young-carer place for a writer not known to
be a child, and a meeting of professionals are never offered; among the rest of a kind, a window
they are known to fit comes first, then one open to anyone, then one whose ages are unknown for them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Dict, List, Optional, Sequence, Tuple

from bot.knowledge.model import CARER, CHILD, Directory, Municipality, Window
from bot.knowledge.municipality_lookup import municipality_in_text
from bot.knowledge.routing_preferences import RoutingPreferences
from bot.people import SELF, UNKNOWN_AGE, Person

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


class Fit(IntEnum):
    """How the people a concern is about fit a window, best first."""

    KNOWN = 0  # one of them is of an age the window serves
    ANYONE = 1  # the window serves anyone
    UNKNOWN = 2  # it serves some ages and none of theirs is known
    NOT = 3  # never offered: known not to fit, a young-carer place, or not for residents


def served_people(people: Sequence[Person], serves: Optional[str] = None) -> List[Person]:
    """Whom a window would serve among the people. A window for carers serves the writer. Any
    other serves the people the concern is about, and the writer too when the writer's age is
    written (「80を過ぎた私と、ひきこもりの息子」: 地域包括支援センター serves the writer), or the
    writer alone when it is about nobody else. Without an entry of their own, the writer is
    there all the same, of unknown age."""
    writers = [p for p in people if p.is_writer] or [Person(SELF, UNKNOWN_AGE)]
    if serves == CARER:
        return writers
    others = [p for p in people if not p.is_writer]
    if not others:
        return writers
    return others + [p for p in writers if p.age_group != UNKNOWN_AGE]


def window_fit(window: Window, people: Sequence[Person]) -> Fit:
    eligibility = window.eligibility
    if not eligibility.residents:
        return Fit.NOT
    served = served_people(people, eligibility.serves)
    if eligibility.young_carers:
        # An adult carer must not be sent to a children's café on a guess.
        return Fit.KNOWN if any(p.age_group == CHILD for p in served) else Fit.NOT
    if not eligibility.ages:
        return Fit.ANYONE
    if any(p.age_group in eligibility.ages for p in served):
        return Fit.KNOWN
    if any(p.age_group == UNKNOWN_AGE for p in served):
        return Fit.UNKNOWN
    return Fit.NOT


def _specificity(window: Window, domain: str, preferences: RoutingPreferences,
                 people: Sequence[Person] = ()) -> Tuple[int, int, int]:
    """The kind routing.yml prefers first, then the fit within that kind. Fit does not outrank
    the kind: most windows have no eligibility written, so "anyone" often only means "not read",
    and 「母の介護」 belongs with the 地域包括支援センター, not with a 高齢者サロン that the
    mother is known to fit, nor with a salon open to all when her age is unwritten."""
    preferred = preferences.preferred_kinds.get(domain, ())
    rank = preferred.index(window.kind) if window.kind in preferred else len(preferred)
    return rank, int(window_fit(window, people)), len(window.domains)


def window_for_domain(municipality: Municipality, domain: str, preferences: RoutingPreferences,
                      people: Sequence[Person] = ()) -> Window:
    general = preferences.general_kinds
    specific = [w for w in municipality.windows if domain in w.domains and w.kind not in general
                and window_fit(w, people) != Fit.NOT]
    if specific:
        return min(specific, key=lambda w: _specificity(w, domain, preferences, people))
    return coordinating_window(municipality, preferences, domain, people)


def coordinating_window(municipality: Municipality, preferences: RoutingPreferences,
                        domain: Optional[str] = None, people: Sequence[Person] = ()) -> Window:
    for kind in preferences.general_kinds:
        candidates = [w for w in municipality.windows if w.kind == kind and window_fit(w, people) != Fit.NOT]
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
    people: Sequence[Person] = (),
) -> Referral:
    """`earlier_domains`: what the household told earlier in this conversation; the coordinating
    window is offered when they and this message add up to two or more domains, once
    (`coordination_offered`: it was already given in this conversation). `people`: whom the
    concern is about (bot.people.people_from_parse); none known, none assumed."""
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
            add(window_for_domain(municipality, domain, directory.routing, people), Reason.DOMAIN, domain)
        household = set(domains) | set(earlier_domains)
        if len(set(domains)) >= 2 and not coordination_offered:
            add(coordinating_window(municipality, directory.routing, people=people), Reason.COORDINATION)
        elif len(household) >= 2 and domains and not coordination_offered:
            add(coordinating_window(municipality, directory.routing, people=people), Reason.HOUSEHOLD)
        elif not domains and not crisis:
            add(coordinating_window(municipality, directory.routing, people=people), Reason.GENERAL)
    for domain in domains:
        for line_id in directory.routing.national_lines_by_domain.get(domain, ()):
            add(directory.by_id[line_id], Reason.NATIONAL_LINE, domain)
    return Referral(municipality, tuple(domains), crisis, tuple(labels))


def first_window_fits(referral: Referral, people: Sequence[Person]) -> bool:
    """Whether the first of the municipality's windows in a referral is one the people can use
    (not known to be for others): the measure bench/ reports. National lines serve anyone and are
    passed over; a referral with no local window offered nothing unfit."""
    local = [r.window for r in referral.windows if r.window.kind != "crisis_line"]
    return not local or window_fit(local[0], people) != Fit.NOT


@dataclass(frozen=True)
class HouseholdReferral:
    """The referrals one message gets: where the person cared for lives (their own care), then
    the resident's own municipality (the carer's needs, danger, or everything when they live
    in the same place). `cared_for_place` is the place as written when it is elsewhere."""

    referrals: Tuple[Referral, ...]
    cared_for_place: Optional[str] = None
    cared_for_code: Optional[str] = None  # None when the directory does not have that place

    @property
    def window_ids(self) -> List[str]:
        return list(dict.fromkeys(w for r in self.referrals for w in r.window_ids))


def route_household(
    directory: Directory,
    domains: Sequence[str],
    crisis: bool,
    municipality_code: Optional[str],
    crisis_categories: Sequence[str] = (),
    earlier_domains: Sequence[str] = (),
    coordination_offered: bool = False,
    people: Sequence[Person] = (),
    lives_in: Optional[str] = None,
) -> HouseholdReferral:
    """route_concern, split by whose municipality a need belongs to (「札幌に住んでいる母」: the
    mother's care is 札幌市's; the resident's own carer support stays where the resident lives)."""
    elsewhere = municipality_in_text(directory, lives_in) if lives_in else None
    if not lives_in or crisis or elsewhere == municipality_code:
        own = route_concern(directory, domains, crisis, municipality_code, crisis_categories,
                            earlier_domains, coordination_offered, people)
        return HouseholdReferral((own,))
    resident_side = set(directory.routing.resident_side_domains)
    theirs = [d for d in domains if d not in resident_side]
    mine = [d for d in domains if d in resident_side]
    referrals: List[Referral] = []
    if elsewhere and theirs:
        referrals.append(route_concern(directory, theirs, False, elsewhere, people=people))
    if mine or not referrals:
        referrals.append(route_concern(directory, mine, False, municipality_code, (),
                                       earlier_domains, coordination_offered, people))
    return HouseholdReferral(tuple(referrals), lives_in, elsewhere)
