"""The window form on /staff/directory: what a staff member typed, turned into the keys to write.

Nothing here decides whether a value is valid: the change is written into the municipality's
file text and checked by the loader, exactly as `python -m bot.knowledge check` checks a file
(bot/staff/directory_changes.py), and the loader's own message is shown in Japanese next to
the field it names. This module only reads the form, says which keys changed, and names the
source of the facts the staff member gave.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.knowledge.loader import SOURCE_SUFFIX, SOURCED_FIELDS, KnowledgeError
from bot.knowledge.sources import CONFIRMED_PREFIX, confirmed_by_staff, today_in_japan

EDITABLE = ("name", "kind", "domains", "phone", "hours", "place", "helps_with", "what_to_say")
CONFIRMED, SEED = "confirmed", "seed"  # the two ways a staff member names a source
NOTHING_CHANGED = "変更がありません。変えたい項目を書き換えてから送ってください。"
GENERAL = ""  # an error not about one field of the form


class FormProblem(ValueError):
    """Something about the form as a whole (nothing changed), in Japanese."""


@dataclass
class Submitted:
    """The form as typed, kept to show it again with the check's message."""
    fields: Dict[str, Any]
    source_kind: str = CONFIRMED
    seed_line: str = ""
    confirmed_on: str = ""
    errors: Dict[str, str] = field(default_factory=dict)

    def source(self, staff_name: str) -> str:
        """The source the staff member named, as the file will hold it (checked by the loader)."""
        if self.source_kind == SEED:
            return self.seed_line
        try:
            return confirmed_by_staff(date.fromisoformat(self.confirmed_on), staff_name)
        except ValueError:
            return f"{CONFIRMED_PREFIX} {self.confirmed_on}（{staff_name}）"


def _line(value: Any) -> Optional[str]:
    text = str(value or "").replace("\r\n", "\n").strip()
    return text or None


def read(form: Mapping, adding: bool) -> Submitted:
    """The typed values; an empty box is null, as in the files."""
    fields: Dict[str, Any] = {key: _line(form.get(key)) for key in ("name", "hours", "place", "helps_with", "what_to_say")}
    fields["kind"] = _line(form.get("kind"))
    fields["domains"] = [str(code) for code in form.getall("domains", [])] if hasattr(form, "getall") \
        else list(form.get("domains") or [])
    # Full-width digits and hyphens typed on a Japanese keyboard are the same number.
    phone = _line(form.get("phone"))
    fields["phone"] = unicodedata.normalize("NFKC", phone) if phone else None
    fields["last_verified"] = _line(form.get("last_verified"))
    if adding:
        fields["id"] = _line(form.get("id"))
    kind = str(form.get("source_kind") or CONFIRMED)
    return Submitted(fields, SEED if kind == SEED else CONFIRMED, _line(form.get("seed_line")) or "",
                     _line(form.get("confirmed_on")) or "")


def from_file(values: Mapping[str, Any]) -> Submitted:
    """The form filled with a window as its file holds it, the confirmation dated today."""
    fields = {key: values.get(key) for key in EDITABLE}
    fields["last_verified"] = values.get("last_verified")
    return Submitted(fields, CONFIRMED, "", today_in_japan().isoformat())


def blank(code: str) -> Submitted:
    fields: Dict[str, Any] = {key: None for key in EDITABLE}
    fields.update(domains=[], id=f"{code}_", last_verified=today_in_japan().isoformat())
    return Submitted(fields, CONFIRMED, "", today_in_japan().isoformat())


def _same(key: str, old: Any, new: Any) -> bool:
    if key == "domains":
        return set(old or []) == set(new or []) and len(old or []) == len(new or [])
    return old == new


def _domains_in_file_order(old: List[str], new: List[str]) -> List[str]:
    """Kept codes where the file had them, new ones after (a diff of the one line that changed)."""
    return [code for code in old if code in new] + [code for code in new if code not in old]


def edit_values(submitted: Submitted, current: Mapping[str, Any], staff_name: str
                ) -> Tuple[Dict[str, Any], Dict[str, Any], Optional[str]]:
    """(keys to write, those keys as the file holds them, the source named) of an edit."""
    values: Dict[str, Any] = {}
    source = submitted.source(staff_name)
    named = False
    for key in EDITABLE:
        new, old = submitted.fields.get(key), current.get(key)
        if _same(key, old, new):
            continue
        if key == "domains" and isinstance(old, list) and isinstance(new, list):
            new = _domains_in_file_order(old, new)
        values[key] = new
        if key in SOURCED_FIELDS:
            # An emptied fact takes its source with it; a fact from the window's own source needs none.
            own = None if new in (None, []) or source == current.get("source") else source
            named = named or own is not None
            if own is not None or current.get(key + SOURCE_SUFFIX) is not None:
                values[key + SOURCE_SUFFIX] = own
    if not _same("last_verified", current.get("last_verified"), submitted.fields.get("last_verified")):
        values["last_verified"] = submitted.fields.get("last_verified")
    if not values:
        raise FormProblem(NOTHING_CHANGED)
    before = {key: current.get(key) for key in values}
    return values, before, source if named else None


def add_values(submitted: Submitted, staff_name: str) -> Tuple[Dict[str, Any], str]:
    """(keys of the new window, its source): the named source is the window's own."""
    values = {key: submitted.fields.get(key) for key in ("id", *EDITABLE, "last_verified")}
    source = submitted.source(staff_name)
    values["source"] = source
    return values, source


def form_field(error: KnowledgeError, file_name: str, window_id: Optional[str], index: Optional[int]) -> str:
    """Which box of the form the loader's message is about; GENERAL when none of this window's."""
    if error.file != file_name:
        return GENERAL
    if error.entry not in (f"window '{window_id}'", f"windows[{index}]"):
        return GENERAL
    name = error.field
    if name == "source" or name.endswith(SOURCE_SUFFIX):
        return "source"
    if name in (*EDITABLE, "last_verified", "id"):
        return name
    return GENERAL
