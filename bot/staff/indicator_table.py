"""The indicators table: a plan's figures per month and fiscal year, small counts protected.

The dashboard's rules (bot/staff/statistics.py), applied to calendar months of one municipality:

1. Months that are over only (Japan time), and the week holding their last day too, so
   reloading never shows a month growing by a conversation or two, nor changing its mind. A
   fiscal year (年度) runs from April 1 to March 31; its total is the sum of its months.
2. Primary suppression: a count from 1 to threshold-1 shows as 「10未満」.
3. Weeks. The dashboard shows the same municipality by whole weeks (Monday to Sunday). A
   month is the sum of its days in each week it touches; the month minus its other weeks gives
   one of them, and a week the month shares with its neighbour, minus the month's days in it,
   gives the neighbour's — so from one month to the next every such piece can be worked out.
   A figure's month is a number only when each piece — its days in each week, and the
   neighbours' days in its first and last week — holds 0 or at least the threshold of it.
4. Complements. When one figure's events lie inside another's (8050 households inside all
   households), subtracting the shown counts gives the rest — also when several figures with
   no event in common lie inside one. Every such rest, in the month and in each piece of rule 3,
   must be 0 or at least the threshold; otherwise the figure taking part in most of the failing
   subtractions is 「―」 too, and the check runs again until none fails.
5. Totals and shares from clear cells only: a fiscal year's total is a number only when every
   month in it is; a share only when both its counts are.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from bot.demand.event import JST
from bot.knowledge import current_directory
from bot.staff.indicator_counts import Tally, daily_tallies, first_day
from bot.staff.indicator_plans import Indicator, Plan, Selection
from bot.staff.statistics import HIDDEN, SMALL

CLEAR, SMALL_CELL, HIDDEN_CELL = "clear", "small", "hidden"
DAY = timedelta(days=1)
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


class BadYear(ValueError):
    """A fiscal year with no finished month of records: the message lists the ones there are."""


def fiscal_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year: int) -> str:
    return f"{year}年度（令和{year - 2018}年度）" if year >= 2019 else f"{year}年度"


def months_of(year: int) -> List[date]:
    return [date(year + (month < 4), month, 1) for month in FISCAL_MONTHS]


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def week_parts(first: date) -> List[Tuple[date, date]]:
    """The month cut at every Monday, as [start, end) ranges: at each end the days it shares
    with a week of the month before or after, whole weeks in between."""
    end, parts, start = next_month(first), [], first
    while start < end:
        stop = min(start + (7 - start.weekday()) * DAY, end)
        parts.append((start, stop))
        start = stop
    return parts


def _monday(day: date) -> date:
    return day - day.weekday() * DAY


def _week_after(day: date) -> date:
    """The Monday after the week holding `day`."""
    return _monday(day) + 7 * DAY


def neighbour_days(first: date) -> List[Tuple[date, date]]:
    """The days of the months before and after that share the month's first and last week."""
    end = next_month(first)
    ranges = [(_monday(first), first), (end, _week_after(end - DAY))]
    return [(start, stop) for start, stop in ranges if start < stop]


def is_closed(first: date, today: date) -> bool:
    """The month is over, and so is the week holding its last day (rule 1)."""
    return _week_after(next_month(first) - DAY) <= today


def _sum(tallies: Mapping[date, Tally], start: date, end: date) -> Tally:
    total: Tally = Counter()
    day = start
    while day < end:
        total.update(tallies.get(day, {}))
        day += DAY
    return total


def _count(tally: Tally, figure: int) -> int:
    return sum(n for pattern, n in tally.items() if pattern[figure])


def _outside(tally: Tally, figure: int, family: Sequence[int]) -> int:
    return sum(n for pattern, n in tally.items() if pattern[figure] and not any(pattern[g] for g in family))


def _families(members: Sequence[int], disjoint, start: int = 0,
              chosen: Tuple[int, ...] = ()) -> Iterator[Tuple[int, ...]]:
    """Every non-empty set of members no two of which share an event."""
    for index in range(start, len(members)):
        member = members[index]
        if all(disjoint(member, other) for other in chosen):
            family = chosen + (member,)
            yield family
            yield from _families(members, disjoint, index + 1, family)


