"""Loads and validates knowledge/*.yml; an invalid entry stops start-up with a precise message."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bot.knowledge.model import ANYONE, CARER, Department, Directory, Eligibility, Municipality, Window
from bot.paths import KNOWLEDGE_DIR
from bot.people import AGE_GROUPS, UNKNOWN_AGE
from bot.taxonomy import load_taxonomy

NATIONAL_FILE = "national_crisis_lines.yml"
ROUTING_FILE = "routing.yml"
NOT_MUNICIPALITIES = {"taxonomy.yml", NATIONAL_FILE, ROUTING_FILE}
# A number, and the extension when the seed prints one (「内線 231」「（内 292）」「（277）」 → " 内線231").
_PHONE = re.compile(r"^#?[0-9][0-9-]*( 内線[0-9]+)?$")
_SOURCE = re.compile(r"^[0-9A-Za-z_.-]+\.(txt|yml):[1-9][0-9]*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_ELIGIBILITY_FIELDS = ("ages", "serves", "residents", "description", "source")
_AGES = tuple(group for group in AGE_GROUPS if group != UNKNOWN_AGE)


class KnowledgeError(ValueError):
    """Names the file, the entry and the field, so a trainer can fix it in one go."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file, self.entry, self.field = file, entry, field
        super().__init__(f"{file}: {entry}: field '{field}': {problem}")


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.taxonomy = load_taxonomy()

    def fail(self, entry: str, field: str, problem: str) -> None:
        raise KnowledgeError(self.file, entry, field, problem)

    def text(self, raw: dict, entry: str, field: str, required: bool = True) -> Optional[str]:
        value = raw.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(entry, field, "must be non-empty text" + ("" if required else " or null"))
        return value.strip()

    def phone(self, raw: dict, entry: str, field: str = "phone") -> Optional[str]:
        value = raw.get(field)
        if value is None:
            return None
        if not isinstance(value, str) or not _PHONE.match(value):
            self.fail(entry, field, f"must be digits and hyphens (e.g. \"0123-33-3131\"), optionally \" 内線123\", or null, not {value!r}")
        return value

    def source(self, raw: dict, entry: str, required: bool = True) -> Optional[str]:
        value = raw.get("source")
        if value is None and not required:
            return None
        if not isinstance(value, str) or not _SOURCE.match(value):
            self.fail(entry, "source", f"must be 'SEED_FILE:LINE' (e.g. \"001_ac5ac4c6f713267e.txt:177\"), not {value!r}")
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
            self.fail(entry, field, "must be a non-empty list of codes")
        unknown = [code for code in value if code not in allowed]
        if unknown:
            self.fail(entry, field, f"unknown code(s) {unknown}; known: {', '.join(allowed)}")
        return tuple(value)


def load_municipality(path: Path) -> Municipality:
    check = _Checker(path.name)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KnowledgeError(path.name, "(file)", "(yaml)", f"not valid YAML: {error}") from None
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
        window_id = entry_raw.get("id")
        if not isinstance(window_id, str) or not window_id.startswith(f"{code}_"):
            check.fail(label, "id", f"must start with '{code}_', not {window_id!r}")
        label = f"window '{window_id}'"
        kind = entry_raw.get("kind")
        if kind not in check.taxonomy.window_kinds:
            check.fail(label, "kind", f"unknown kind {kind!r}; known: {', '.join(check.taxonomy.window_kinds)}")
        source = check.source(entry_raw, label)
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


def load_directory(directory: Path = KNOWLEDGE_DIR) -> Directory:
    municipalities: Dict[str, Municipality] = {}
    crisis_lines = load_crisis_lines(directory / NATIONAL_FILE)
    by_id: Dict[str, Window] = {line.id: line for line in crisis_lines}
    for path in sorted(directory.glob("*.yml")):
        if path.name in NOT_MUNICIPALITIES:
            continue
        municipality = load_municipality(path)
        municipalities[municipality.code] = municipality
        for window in municipality.windows:
            if window.id in by_id:
                raise KnowledgeError(path.name, f"window '{window.id}'", "id", "is used twice in the directory")
            by_id[window.id] = window
    # Imported here: the preferences' checks raise this module's KnowledgeError.
    from bot.knowledge.routing_preferences import load_routing_preferences

    routing = load_routing_preferences(directory / ROUTING_FILE, (line.id for line in crisis_lines))
    return Directory(municipalities, crisis_lines, by_id, routing)
