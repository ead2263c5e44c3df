"""The window directory, modelled on Open Referral HSDS and trimmed to what a municipality needs.

HSDS organization → `Municipality` (with its responsible `Department`), service + location +
phone + schedule → `Window`. Codes for `kind` and `domains` come from the shared taxonomy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    from bot.knowledge.routing_preferences import RoutingPreferences

CARER = "carer"
CHILD = "child"


@dataclass(frozen=True)
class Eligibility:
    """Who a window serves, as its seed says (HSDS `eligibility`, trimmed). The default is anyone.

    `ages` are bot.people age groups of the person served (empty: any age); `serves: carer` means
    the one who cares (the writer), not the person cared for; `residents: False` marks a meeting or
    a network of professionals that no resident is sent to."""

    ages: Tuple[str, ...] = ()
    serves: Optional[str] = None
    residents: bool = True
    description: Optional[str] = None
    source: Optional[str] = None

    @property
    def anyone(self) -> bool:
        return not self.ages and self.residents

    @property
    def young_carers(self) -> bool:
        """A place for children who care for family: offered only to a writer known to be a child."""
        return self.serves == CARER and set(self.ages) == {CHILD}


ANYONE = Eligibility()


@dataclass(frozen=True)
class Window:
    id: str
    name: str
    kind: str
    domains: Tuple[str, ...]
    phone: Optional[str]
    hours: Optional[str]
    place: Optional[str]
    helps_with: str
    what_to_say: str
    source: str
    municipality: str  # code, or "national" for the crisis lines
    for_crisis: bool = False
    hours_verified: bool = True
    # Not in as_payload(): the payload's window keys are a contract with the web chat and the log.
    eligibility: Eligibility = ANYONE
    # (field, source) of facts provided after the window's own `source`, e.g. a phone the
    # department confirmed to a staff member (bot/knowledge/sources.py).
    fact_sources: Tuple[Tuple[str, str], ...] = ()
    # The day the whole entry was last confirmed true; None: never since it was read from its seed.
    last_verified: Optional[date] = None

    def source_of(self, field: str) -> str:
        """Where the fact `field` comes from: its own source, else the window's."""
        return dict(self.fact_sources).get(field, self.source)

    def as_payload(self) -> dict:
        """The window as the referral payload and the demand log name it."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "domains": list(self.domains),
            "phone": self.phone,
            "hours": self.hours,
            "source": self.source,
        }


@dataclass(frozen=True)
class Department:
    name: Optional[str]
    phone: Optional[str]
    source: Optional[str]


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    prefecture: str
    department: Department
    windows: Tuple[Window, ...]
    source_file: str

    def coordination_windows(self) -> List[Window]:
        return [w for w in self.windows if w.kind == "coordination"]

    @property
    def department_is_prefectural(self) -> bool:
        """The seed's contact is a prefecture's section (a prefectural model project), named with
        the prefecture ("秋田県 健康福祉部 …"): never to be presented as the town's own office."""
        name = self.department.name or ""
        return self.name != self.prefecture and name.startswith(self.prefecture)


@dataclass(frozen=True)
class Directory:
    municipalities: Dict[str, Municipality]
    crisis_lines: Tuple[Window, ...]
    by_id: Dict[str, Window] = field(default_factory=dict)
    routing: Optional["RoutingPreferences"] = None  # knowledge/routing.yml

    def municipality(self, code: str) -> Optional[Municipality]:
        return self.municipalities.get(code)