def _failing(pieces: Sequence[Tally], states: List[str], threshold: int) -> List[Tuple[int, ...]]:
    """The sets of shown figures inside another shown one whose rest is small in some piece.
    "Inside" and "share no event" are read from this month's events, not from the definitions:
    an attacker may know more about the month than the definitions say, never less."""
    whole = pieces[0]
    shown = [f for f, state in enumerate(states) if state == CLEAR and _count(whole, f)]

    def inside(g: int, f: int) -> bool:
        return not any(p[g] and not p[f] for p in whole)

    def disjoint(g: int, h: int) -> bool:
        return not any(p[g] and p[h] for p in whole)

    failing = []
    for f in shown:
        members = [g for g in shown if g != f and inside(g, f)]
        for family in _families(members, disjoint):
            if any(0 < _outside(piece, f, family) < threshold for piece in pieces):
                failing.append(family)
    return failing


def disclose(pieces: Sequence[Tally], size: int, threshold: int) -> List[str]:
    """The state of each of `size` figures in one month; `pieces` are the month's tallies, then
    those of the pieces of rule 3 (rules 2 to 4 of the module)."""
    whole, *weeks = pieces
    states = []
    for figure in range(size):
        if 0 < _count(whole, figure) < threshold:
            states.append(SMALL_CELL)
        elif any(0 < _count(week, figure) < threshold for week in weeks):
            states.append(HIDDEN_CELL)
        else:
            states.append(CLEAR)
    while True:
        failing = _failing(pieces, states, threshold)
        if not failing:
            return states
        votes = Counter(member for family in failing for member in family)
        states[max(votes, key=lambda member: (votes[member], member))] = HIDDEN_CELL


@dataclass(frozen=True)
class Month:
    first: date
    counted: bool  # over, and not before the municipality's first record

    @property
    def label(self) -> str:
        return f"{self.first.month}月"


@dataclass
class IndicatorTable:
    plan: Plan
    municipality_name: str
    fiscal_year: Optional[int]
    years: List[int]
    threshold: int
    months: List[Month] = field(default_factory=list)
    values: Dict[Tuple[int, date], int] = field(default_factory=dict)
    states: Dict[Tuple[int, date], str] = field(default_factory=dict)

    @property
    def figure_index(self) -> Dict[Selection, int]:
        return {selection: index for index, selection in enumerate(self.plan.figures)}

    @property
    def counted(self) -> List[Month]:
        return [m for m in self.months if m.counted]

    def _clear(self, figure: int, months: Sequence[Month]) -> Optional[int]:
        if all(self.states[(figure, m.first)] == CLEAR for m in months):
            return sum(self.values[(figure, m.first)] for m in months)
        return None

    def _count_text(self, figure: int, months: Sequence[Month]) -> str:
        clear = self._clear(figure, months)
        if clear is not None:
            return str(clear)
        total = sum(self.values[(figure, m.first)] for m in months)
        return SMALL if 0 < total < self.threshold else HIDDEN

    def _text(self, indicator: Indicator, months: Sequence[Month]) -> str:
        if not months:
            return ""
        index = self.figure_index
        if not indicator.is_share:
            return self._count_text(index[indicator.count], months)
        part = self._clear(index[indicator.share_of], months)
        whole = self._clear(index[indicator.share_among], months)
        if part is None or not whole:
            return HIDDEN
        return f"{100 * part / whole:.0f}%"

    def cell(self, indicator: Indicator, month: Month) -> str:
        return self._text(indicator, [month] if month.counted else [])

    def total(self, indicator: Indicator) -> str:
        return self._text(indicator, self.counted)

    @property
    def total_label(self) -> str:
        counted = self.counted
        if counted and counted[-1].first.month != 3:
            return f"年度計（{counted[-1].label}まで）"
        return "年度計"

    def rows(self) -> List[Tuple[str, List[str]]]:
        """The table as the page shows it and the CSV writes it: (kind, cells) per row."""
        rows = [("header", ["計画の文言", "計画の行", "窓口ナビの記録で数えるもの"]
                 + [m.label for m in self.months] + [self.total_label])]
        for group in self.plan.groups:
            supported = [i for i in group.indicators if i.supported]
            if not supported:
                continue
            rows.append(("group", [group.title + (f"（{group.line}行）" if group.line else "")]))
            for indicator in supported:
                rows.append(("indicator", [indicator.name, str(indicator.line), indicator.counts]
                             + [self.cell(indicator, m) for m in self.months] + [self.total(indicator)]))
        return rows

    def unsupported_rows(self) -> List[Tuple[str, List[str]]]:
        rows = [("header", ["計画の文言", "計画の行", "記録から数えられない理由"])]
        for indicator in self.plan.indicators:
            if not indicator.supported:
                rows.append(("indicator", [indicator.name, str(indicator.line), indicator.not_supported]))
        return rows


