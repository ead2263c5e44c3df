"""Where a fact of the directory comes from, written in one of two forms.

- A seed line, `SEED_FILE:LINE` ("001_ac5ac4c6f713267e.txt:177"): the public document the fact
  was read from.
- A staff confirmation, 「担当課確認 YYYY-MM-DD（職員名）」: the municipality's own staff asked the
  department on that day. The staff name is the account that proposed the change on /staff, so
  the database's record of the proposal and its approval can always be found from the file.

The staff pages write the second form; the loader (bot/knowledge/loader.py) accepts both where a
staff member may provide a fact, and only seed lines elsewhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Optional

SEED_LINE = re.compile(r"^[0-9A-Za-z_.-]+\.(txt|yml):[1-9][0-9]*$")
CONFIRMED_PREFIX = "担当課確認"
# The name: no brackets, no line break, no space at either end (it is written back as read).
_CONFIRMED = re.compile(r"^担当課確認 ([0-9]{4}-[0-9]{2}-[0-9]{2})（([^（）\s](?:[^（）\r\n]{0,62}[^（）\s])?)）$")
JST = timezone(timedelta(hours=9))  # the staff's own calendar
STAFF_NAME_LIMIT = 64  # bot/staff/accounts.py: a staff name is 1 to 64 characters


@dataclass(frozen=True)
class StaffConfirmation:
    day: date
    staff_name: str

    def __str__(self) -> str:
        return confirmed_by_staff(self.day, self.staff_name)


def today_in_japan() -> date:
    return datetime.now(JST).date()


def confirmed_by_staff(day: date, staff_name: str) -> str:
    return f"{CONFIRMED_PREFIX} {day.isoformat()}（{staff_name}）"


def is_seed_line(value: object) -> bool:
    return isinstance(value, str) and bool(SEED_LINE.match(value))


def staff_confirmation(value: object) -> Optional[StaffConfirmation]:
    """The confirmation written in `value`, or None when it is not one (a real day, not in the
    future in Japan, and a staff name without brackets or line breaks)."""
    if not isinstance(value, str):
        return None
    match = _CONFIRMED.match(value)
    if match is None:
        return None
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    if day > today_in_japan():
        return None
    return StaffConfirmation(day, match.group(2))


def seed_file(value: str) -> Optional[str]:
    """The seed file of a seed line; None for a staff confirmation."""
    return value.rsplit(":", 1)[0] if is_seed_line(value) else None
