"""Loads and validates knowledge/*.yml; an invalid entry stops start-up with a precise message."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Dict, List, Mapping, Optional

import yaml

from bot.knowledge.model import ANYONE, CARER, Department, Directory, Eligibility, Municipality, Window
from bot.knowledge.sources import SEED_LINE, is_seed_line, staff_confirmation, today_in_japan
from bot.paths import KNOWLEDGE_DIR
from bot.people import AGE_GROUPS, UNKNOWN_AGE
from bot.taxonomy import load_taxonomy

NATIONAL_FILE = "national_crisis_lines.yml"
ROUTING_FILE = "routing.yml"
NOT_MUNICIPALITIES = {"taxonomy.yml", NATIONAL_FILE, ROUTING_FILE}
# A number, and the extension when the seed prints one (「内線 231」「（内 292）」「（277）」 → " 内線231").
_PHONE = re.compile(r"^#?[0-9][0-9-]*( 内線[0-9]+)?$")
_SOURCE = SEED_LINE
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# The demand log keeps window ids in a 64-character column (bot/demand/schema.py).
WINDOW_ID_LIMIT = 64
_ELIGIBILITY_FIELDS = ("ages", "serves", "residents", "description", "source")
_AGES = tuple(group for group in AGE_GROUPS if group != UNKNOWN_AGE)
# Facts of a window that may carry a source of their own (`phone_source: ...`), when they were
# provided later than the window's own `source`: by a staff member who asked the department
# (「担当課確認 YYYY-MM-DD（職員名）」) or from another seed line.
SOURCED_FIELDS = ("name", "kind", "domains", "phone", "hours", "place", "helps_with", "what_to_say")
SOURCE_SUFFIX = "_source"
# How the staff pages name each field, so the form shows the check's own message in Japanese.
FIELD_LABELS = {
    "id": "ID", "name": "名称", "kind": "種類", "domains": "分野", "phone": "電話番号", "hours": "受付時間",
    "place": "場所", "helps_with": "何をしてくれるか", "what_to_say": "伝えること", "source": "出典",
    "last_verified": "最終確認日", "eligibility": "対象",
    **{f"{field}{SOURCE_SUFFIX}": f"{label}の出典" for field, label in (
        ("name", "名称"), ("kind", "種類"), ("domains", "分野"), ("phone", "電話番号"), ("hours", "受付時間"),
        ("place", "場所"), ("helps_with", "何をしてくれるか"), ("what_to_say", "伝えること"))},
}
_SOURCE_FORMS_JA = "種の行（例: 001_ac5ac4c6f713267e.txt:177）か「担当課確認 2026-11-20（職員名）」の形"


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


class KnowledgeError(ValueError):
    """Names the file, the entry and the field, so a trainer can fix it in one go. `ja` says the
    same in Japanese for the staff pages (bot/staff/directory_form.py)."""

    def __init__(self, file: str, entry: str, field: str, problem: str, ja: Optional[str] = None) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        self.ja = ja or f"{field_label(field)}の値が正しくありません（{problem}）。"
        super().__init__(f"{file}: {entry}: field '{field}': {problem}")


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.taxonomy = load_taxonomy()

    def fail(self, entry: str, field: str, problem: str, ja: Optional[str] = None) -> None:
        raise KnowledgeError(self.file, entry, field, problem, ja)

    def text(self, raw: dict, entry: str, field: str, required: bool = True) -> Optional[str]:
        value = raw.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(entry, field, "must be non-empty text" + ("" if required else " or null"),
                      f"{field_label(field)}を入力してください。" if required
                      else f"{field_label(field)}は文字で書くか、空欄にしてください。")
        return value.strip()

    def phone(self, raw: dict, entry: str, field: str = "phone") -> Optional[str]:
        value = raw.get(field)
        if value is None:
            return None
        if not isinstance(value, str) or not _PHONE.match(value):
            self.fail(entry, field, f"must be digits and hyphens (e.g. \"0123-33-3131\"), optionally \" 内線123\", or null, not {value!r}",
                      f"電話番号は半角の数字とハイフンで書いてください（例: 0123-33-3131、内線は「0123-33-3131 内線123」）。"
                      f"「{value}」は使えません。")
        return value

    def source(self, raw: dict, entry: str, required: bool = True, field: str = "source",
               staff: bool = False) -> Optional[str]:
        """A seed line; where `staff` is allowed, also a staff confirmation (bot/knowledge/sources.py)."""
        value = raw.get(field)
        if value is None and not required:
            return None
        if is_seed_line(value) or (staff and staff_confirmation(value) is not None):
            return value
        if staff:
            self.fail(entry, field, f"must be 'SEED_FILE:LINE' (e.g. \"001_ac5ac4c6f713267e.txt:177\") or "
                                    f"'担当課確認 YYYY-MM-DD（STAFF NAME）' on a day not in the future, not {value!r}",
                      f"{field_label(field)}は{_SOURCE_FORMS_JA}で書いてください（確認日は今日まで、職員名に括弧は使えません）。"
                      f"「{value}」は使えません。")
        self.fail(entry, field, f"must be 'SEED_FILE:LINE' (e.g. \"001_ac5ac4c6f713267e.txt:177\"), not {value!r}",
                  f"{field_label(field)}は種の行（例: 001_ac5ac4c6f713267e.txt:177）で書いてください。「{value}」は使えません。")

    def last_verified(self, raw: dict, entry: str) -> Optional[date]:
        """The day the whole entry was last confirmed true: 'YYYY-MM-DD', not in the future."""
        value = raw.get("last_verified")
        if value is None:
            return None
        day = value if isinstance(value, date) else None
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                day = None
        if day is None or day > today_in_japan():
            self.fail(entry, "last_verified", f"must be a date 'YYYY-MM-DD' not in the future, not {value!r}",
                      f"最終確認日は 2026-11-20 のように「年-月-日」で、今日までの日付を書いてください。「{value}」は使えません。")
        return day

    def fact_sources(self, raw: dict, entry: str) -> tuple:
        """`<field>_source` of the facts given a source of their own, each with its fact present."""
        sources = []
        for key in raw:
            if not isinstance(key, str) or not key.endswith(SOURCE_SUFFIX):
                continue
            field = key[:-len(SOURCE_SUFFIX)]
            if field not in SOURCED_FIELDS:
                self.fail(entry, key, f"unknown field; a source of its own is known for {', '.join(SOURCED_FIELDS)}",
                          f"「{key}」という項目はありません。")
            value = self.source(raw, entry, field=key, staff=True)
            if raw.get(field) in (None, "", []):
                self.fail(entry, key, f"names the source of '{field}', which is empty",
                          f"{field_label(field)}が空なのに、その出典が書かれています。")
            sources.append((field, value))
        # In the fields' own order, so two files saying the same thing load equal (HSDS round trip).
        return tuple(sorted(sources, key=lambda pair: SOURCED_FIELDS.index(pair[0])))

    def window_id(self, raw: dict, label: str, code: str) -> str:
        value = raw.get("id")
        if not isinstance(value, str) or not value.startswith(f"{code}_") or not _CODE.match(value) \
                or len(value) > WINDOW_ID_LIMIT:
            self.fail(label, "id", f"must start with '{code}_' and be at most {WINDOW_ID_LIMIT} lowercase letters, "
                                   f"digits and '_', not {value!r}",
                      f"IDは「{code}_」で始まる半角英小文字・数字・_ の{WINDOW_ID_LIMIT}文字以内にしてください"
                      f"（例: {code}_kosodate_soudan）。「{value}」は使えません。")
        return value

    def eligibility(self, raw: dict, entry: str, window_source: str) -> Eligibility:
        value = raw.get("eligibility")
        if value is None:
            return ANYONE
        if not isinstance(value, dict):
            self.fail(entry, "eligibility", f"must be a mapping with {', '.join(_ELIGIBILITY_FIELDS)}")

        def fail(field: str, problem: str) -> None:
            self.fail(entry, f"eligibility.{field}", problem)

        unknown = [key for key in value if key not in _ELIGIBILITY_FIELDS]
        if unknown:
            fail(str(unknown[0]), f"unknown field; known: {', '.join(_ELIGIBILITY_FIELDS)}")
        ages = value.get("ages") or []
        if not isinstance(ages, list) or any(age not in _AGES for age in ages):
            fail("ages", f"must be a list of age groups ({', '.join(_AGES)}), not {ages!r}")
        serves = value.get("serves")
        if serves not in (None, CARER):
            fail("serves", f"must be \"{CARER}\" or absent, not {serves!r}")
        residents = value.get("residents", True)
        if not isinstance(residents, bool):
            fail("residents", f"must be true or false, not {residents!r}")
        description = value.get("description")
        if not isinstance(description, str) or not description.strip():
            fail("description", "must say, in the seed's words, who the window serves")
        # Who a window serves is read from the seed its own facts come from, never from a file of ours.
        seed = window_source.rsplit(":", 1)[0]
        source = value.get("source")
        if not isinstance(source, str) or not _SOURCE.match(source) or source.rsplit(":", 1)[0] != seed \
                or not seed.endswith(".txt"):
            fail("source", f"must be a line of the window's own seed ('{seed}:LINE'), not {source!r}")
        return Eligibility(tuple(ages), serves, residents, description.strip(), source)

    def codes(self, raw: dict, entry: str, field: str, allowed: Dict[str, str]) -> tuple:
        value = raw.get(field)
        if not isinstance(value, list) or not value:
            self.fail(entry, field, "must be a non-empty list of codes", f"{field_label(field)}を1つ以上選んでください。")
        unknown = [code for code in value if code not in allowed]
        if unknown:
            self.fail(entry, field, f"unknown code(s) {unknown}; known: {', '.join(allowed)}",
                      f"{field_label(field)}に知らないコード {unknown} があります。")
        if len(set(value)) != len(value):
            self.fail(entry, field, f"names a code twice: {value}", f"{field_label(field)}に同じものが2回あります。")
        return tuple(value)


def _read_yaml(name: str, text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise KnowledgeError(name, "(file)", "(yaml)", f"not valid YAML: {error}",
                             "YAMLとして読めません。ファイルの書き方を確かめてください。") from None


def load_municipality(path: Path, text: Optional[str] = None) -> Municipality:
    """The municipality of `path`; `text` checks what the file would hold instead (the staff
    pages check a proposed change with exactly this code before it is staged or written)."""
    check = _Checker(path.name)
    raw = _read_yaml(path.name, path.read_text(encoding="utf-8") if text is None else text)
    if not isinstance(raw, dict) or not isinstance(raw.get("municipality"), dict):
        check.fail("(file)", "municipality", "the file needs a 'municipality' mapping")
    head = raw["municipality"]
    code = head.get("code")
    if not isinstance(code, str) or not _CODE.match(code) or code != path.stem:
        check.fail("municipality", "code", f"must be the file name without .yml ('{path.stem}'), not {code!r}")
    name = check.text(head, "municipality", "name")
    prefecture = check.text(head, "municipality", "prefecture")
    department_raw = head.get("department") or {}
    if not isinstance(department_raw, dict):
        check.fail("municipality", "department", "must be a mapping with name, phone, source")
    department = Department(
        name=check.text(department_raw, "municipality.department", "name", required=False),
        phone=check.phone(department_raw, "municipality.department"),
        source=check.source(department_raw, "municipality.department", required=False),
    )
    windows_raw = raw.get("windows")
    if not isinstance(windows_raw, list) or not windows_raw:
        check.fail("(file)", "windows", "needs at least one window")
    windows: List[Window] = []
    for index, entry_raw in enumerate(windows_raw):
        label = f"windows[{index}]"
        if not isinstance(entry_raw, dict):
            check.fail(label, "(entry)", "must be a mapping")
        window_id = check.window_id(entry_raw, label, code)
        label = f"window '{window_id}'"
        kind = entry_raw.get("kind")
        if kind not in check.taxonomy.window_kinds:
            check.fail(label, "kind", f"unknown kind {kind!r}; known: {', '.join(check.taxonomy.window_kinds)}",
                       "種類を一覧から選んでください。")
        # A window the municipality's staff added has no seed line: its source is their confirmation.
        source = check.source(entry_raw, label, staff=True)
        windows.append(
            Window(
                id=window_id,
                name=check.text(entry_raw, label, "name"),
                kind=kind,
                domains=check.codes(entry_raw, label, "domains", check.taxonomy.domains),
                phone=check.phone(entry_raw, label),
                hours=check.text(entry_raw, label, "hours", required=False),
                place=check.text(entry_raw, label, "place", required=False),
                helps_with=check.text(entry_raw, label, "helps_with"),
                what_to_say=check.text(entry_raw, label, "what_to_say"),
                source=source,
                municipality=code,
                eligibility=check.eligibility(entry_raw, label, source),
                fact_sources=check.fact_sources(entry_raw, label),
                last_verified=check.last_verified(entry_raw, label),
            )
        )
    return Municipality(code, name, prefecture, department, tuple(windows), path.name)


def load_crisis_lines(path: Path) -> tuple:
    check = _Checker(path.name)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = []
    for index, entry in enumerate(raw.get("lines") or []):
        label = f"lines[{index}] '{entry.get('id')}'"
        purposes = entry.get("for") or []
        domains = tuple(p for p in purposes if p in check.taxonomy.domains)
        lines.append(
            Window(
                id=check.text(entry, label, "id"),
                name=check.text(entry, label, "name"),
                kind="crisis_line",
                domains=domains,
                phone=check.phone(entry, label),
                hours=check.text(entry, label, "hours", required=False),
                place=None,
                helps_with=check.text(entry, label, "helps_with"),
                what_to_say=check.text(entry, label, "what_to_say"),
                source=check.source(entry, label),
                municipality="national",
                for_crisis="crisis" in purposes,
                hours_verified=entry.get("verified") is True,
            )
        )
    if not lines:
        check.fail("(file)", "lines", "needs at least one crisis line")
    return tuple(lines)


def load_directory(directory: Path = KNOWLEDGE_DIR, replaced: Optional[Mapping[str, str]] = None) -> Directory:
    """Every file of `directory`, checked; `replaced` maps a file name to the text it would hold
    (a staged change is checked as `python -m bot.knowledge check` would check it once written)."""
    replaced = dict(replaced or {})
    municipalities: Dict[str, Municipality] = {}
    crisis_lines = load_crisis_lines(directory / NATIONAL_FILE)
    by_id: Dict[str, Window] = {line.id: line for line in crisis_lines}
    for path in sorted(directory.glob("*.yml")):
        if path.name in NOT_MUNICIPALITIES:
            continue
        municipality = load_municipality(path, replaced.get(path.name))
        municipalities[municipality.code] = municipality
        for window in municipality.windows:
            if window.id in by_id:
                raise KnowledgeError(path.name, f"window '{window.id}'", "id", "is used twice in the directory",
                                     f"ID「{window.id}」はすでにほかの窓口で使われています。別のIDにしてください。")
            by_id[window.id] = window
    # Imported here: the preferences' checks raise this module's KnowledgeError.
    from bot.knowledge.routing_preferences import load_routing_preferences

    routing = load_routing_preferences(directory / ROUTING_FILE, (line.id for line in crisis_lines))
    return Directory(municipalities, crisis_lines, by_id, routing)