def csv_rows(table: IndicatorTable) -> List[List[str]]:
    """The export: the page's two tables, cell for cell."""
    year = fiscal_year_label(table.fiscal_year) if table.fiscal_year else "記録なし"
    lines = [[f"{table.municipality_name} {table.plan.title}（{table.plan.source}）", year], []]
    if table.fiscal_year:
        lines += [cells for _, cells in table.rows()]
    lines += [[], ["記録から数えられない指標"]] + [cells for _, cells in table.unsupported_rows()]
    return lines


def last_closed_month(today: date) -> date:
    month = today.replace(day=1)
    while not is_closed(month, today):
        month = (month - DAY).replace(day=1)
    return month


def available_years(first: Optional[date], today: date) -> List[int]:
    """Fiscal years holding at least one closed month of records."""
    last = last_closed_month(today)
    if first is None or first.replace(day=1) > last:
        return []
    return list(range(fiscal_year_of(first), fiscal_year_of(last) + 1))


def local_windows(municipality: str) -> Dict[str, str]:
    """The municipality's own windows → their kinds, from the directory in service."""
    found = current_directory().municipality(municipality)
    return {w.id: w.kind for w in found.windows} if found else {}


def build_indicator_table(engine, plan: Plan, fiscal_year: Optional[int], threshold: int = 10,
                          today: Optional[date] = None, local: Optional[Mapping[str, str]] = None) -> IndicatorTable:
    """Blocks on the database: called in the staff query pool (bot/staff/offloop.py)."""
    today = today or datetime.now(JST).date()
    local = dict(local) if local is not None else local_windows(plan.municipality)
    found = current_directory().municipality(plan.municipality)
    table = IndicatorTable(plan, found.name if found else plan.municipality, None, [], threshold)
    with engine.connect() as connection:
        first = first_day(connection, plan.municipality)
        table.years = available_years(first, today)
        if not table.years:
            if fiscal_year is not None:
                raise BadYear("この市区町村には、まだ集計の終わった月の記録がありません。")
            return table
        if fiscal_year is None:
            fiscal_year = table.years[-1]
        elif fiscal_year not in table.years:
            first_year, last_year = table.years[0], table.years[-1]
            raise BadYear(f"年度は {first_year} から {last_year} までの数字で指定してください。")
        start = first.replace(day=1)
        table.fiscal_year = fiscal_year
        table.months = [Month(m, start <= m and is_closed(m, today)) for m in months_of(fiscal_year)]
        counted = table.counted
        since = datetime.combine(_monday(counted[0].first), time())
        until = datetime.combine(_week_after(next_month(counted[-1].first) - DAY), time())
        tallies = daily_tallies(connection, plan.municipality, plan.figures, since, until, local)
    size = len(plan.figures)
    for month in counted:
        pieces = [_sum(tallies, month.first, next_month(month.first))]
        pieces += [_sum(tallies, start, end) for start, end in week_parts(month.first) + neighbour_days(month.first)]
        for figure, state in enumerate(disclose(pieces, size, threshold)):
            table.values[(figure, month.first)] = _count(pieces[0], figure)
            table.states[(figure, month.first)] = state
    return table
