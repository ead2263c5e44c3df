"""Dashboard figures from the demand log, with small counts protected against differencing.

Japan's rule for published health statistics (NDB): no count from 1 to 9 may be shown, nor
worked back from what is shown. The method here, in four steps:

1. Whole weeks only. A period is widened to whole weeks (Monday to Sunday, Japan time) and
   only weeks that are over are counted, so two periods differ by whole weeks, and reloading
   the page during a week never shows that week growing by a conversation or two.
2. Primary suppression. A count from 1 to threshold-1 of one week shows as 「10未満」. On the
   all-municipalities view a week's count is also a sum over municipalities, each of which
   can be shown alone; secondary suppression withholds it (「―」) unless the municipalities
   with a small count in it are at least two and their small counts add to more than their
   number and less than their number × (threshold-1) — otherwise subtracting the shown
   municipalities would give a small count exactly.
3. Complements. A count shown beside the count it is part of gives away their difference:
   the concerns and the compound rate give the concerns that are not compound; the concerns and
   a domain's cell give the concerns without that domain (the same for a window). Those
   differences are counted too (per municipality, so step 2 applies to them) and a cell is shown
   only when its complements are clear as well.
4. Totals from clear cells only. Every other figure (a period's total, a row or column
   total, a rate) is a sum of week cells; it is shown only when none of them is suppressed,
   and is 「10未満」 or 「―」 otherwise. So anything that can be computed from the page —
   a total minus its rows, one period minus another, a municipality minus the rest, the
   concerns minus a domain — is a sum of counts that are each 0 or at least the threshold.

Not covered: differences between the combination rows and the domain rows (a domain's count
minus the shown combinations that contain it).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot.demand.event import JST
from bot.demand.weekly import (Cell, Filters, WeeklyCells, by_combination, by_domain, by_window,
                               concerns_without_domain, concerns_without_window, domains_of, figures,
                               first_hour)
from bot.taxonomy import load_taxonomy

# A figure shown (as a count or through a rate) together with the figure it is part of, and
# the figure counting their difference.
FIGURE_COMPLEMENTS = {"compound": "single"}
SMALL = "10未満"
HIDDEN = "―"
WEEK = timedelta(days=7)
NO_CELL = Cell()


class BadPeriod(ValueError):
    """A date the staff member typed that cannot be read: the message says how to write it."""


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_day(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise BadPeriod("日付は 2026-11-16 のように「年-月-日」で入力してください。") from None


@dataclass(frozen=True)
class Period:
    """Whole weeks, first and last given by their Mondays."""
    first: date
    last: date

    @property
    def weeks(self) -> List[date]:
        return [self.first + i * WEEK for i in range((self.last - self.first) // WEEK + 1)]

    @property
    def sunday(self) -> date:
        return self.last + timedelta(days=6)

    def filters(self, municipality: Optional[str]) -> Filters:
        since = datetime.combine(self.first, datetime.min.time())
        return Filters(since=since, until=since + len(self.weeks) * WEEK, municipality=municipality)


def this_monday() -> date:
    return monday_of(datetime.now(JST).date())


def resolve_period(since: Optional[date], until: Optional[date], earliest: Optional[date],
                   current_monday: date) -> Optional[Period]:
    """The asked dates clamped to the weeks that have data and are over, then widened to whole
    weeks; None when no such week is left. Far dates (0001-01-01, 9999-12-31) are clamped
    before any arithmetic, so they cannot overflow."""
    if since and until and since > until:
        raise BadPeriod("開始日が終了日より後になっています。")
    latest = current_monday - WEEK
    if earliest is None or earliest > latest:
        return None
    first = monday_of(max(since, earliest)) if since else earliest
    last = monday_of(min(until, latest + timedelta(days=6))) if until else latest
    return Period(first, last) if first <= last else None


class Disclosure:
    def __init__(self, threshold: int, pooled: bool) -> None:
        self.threshold = threshold
        self.pooled = pooled  # all municipalities: each week is a sum of ones that can be shown alone

    def is_small(self, count: int) -> bool:
        return 0 < count < self.threshold

    def is_clear(self, cell: Cell) -> bool:
        if cell.total == 0:
            return True
        if self.is_small(cell.total):
            return False
        if self.pooled and not self._parts_protected(cell):
            return False
        return all(self.is_clear(complement) for complement in cell.complements)

    def _parts_protected(self, cell: Cell) -> bool:
        parts, total = cell.small_parts, cell.small_sum
        if parts == 0:
            return True
        # One small part is the difference itself; several are pinned down only when all are
        # 1 or all are threshold-1.
        return parts >= 2 and parts < total < parts * (self.threshold - 1)

    def show(self, cells: Iterable[Cell]) -> str:
        cells = list(cells)
        total = sum(c.total for c in cells)
        if all(self.is_clear(c) for c in cells):
            return str(total)
        return SMALL if self.is_small(total) else HIDDEN

    def clear_total(self, cells: Iterable[Cell]) -> Optional[int]:
        cells = list(cells)
        return sum(c.total for c in cells) if all(self.is_clear(c) for c in cells) else None


@dataclass
class Board:
    disclosure: Disclosure
    period: Optional[Period]
    figures: WeeklyCells = field(default_factory=dict)
    domains: WeeklyCells = field(default_factory=dict)
    windows: WeeklyCells = field(default_factory=dict)
    combinations: WeeklyCells = field(default_factory=dict)
    # Concerns without each domain / window, per week (step 3 of the module's method).
    without_domain: WeeklyCells = field(default_factory=dict)
    without_window: WeeklyCells = field(default_factory=dict)
    labels: Dict[str, str] = field(default_factory=lambda: load_taxonomy().domains)

    @property
    def threshold(self) -> int:
        return self.disclosure.threshold

    @property
    def weeks(self) -> List[date]:
        return self.period.weeks if self.period else []

    @property
    def domain_codes(self) -> List[str]:
        return list(load_taxonomy().domain_codes)

    def _cells(self, table: WeeklyCells, key: str, weeks: Optional[Sequence[date]] = None) -> List[Cell]:
        cells = []
        for week in self.weeks if weeks is None else weeks:
            cell = table.get((key, week), NO_CELL)
            complement = self._complement(table, key, week)
            cells.append(replace(cell, complements=(complement,)) if cell.total and complement else cell)
        return cells

    def _complement(self, table: WeeklyCells, key: str, week: date) -> Optional[Cell]:
        if table is self.domains:
            return self.without_domain.get((key, week), NO_CELL)
        if table is self.windows:
            return self.without_window.get((key, week), NO_CELL)
        if table is self.figures and key in FIGURE_COMPLEMENTS:
            return self.figures.get((FIGURE_COMPLEMENTS[key], week), NO_CELL)
        return None

    def cell(self, domain: str, week: date) -> str:
        return self.disclosure.show(self._cells(self.domains, domain, [week]))

    def chart_value(self, domain: str, week: date) -> Optional[int]:
        return self.disclosure.clear_total(self._cells(self.domains, domain, [week]))

    def domain_total(self, domain: str) -> str:
        return self.disclosure.show(self._cells(self.domains, domain))

    def week_total(self, week: date) -> str:
        return self.disclosure.show(c for d in self.domain_codes for c in self._cells(self.domains, d, [week]))

    def grand_total(self) -> str:
        return self.disclosure.show(c for d in self.domain_codes for c in self._cells(self.domains, d))

    def figure(self, name: str) -> str:
        return self.disclosure.show(self._cells(self.figures, name))

    def rate(self, part: str, whole: str) -> str:
        numerator = self.disclosure.clear_total(self._cells(self.figures, part))
        denominator = self.disclosure.clear_total(self._cells(self.figures, whole))
        if numerator is None or not denominator:
            return HIDDEN
        return f"{100 * numerator / denominator:.0f}%"

    def _ranked(self, table: WeeklyCells, limit: int) -> List[Tuple[str, str]]:
        """Shown counts largest first; suppressed ones after them in code order, so a row's
        place never hints at a count the row does not show."""
        keys = sorted({key for key, _ in table})
        rows = [(key, self.disclosure.clear_total(self._cells(table, key))) for key in keys]
        rows = [(key, total) for key, total in rows if total != 0]
        clear = sorted(((k, t) for k, t in rows if t is not None), key=lambda row: (-row[1], row[0]))
        hidden = [(k, t) for k, t in rows if t is None]
        return [(key, self.disclosure.show(self._cells(table, key))) for key, _ in (clear + hidden)[:limit]]

    def window_rows(self, limit: int = 15) -> List[Tuple[str, str]]:
        return self._ranked(self.windows, limit)

    def combination_rows(self, limit: int = 10) -> List[Tuple[Tuple[str, ...], str]]:
        return [(domains_of(int(mask)), shown) for mask, shown in self._ranked(self.combinations, limit)]


def build_board(engine, municipality: Optional[str], since: Optional[date], until: Optional[date],
                threshold: int = 10, current_monday: Optional[date] = None) -> Board:
    """Blocks on the database: called in the staff query pool (bot/staff/offloop.py)."""
    disclosure = Disclosure(threshold, pooled=municipality is None)
    with engine.connect() as connection:
        first = first_hour(connection)
        period = resolve_period(since, until, monday_of(first.date()) if first else None,
                                current_monday or this_monday())
        if period is None:
            return Board(disclosure, None)
        filters = period.filters(municipality)
        return Board(
            disclosure, period,
            figures=figures(connection, filters, threshold),
            domains=by_domain(connection, filters, threshold),
            windows=by_window(connection, filters, threshold),
            combinations=by_combination(connection, filters, threshold),
            without_domain=concerns_without_domain(connection, filters, threshold),
            without_window=concerns_without_window(connection, filters, threshold),
        )


def csv_rows(board: Board) -> List[List[str]]:
    """The export: the same protected figures the page shows, never the raw counts."""
    codes = board.domain_codes
    lines = [["週（月曜）"] + [f"{board.labels[c]}（{c}）" for c in codes] + ["合計"]]
    for week in board.weeks:
        lines.append([week.isoformat()] + [board.cell(c, week) for c in codes] + [board.week_total(week)])
    lines.append(["合計"] + [board.domain_total(c) for c in codes] + [board.grand_total()])
    return lines

