"""Weekly counts of the demand log, aggregated by the database (SQLite or PostgreSQL).

The dashboard never reads raw events: each query groups by municipality and week first, then
by week, and returns per week and key the total plus what disclosure control needs to know
about the municipalities inside it: how many of them hold a small count (1 to threshold-1)
and how much those small counts add up to (bot/staff/statistics.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Dict, Optional, Tuple

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.sql import ColumnElement

from bot.demand.event import Outcome
from bot.demand.schema import DOMAIN_CODES, demand_event_domains, demand_event_windows, demand_events

CONCERN_OUTCOMES = (Outcome.REFERRED, Outcome.CRISIS)
# "single" (concerns that are not compound) is never shown: the dashboard shows concerns and the
# compound rate, which give it away, so it must pass disclosure control like a shown count.
FIGURES = ("messages", "concerns", "compound", "single", "crisis", "handoff", "out_of_scope", "clarified")
# A set of domains as one integer: the same set gives the same number whatever order the
# database reads it in, in SQLite and PostgreSQL alike.
DOMAIN_BITS = {code: 1 << index for index, code in enumerate(DOMAIN_CODES)}


@dataclass(frozen=True)
class Cell:
    total: int = 0
    small_parts: int = 0
    small_sum: int = 0
    # Counts anyone can work out from this one and the figures shown beside it (concerns
    # without this domain, from the concerns and this domain): shown only if they are clear too.
    complements: Tuple["Cell", ...] = ()


@dataclass(frozen=True)
class Filters:
    since: datetime
    until: datetime
    municipality: Optional[str] = None


WeeklyCells = Dict[Tuple[str, date], Cell]


def domains_of(mask: int) -> Tuple[str, ...]:
    return tuple(code for code, bit in DOMAIN_BITS.items() if mask & bit)


def _week(column, dialect: str) -> ColumnElement:
    """The Monday starting the hour's week, as text 'YYYY-MM-DD' in both databases."""
    if dialect == "postgresql":
        return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD").label("week")
    return func.date(column, "weekday 0", "-6 days").label("week")


def _as_date(value) -> date:
    return date.fromisoformat(str(value)[:10])


def _where(filters: Filters):
    conditions = [demand_events.c.hour >= filters.since, demand_events.c.hour < filters.until]
    if filters.municipality:
        conditions.append(demand_events.c.municipality == filters.municipality)
    return and_(*conditions)


def _is_concern():
    return demand_events.c.outcome.in_(CONCERN_OUTCOMES)


def _count_if(condition) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def _folded(count: ColumnElement, threshold: int) -> Tuple[ColumnElement, ...]:
    """Over the municipalities of a week: the total, how many are small, what the small add to."""
    small = and_(count > 0, count < threshold)
    return func.sum(count), _count_if(small), func.sum(case((small, count), else_=0))


def _cell(total, parts, sums) -> Cell:
    return Cell(int(total or 0), int(parts or 0), int(sums or 0))


def _per_week(connection, inner, threshold: int) -> WeeklyCells:
    """Folds the per-municipality counts of `inner` (columns key, week, n) into weeks."""
    query = select(inner.c.key, inner.c.week, *_folded(inner.c.n, threshold)).group_by(inner.c.key, inner.c.week)
    return {(str(key), _as_date(week)): _cell(*sums) for key, week, *sums in connection.execute(query)}


def figures(connection, filters: Filters, threshold: int) -> WeeklyCells:
    """Messages, concerns, compound concerns, crisis and each other outcome, per week."""
    week = _week(demand_events.c.hour, connection.dialect.name)
    concern = _is_concern()
    conditions = {
        "messages": true(),
        "concerns": concern,
        "compound": and_(concern, demand_events.c.compound),
        "single": and_(concern, demand_events.c.compound.is_(False)),
        "crisis": demand_events.c.crisis,
        "handoff": demand_events.c.outcome == Outcome.HANDOFF,
        "out_of_scope": demand_events.c.outcome == Outcome.OUT_OF_SCOPE,
        "clarified": demand_events.c.outcome == Outcome.CLARIFIED,
    }
    per_municipality = (
        select(demand_events.c.municipality, week, *(_count_if(c).label(name) for name, c in conditions.items()))
        .where(_where(filters)).group_by(demand_events.c.municipality, week).subquery()
    )
    folded = [column for name in FIGURES for column in _folded(per_municipality.c[name], threshold)]
    query = select(per_municipality.c.week, *folded).group_by(per_municipality.c.week)
    cells: WeeklyCells = {}
    for week, *sums in connection.execute(query):
        for index, name in enumerate(FIGURES):
            cells[(name, _as_date(week))] = _cell(*sums[3 * index:3 * index + 3])
    return cells


