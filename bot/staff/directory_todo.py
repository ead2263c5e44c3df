"""What to check next in a municipality's directory, the windows residents are sent to most first.

Demand is the dashboard's own figure for each window (the demand log's window ids, codes only,
never a resident's words) over the last 52 finished weeks, under the same disclosure control
(bot/staff/statistics.py): a window's total is shown, and ranked by, only when none of its
weeks holds a count from 1 to 9; otherwise it shows as 「10未満」 or 「―」 and is ranked after
the shown ones in the file's order, so a row's place never hints at a count the page does not
show, and the figures are the ones the dashboard shows for the same weeks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot.knowledge.model import Municipality, Window
from bot.staff.statistics import NO_CELL, Board, this_monday

WEEKS = 52
STALE_AFTER_DAYS = 365  # Inform USA's standard: every record verified at least once a year


def demand_period(current_monday: Optional[date] = None) -> Tuple[date, date]:
    """The 52 finished weeks before this one: their first Monday and last Sunday."""
    monday = current_monday or this_monday()
    return monday - timedelta(weeks=WEEKS), monday - timedelta(days=1)


@dataclass(frozen=True)
class Demand:
    total: Optional[int]  # None: withheld (a week in it holds a small count)
    shown: str


NO_DEMAND = Demand(0, "0")


def window_demand(board: Board, window_ids: Iterable[str]) -> Dict[str, Demand]:
    """Each window's referrals over the board's weeks, as the dashboard may show them."""
    demand = {}
    for window_id in window_ids:
        cells = [board.windows.get((window_id, week), NO_CELL) for week in board.weeks]
        demand[window_id] = Demand(board.disclosure.clear_total(cells), board.disclosure.show(cells))
    return demand


def is_stale(window: Window, today: date) -> bool:
    return window.last_verified is None or (today - window.last_verified).days > STALE_AFTER_DAYS


@dataclass(frozen=True)
class Todo:
    window: Window
    referrals: str
    reasons: Tuple[str, ...]


def reasons(window: Window, today: date) -> Tuple[str, ...]:
    found: List[str] = []
    if not window.phone:
        found.append("電話番号がない")
    if not window.hours:
        found.append("受付時間がない")
    if window.last_verified is None:
        found.append("確認日の記録がない")
    elif is_stale(window, today):
        found.append(f"最後の確認から12か月以上（{window.last_verified.isoformat()}）")
    return tuple(found)


def _rank(demand: Demand, position: int) -> Tuple[int, int, int]:
    if demand.total is None:
        return (1, 0, position)  # withheld: after every shown count, in the file's order
    if demand.total == 0:
        return (2, 0, position)
    return (0, -demand.total, position)


def todo_list(municipality: Municipality, demand: Dict[str, Demand], today: date) -> List[Todo]:
    """Windows missing a phone or hours, or not verified in 12 months, most referred first."""
    rows = []
    for position, window in enumerate(municipality.windows):
        found = reasons(window, today)
        if found:
            figure = demand.get(window.id, NO_DEMAND)
            rows.append((_rank(figure, position), Todo(window, figure.shown, found)))
    return [todo for _, todo in sorted(rows, key=lambda row: row[0])]


def summary(windows: Sequence[Window], today: date) -> Dict[str, int]:
    return {
        "windows": len(windows),
        "no_phone": sum(1 for w in windows if not w.phone),
        "no_hours": sum(1 for w in windows if not w.hours),
        "stale": sum(1 for w in windows if is_stale(w, today)),
    }
