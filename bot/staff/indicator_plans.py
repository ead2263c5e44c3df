"""A municipality's own indicators, read from knowledge/indicators/<code>.yml.

Each indicator quotes its plan (name and line) and is either computed from the demand log by a
closed set of conditions, or marked `not_supported` with the reason. So a municipality adds its
logic model without code, and nothing it asks for can reach past the log's codes: a condition
is one of the keys below, checked against the taxonomy and the directory when the file is read.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import yaml

from bot.demand.event import Outcome
from bot.paths import KNOWLEDGE_DIR
from bot.taxonomy import load_taxonomy

PLANS_DIR = KNOWLEDGE_DIR / "indicators"
# Each figure is counted per day in one query and every pair is checked for complements:
# a bound keeps both (and the search for complements in indicator_table.py) small.
MAX_FIGURES = 16
MAX_WINDOWS = 20

Condition = Tuple[str, Any]


class PlanError(ValueError):
    """A plan file that cannot be used, naming the file, the indicator and the field."""

    def __init__(self, file: str, where: str, field: str, problem: str) -> None:
        super().__init__(f"{file}: {where}: {field}: {problem}")


@dataclass(frozen=True)
class Selection:
    """Events meeting every condition. Conditions are (key, value) pairs, sorted, so the same
    selection written twice is one figure."""
    conditions: Tuple[Condition, ...]

    def narrowed(self, other: "Selection") -> "Selection":
        return Selection(tuple(sorted(set(self.conditions) | set(other.conditions), key=repr)))


@dataclass(frozen=True)
class Indicator:
    name: str
    line: int
    counts: Optional[str] = None
    count: Optional[Selection] = None
    share_of: Optional[Selection] = None  # already narrowed to share_among
    share_among: Optional[Selection] = None
    not_supported: Optional[str] = None

    @property
    def supported(self) -> bool:
        return self.not_supported is None

    @property
    def is_share(self) -> bool:
        return self.share_among is not None

    @property
    def selections(self) -> Tuple[Selection, ...]:
        if self.count is not None:
            return (self.count,)
        if self.is_share:
            return (self.share_of, self.share_among)
        return ()


@dataclass(frozen=True)
class Group:
    title: str
    line: Optional[int]
    indicators: Tuple[Indicator, ...]


@dataclass(frozen=True)
class Plan:
    municipality: str
    title: str
    source: str
    evaluation_line: Optional[int]
    evaluation_text: Optional[str]
    groups: Tuple[Group, ...]

    @property
    def indicators(self) -> Tuple[Indicator, ...]:
        return tuple(i for g in self.groups for i in g.indicators)

    @property
    def figures(self) -> Tuple[Selection, ...]:
        """Every selection counted, once each, in the order the file first uses them."""
        return tuple(dict.fromkeys(s for i in self.indicators for s in i.selections))


class _Reader:
    def __init__(self, path: Path) -> None:
        self.file = path.name
        self.taxonomy = load_taxonomy()

    def fail(self, where: str, field: str, problem: str):
        raise PlanError(self.file, where, field, problem)

    def text(self, raw: dict, field: str, where: str, required: bool = True) -> Optional[str]:
        value = raw.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(where, field, "needs a non-empty text")
        return " ".join(value.split())

    def line(self, raw: dict, where: str, required: bool = True) -> Optional[int]:
        value = raw.get("line")
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(where, "line", "needs the plan's line number (a positive integer)")
        return value

    def codes(self, value, known, where: str, field: str) -> Tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.fail(where, field, "needs a non-empty list of codes")
        unknown = [v for v in value if v not in known]
        if unknown:
            self.fail(where, field, f"unknown {unknown}; known: {', '.join(known)}")
        return tuple(sorted(set(value)))

    def number(self, value, where: str, field: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_WINDOWS:
            self.fail(where, field, f"needs a whole number from 1 to {MAX_WINDOWS}")
        return value

    def flag(self, value, where: str, field: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, field, "needs true or false")
        return value

    def selection(self, raw, where: str, field: str) -> Selection:
        if not isinstance(raw, dict) or not raw:
            self.fail(where, field, f"needs conditions: {', '.join(CONDITIONS)}")
        conditions = []
        for key, value in raw.items():
            check = CONDITIONS.get(key)
            if check is None:
                self.fail(where, f"{field}.{key}", f"unknown condition; known: {', '.join(CONDITIONS)}")
            conditions.append((key, check(self, value, where, f"{field}.{key}")))
        return Selection(tuple(sorted(conditions, key=repr)))

    def indicator(self, raw, where: str) -> Indicator:
        if not isinstance(raw, dict):
            self.fail(where, "(entry)", "needs name, line and count, share or not_supported")
        name = self.text(raw, "name", where)
        where = f"{where} 「{name}」"
        line = self.line(raw, where)
        kinds = [k for k in ("count", "share", "not_supported") if k in raw]
        if len(kinds) != 1:
            self.fail(where, "count/share/not_supported", "needs exactly one of them")
        unknown = set(raw) - {"name", "line", "counts", "count", "share", "not_supported"}
        if unknown:
            self.fail(where, ", ".join(sorted(unknown)), "unknown field")
        if kinds == ["not_supported"]:
            if "counts" in raw:
                self.fail(where, "counts", "a figure that is not counted has no `counts`")
            return Indicator(name, line, not_supported=self.text(raw, "not_supported", where))
        counts = self.text(raw, "counts", where)
        if kinds == ["count"]:
            return Indicator(name, line, counts, count=self.selection(raw["count"], where, "count"))
        share = raw["share"]
        if not isinstance(share, dict) or set(share) != {"of", "among"}:
            self.fail(where, "share", "needs `of` and `among`")
        among = self.selection(share["among"], where, "share.among")
        return Indicator(name, line, counts, share_of=among.narrowed(self.selection(share["of"], where, "share.of")),
                         share_among=among)


def _outcomes(reader: _Reader, value, where: str, field: str):
    return reader.codes(value, [o.value for o in Outcome], where, field)


def _domains(reader: _Reader, value, where: str, field: str):
    return reader.codes(value, list(reader.taxonomy.domains), where, field)


def _kinds(reader: _Reader, value, where: str, field: str):
    return reader.codes(value, list(reader.taxonomy.window_kinds), where, field)


# The closed set: every key has its SQL in indicator_counts.py and its meaning in the plan files.
CONDITIONS = {
    "outcome": _outcomes,
    "compound": _Reader.flag,
    "crisis": _Reader.flag,
    "domains_all": _domains,
    "domains_any": _domains,
    "local_windows_at_least": _Reader.number,
    "local_window_kinds_at_least": _Reader.number,
    "local_window_kinds_any": _kinds,
}


def load_plan(path: Path, municipalities: Optional[set] = None) -> Plan:
    """One plan file, validated; `municipalities` (directory codes), when given, must hold its code."""
    reader = _Reader(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise PlanError(path.name, "(file)", "(yaml)", str(error).splitlines()[0]) from None
    if not isinstance(raw, dict):
        reader.fail("(file)", "(top)", "needs municipality, title, source and groups")
    code = reader.text(raw, "municipality", "(file)")
    if code != path.stem:
        reader.fail("(file)", "municipality", f"{code!r} must be the file's name ({path.stem!r})")
    if municipalities is not None and code not in municipalities:
        reader.fail("(file)", "municipality", f"{code!r} is not in the window directory")
    evaluation = raw.get("evaluation") or {}
    if not isinstance(evaluation, dict):
        reader.fail("(file)", "evaluation", "needs line and text")
    groups_raw = raw.get("groups")
    if not isinstance(groups_raw, list) or not groups_raw:
        reader.fail("(file)", "groups", "needs a list of groups")
    groups = []
    for number, group in enumerate(groups_raw, 1):
        where = f"group {number}"
        if not isinstance(group, dict) or not isinstance(group.get("indicators"), list) or not group["indicators"]:
            reader.fail(where, "indicators", "needs a list of indicators")
        indicators = tuple(reader.indicator(entry, f"{where} indicator {i}")
                           for i, entry in enumerate(group["indicators"], 1))
        groups.append(Group(reader.text(group, "title", where), reader.line(group, where, required=False), indicators))
    plan = Plan(code, reader.text(raw, "title", "(file)"), reader.text(raw, "source", "(file)"),
                reader.line(evaluation, "evaluation", required=False) if evaluation else None,
                reader.text(evaluation, "text", "evaluation", required=False) if evaluation else None,
                tuple(groups))
    if len(plan.figures) > MAX_FIGURES:
        reader.fail("(file)", "groups", f"{len(plan.figures)} different counts; at most {MAX_FIGURES}")
    return plan


def load_plans(folder: Path = PLANS_DIR, municipalities: Optional[set] = None) -> Dict[str, Plan]:
    """Every plan in the folder by municipality code; a broken file raises PlanError."""
    plans = [load_plan(path, municipalities) for path in sorted(folder.glob("*.yml"))]
    return {plan.municipality: plan for plan in plans}