def _by_concern_detail(connection, filters: Filters, threshold: int, table, key) -> WeeklyCells:
    week = _week(demand_events.c.hour, connection.dialect.name)
    inner = (
        select(key.label("key"), week, func.count().label("n"))
        .select_from(table.join(demand_events, demand_events.c.id == table.c.event_id))
        .where(and_(_where(filters), _is_concern()))
        .group_by(demand_events.c.municipality, week, key).subquery()
    )
    return _per_week(connection, inner, threshold)


def by_domain(connection, filters: Filters, threshold: int) -> WeeklyCells:
    return _by_concern_detail(connection, filters, threshold, demand_event_domains, demand_event_domains.c.domain)


def by_window(connection, filters: Filters, threshold: int) -> WeeklyCells:
    return _by_concern_detail(connection, filters, threshold, demand_event_windows, demand_event_windows.c.window_id)


def by_combination(connection, filters: Filters, threshold: int) -> WeeklyCells:
    """Compound concerns by their set of domains (the key is the set's DOMAIN_BITS mask)."""
    week = _week(demand_events.c.hour, connection.dialect.name)
    bit = case(DOMAIN_BITS, value=demand_event_domains.c.domain, else_=0)
    per_event = (
        select(demand_events.c.municipality, week, func.sum(bit).label("mask"))
        .select_from(demand_event_domains.join(demand_events, demand_events.c.id == demand_event_domains.c.event_id))
        .where(and_(_where(filters), _is_concern(), demand_events.c.compound))
        .group_by(demand_events.c.id, demand_events.c.municipality, week).subquery()
    )
    inner = (
        select(per_event.c.mask.label("key"), per_event.c.week, func.count().label("n"))
        .group_by(per_event.c.municipality, per_event.c.week, per_event.c.mask).subquery()
    )
    return _per_week(connection, inner, threshold)


def concerns_without(connection, filters: Filters, threshold: int, table, key) -> WeeklyCells:
    """Per week and key (a domain, a window): the concerns that do NOT have it, folded over the
    municipalities like every other cell. The dashboard shows the concerns and each key's count,
    so this difference is as visible as they are."""
    week = _week(demand_events.c.hour, connection.dialect.name)
    concerns = (
        select(demand_events.c.municipality, week, func.count().label("n"))
        .where(and_(_where(filters), _is_concern())).group_by(demand_events.c.municipality, week).subquery()
    )
    detail = (
        select(demand_events.c.municipality, week, key.label("key"), func.count().label("n"))
        .select_from(table.join(demand_events, demand_events.c.id == table.c.event_id))
        .where(and_(_where(filters), _is_concern()))
        .group_by(demand_events.c.municipality, week, key).subquery()
    )
    keys = select(detail.c.week, detail.c.key).distinct().subquery()
    inner = (
        select(keys.c.key, concerns.c.week, (concerns.c.n - func.coalesce(detail.c.n, 0)).label("n"))
        .select_from(
            concerns.join(keys, keys.c.week == concerns.c.week).outerjoin(detail, and_(
                # A conversation whose municipality was never given has none (NULL).
                detail.c.municipality.is_not_distinct_from(concerns.c.municipality), detail.c.week == concerns.c.week,
                detail.c.key == keys.c.key)))
        .subquery()
    )
    return _per_week(connection, inner, threshold)


def concerns_without_domain(connection, filters: Filters, threshold: int) -> WeeklyCells:
    return concerns_without(connection, filters, threshold, demand_event_domains, demand_event_domains.c.domain)


def concerns_without_window(connection, filters: Filters, threshold: int) -> WeeklyCells:
    return concerns_without(connection, filters, threshold, demand_event_windows, demand_event_windows.c.window_id)


def first_hour(connection) -> Optional[datetime]:
    return connection.execute(select(func.min(demand_events.c.hour))).scalar()
