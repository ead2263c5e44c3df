"""Who a concern is about: the contract between the NLU, routing and the actions.

The NLU writes `about` into the parse as a list of {"relation", "age_group", "age_text"}
and `lives_in` as the place written for where the person cared for lives; routing reads
`Person` to keep windows to the people who can use them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Tuple

RELATIONS: Tuple[str, ...] = (
    "self", "mother", "father", "parent", "spouse", "partner", "son", "daughter", "child",
    "brother", "sister", "grandparent", "grandchild", "other_family", "client", "neighbour",
    "friend", "other",
)
# child: under 18; adult: 18-64; older: 65 and over; unknown: not stated and not inferable.
AGE_GROUPS: Tuple[str, ...] = ("child", "adult", "older", "unknown")
UNKNOWN_AGE = "unknown"
SELF = "self"


@dataclass(frozen=True)
class Person:
    relation: str
    age_group: str = UNKNOWN_AGE
    age_text: Optional[str] = None  # the words that gave the age (「80代」「中学生」), for trainers

    @property
    def is_writer(self) -> bool:
        return self.relation == SELF

    def as_dict(self) -> dict:
        return {"relation": self.relation, "age_group": self.age_group, "age_text": self.age_text}


def people_from_parse(about: Optional[Iterable[Any]]) -> List[Person]:
    """`about` as the NLU wrote it; anything malformed is dropped, never guessed."""
    people: List[Person] = []
    for item in about or ():
        if not isinstance(item, dict) or item.get("relation") not in RELATIONS:
            continue
        age_group = item.get("age_group") if item.get("age_group") in AGE_GROUPS else UNKNOWN_AGE
        age_text = item.get("age_text") if isinstance(item.get("age_text"), str) else None
        people.append(Person(item["relation"], age_group, age_text))
    return people
