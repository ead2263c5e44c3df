"""Dashboard figures from the demand log, with small cells suppressed.

Japan's rule for published health statistics (NDB): no cell from 1 to 9. Such a count shows
as 「10未満」, and a total or rate built from a suppressed cell is not shown either, so no
hidden cell can be worked back from what is shown.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Dict, List, Optional, Sequence, Tuple

from bot.demand.store import EventRow
from bot.taxonomy import load_taxonomy

SMALL = "10未満"
HIDDEN = "―"


def shown(count: int, threshold: int) -> str:
    return SMALL if 0 < count < threshold else str(count)


def is_suppressed(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def week_of(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


@dataclass
class Dashboard:
    threshold: int
    weeks: List[date]
    by_domain_week: Dict[str, Dict[date, int]]
    total_concerns: int
    compound: int
    crisis: int
    outcomes: Counter
    combinations: List[Tuple[Tuple[str, ...], int]]
    windows: List[Tuple[str, int]]
    labels: Dict[str, str] = field(default_factory=lambda: load_taxonomy().domains)

    def cell(self, count: int) -> str:
        return shown(count, self.threshold)

    def rate(self, part: int, whole: int) -> str:
        if whole == 0:
            return HIDDEN
        if is_suppressed(part, self.threshold) or is_suppressed(whole, self.threshold):
            return HIDDEN
        return f"{100 * part / whole:.0f}%"

    def domain_total(self, domain: str) -> str:
        counts = self.by_domain_week[domain].values()
        if any(is_suppressed(c, self.threshold) for c in counts):
            return HIDDEN
        return self.cell(sum(counts))

    def week_total(self, week: date) -> str:
        counts = [self.by_domain_week[d].get(week, 0) for d in self.by_domain_week]
        if any(is_suppressed(c, self.threshold) for c in counts):
            return HIDDEN
        return self.cell(sum(counts))


def build_dashboard(rows: Sequence[EventRow], threshold: int = 10) -> Dashboard:
    codes = load_taxonomy().domain_codes
    concerns = [r for r in rows if r.outcome in ("referred", "crisis")]
    weeks = sorted({week_of(r.hour) for r in rows})
    by_domain_week: Dict[str, Dict[date, int]] = {code: {} for code in codes}
    for row in concerns:
        for domain in row.domains:
            week = week_of(row.hour)
            by_domain_week[domain][week] = by_domain_week[domain].get(week, 0) + 1
    combinations = Counter(r.domains for r in concerns if len(r.domains) >= 2)
    windows = Counter(w for r in concerns for w in r.window_ids)
    return Dashboard(
        threshold=threshold,
        weeks=weeks,
        by_domain_week=by_domain_week,
        total_concerns=len(concerns),
        compound=sum(1 for r in concerns if r.compound),
        crisis=sum(1 for r in rows if r.crisis),
        outcomes=Counter(r.outcome for r in rows),
        combinations=combinations.most_common(10),
        windows=windows.most_common(15),
    )


def csv_rows(board: Dashboard) -> List[List[str]]:
    """The export: the same suppressed figures the page shows, never the raw counts."""
    header = ["週（月曜）"] + [f"{board.labels[c]}（{c}）" for c in board.by_domain_week] + ["合計"]
    lines = [header]
    for week in board.weeks:
        lines.append([week.isoformat()] + [board.cell(board.by_domain_week[c].get(week, 0)) for c in board.by_domain_week]
                     + [board.week_total(week)])
    lines.append(["合計"] + [board.domain_total(c) for c in board.by_domain_week] + [HIDDEN])
    return lines


def parse_day(value: Optional[str]) -> Optional[datetime]:
    try:
        return datetime.strptime(value, "%Y-%m-%d") if value else None
    except ValueError:
        return None
