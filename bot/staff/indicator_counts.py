"""A plan's selections counted per day for one municipality, aggregated by the database.

One query: each event's membership of every selection becomes a row of 0/1 flags, grouped by
day and flags. What leaves the database is how many events of a day share the same flags —
enough to count each figure and what one figure leaves out of another (indicator_table.py),
never an event. Works the same in SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Dict, Mapping, Optional, Sequence, Tuple

from sqlalchemy import and_, case, distinct, func, literal, or_, select
from sqlalchemy.sql import ColumnElement

from bot.demand.event import Outcome
from bot.demand.schema import demand_event_domains, demand_event_windows, demand_events
from bot.staff.indicator_plans import Condition, Selection

Pattern = Tuple[bool, ...]
Tally = Counter  # Pattern → number of events
events, domains, windows = demand_events, demand_event_domains, demand_event_windows


def _day(column, dialect: str) -> ColumnElement:
    """The hour's day as text 'YYYY-MM-DD'; hours are stored in Japan time (bot/demand/event.py)."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM-DD")
    return func.date(column)


class _Facts:
    """Per event, in two grouped subqueries joined to the events: which of the plan's domains it
    has, and how many of the municipality's windows, window kinds and chosen kinds it names.
    Grouped rather than correlated: one pass over the day range, whatever index the planner
    would otherwise pick for each event (a window id's index made it quadratic in SQLite)."""

    def __init__(self, selections: Sequence[Selection], local: Mapping[str, str], scope) -> None:
        self.local = dict(local)
        conditions = [item for selection in selections for item in selection.conditions]
        self.codes = sorted({code for key, value in conditions if key.startswith("domains_") for code in value})
        self.kind_sets = sorted({value for key, value in conditions if key == "local_window_kinds_any"})
        self.domains = self._domains(scope)
        self.windows = self._windows(scope)

    def _domains(self, scope):
        if not self.codes:
            return None
        flags = [func.max(case((domains.c.domain == code, 1), else_=0)).label(f"d{i}")
                 for i, code in enumerate(self.codes)]
        return (select(domains.c.event_id, *flags).select_from(domains.join(events, events.c.id == domains.c.event_id))
                .where(scope).group_by(domains.c.event_id).subquery())

    def _windows(self, scope):
        mine = windows.c.window_id.in_(sorted(self.local))
        kinds = func.count(distinct(case(self.local, value=windows.c.window_id))) if self.local else literal(0)
        chosen = [func.max(case((windows.c.window_id.in_(self._of_kinds(kind_set)), 1), else_=0)).label(f"k{i}")
                  for i, kind_set in enumerate(self.kind_sets)]
        local_count = func.sum(case((mine, 1), else_=0)).label("local")
        return (select(windows.c.event_id, local_count, kinds.label("kinds"), *chosen)
                .select_from(windows.join(events, events.c.id == windows.c.event_id))
                .where(scope).group_by(windows.c.event_id).subquery())

    def _of_kinds(self, kind_set) -> list:
        return sorted(window for window, kind in self.local.items() if kind in kind_set)

    def joined(self):
        table = events.outerjoin(self.windows, self.windows.c.event_id == events.c.id)
        if self.domains is not None:
            table = table.outerjoin(self.domains, self.domains.c.event_id == events.c.id)
        return table

    def has_domain(self, code: str) -> ColumnElement:
        return func.coalesce(self.domains.c[f"d{self.codes.index(code)}"], 0) == 1

    def windows_count(self, column: str) -> ColumnElement:
        return func.coalesce(self.windows.c[column], 0)

    def condition(self, item: Condition) -> ColumnElement:
        """One condition of the closed set (indicator_plans.CONDITIONS) as SQL."""
        key, value = item
        if key == "outcome":
            return events.c.outcome.in_([Outcome(v) for v in value])
        if key in ("compound", "crisis"):
            return events.c[key] == value
        if key == "domains_all":
            return and_(*(self.has_domain(code) for code in value))
        if key == "domains_any":
            return or_(*(self.has_domain(code) for code in value))
        if key == "local_windows_at_least":
            return self.windows_count("local") >= value
        if key == "local_window_kinds_at_least":
            return self.windows_count("kinds") >= value
        if key == "local_window_kinds_any":
            return self.windows_count(f"k{self.kind_sets.index(value)}") == 1
        raise ValueError(f"not a condition of the closed set: {key}")

    def matches(self, selection: Selection) -> ColumnElement:
        return and_(*(self.condition(item) for item in selection.conditions))


def daily_tallies(connection, municipality: str, selections: Sequence[Selection], since: datetime,
                  until: datetime, local: Mapping[str, str]) -> Dict[date, Tally]:
    """For each day in [since, until): how many of the municipality's events have each pattern
    of membership in `selections`. `local` maps the municipality's own window ids to their
    kinds, from the directory in service."""
    scope = and_(events.c.municipality == municipality, events.c.hour >= since, events.c.hour < until)
    facts = _Facts(selections, local, scope)
    flags = [case((facts.matches(s), 1), else_=0).label(f"f{i}") for i, s in enumerate(selections)]
    inner = (select(_day(events.c.hour, connection.dialect.name).label("day"), *flags)
             .select_from(facts.joined()).where(scope).subquery())
    columns = [inner.c[f"f{i}"] for i in range(len(selections))]
    query = select(inner.c.day, *columns, func.count()).group_by(inner.c.day, *columns)
    tallies: Dict[date, Tally] = defaultdict(Counter)
    for day, *rest in connection.execute(query):
        *bits, number = rest
        tallies[date.fromisoformat(str(day)[:10])][tuple(bool(b) for b in bits)] += int(number)
    return dict(tallies)


def first_day(connection, municipality: str) -> Optional[date]:
    """The day of the municipality's first event: months before it show as not recorded."""
    first = connection.execute(select(func.min(events.c.hour)).where(events.c.municipality == municipality)).scalar()
    if first is None:
        return None
    return first.date() if isinstance(first, datetime) else date.fromisoformat(str(first)[:10])
