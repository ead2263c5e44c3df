"""What to check next in a municipality's directory, the windows residents are sent to most first.

Demand is the demand log's window ids (codes only, never a resident's words) over the last 52
finished weeks: like the dashboard, the current week is left out, so the order does not move
with each conversation. Counts from 1 to threshold-1 show as 「10未満」 and are ranked together,
so neither a count nor the order of two small ones can be read off the page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import and_, func, select

from bot.demand.schema import demand_event_windows, demand_events
from bot.knowledge.model import Municipality, Window
from bot.staff.statistics import SMALL, this_monday

WEEKS = 52
STALE_AFTER_DAYS = 365  # Inform USA's standard: every record verified at least once a year


def referral_counts(engine, window_ids: Iterable[str], until: Optional[date] = None, weeks: int = WEEKS
                    ) -> Dict[str, int]:
    """How many concerns were referred to each window, over the weeks before `until` (a Monday)."""
    ids = list(window_ids)
    if not ids:
        return {}
    end = datetime.combine(until or this_monday(), datetime.min.time())
    start = end - timedelta(weeks=weeks)
    query = (select(demand_event_windows.c.window_id, func.count(func.distinct(demand_event_windows.c.event_id)))
             .join(demand_events, demand_events.c.id == demand_event_windows.c.event_id)
             .where(and_(demand_event_windows.c.window_id.in_(ids), demand_events.c.hour >= start,
                         demand_events.c.hour < end))
             .group_by(demand_event_windows.c.window_id))
    with engine.connect() as connection:
        return {window_id: count for window_id, count in connection.execute(query).all()}


def shown_count(count: int, threshold: int) -> str:
    if 0 < count < threshold:
        return SMALL
    return str(count)


def _band(count: int, threshold: int) -> int:
    """The count as far as the page may order by it: every small count is one band."""
    return count if count >= threshold else (1 if count > 0 else 0)


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


def todo_list(municipality: Municipality, counts: Dict[str, int], threshold: int, today: date) -> List[Todo]:
    """Windows missing a phone or hours, or not verified in 12 months, most referred first."""
    rows = []
    for position, window in enumerate(municipality.windows):
        found = reasons(window, today)
        if found:
            count = counts.get(window.id, 0)
            rows.append((-_band(count, threshold), position, Todo(window, shown_count(count, threshold), found)))
    return [todo for _, _, todo in sorted(rows, key=lambda row: row[:2])]


def summary(windows: Sequence[Window], today: date) -> Dict[str, int]:
    return {
        "windows": len(windows),
        "no_phone": sum(1 for w in windows if not w.phone),
        "no_hours": sum(1 for w in windows if not w.hours),
        "stale": sum(1 for w in windows if is_stale(w, today)),
    }
