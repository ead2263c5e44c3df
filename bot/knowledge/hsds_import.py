"""Open Referral HSDS 3 JSON back into knowledge/<code>.yml, refusing any fact without a source.

Reads the two files the export writes (organizations.json, services.json; each a JSON array, or an
HSDS API page with `contents`), finds the municipality by its code, and writes the YAML the
directory keeps — checked by the same loader as `python -m bot.knowledge check` before anything is
returned. A record without its source, or holding more than the directory can keep (two phones or
two schedules for one window), is refused with the file, the record (kind, name, id) and the field;
a phone, schedule or place whose source differs from its window's keeps it as `<field>_source`.
Nothing is silently dropped except HSDS fields the directory has no place for, which are listed as
warnings.
"""
from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, NoReturn, Optional, Tuple

from bot.knowledge import hsds_vocabulary as v
from bot.knowledge.hsds_export import ORGANIZATIONS_FILE, SERVICES_FILE
from bot.knowledge.hsds_schema import HsdsError, Problem, record_label, validate_dataset
from bot.knowledge.loader import SOURCED_FIELDS, KnowledgeError, load_municipality

_SOURCE_HELP = ('every record names where its facts come from: an attribute with link_type "source" whose '
                'value is the seed file and line (e.g. "001_ac5ac4c6f713267e.txt:177")')
# HSDS fields the import reads (or that only restate the municipality); anything else is reported.
_READ = {
    "organization": {"id", "name", "description", "legal_status", "organization_identifiers", "contacts",
                     "attributes", "metadata"},
    "service": {"id", "organization_id", "name", "description", "status", "application_process",
                "eligibility_description", "minimum_age", "maximum_age", "phones", "schedules",
                "service_areas", "service_at_locations", "attributes", "metadata"},
}


@dataclass
class ImportResult:
    code: str
    text: str  # the YAML of knowledge/<code>.yml
    windows: int
    warnings: List[str] = field(default_factory=list)


def _fail(file: str, record: str, field_name: str, problem: str) -> NoReturn:
    raise HsdsError([Problem(file, record, field_name, problem)])


def read_records(path: Path) -> List[object]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(name, "(file)", "(file)", f"not found in {path.parent}; the export writes {ORGANIZATIONS_FILE} and {SERVICES_FILE}")
    except (OSError, UnicodeDecodeError) as error:
        _fail(name, "(file)", "(file)", f"cannot be read as UTF-8 text: {error}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        _fail(name, "(file)", "(json)", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]  # a page of the HSDS API
    if not isinstance(data, list):
        _fail(name, "(file)", "(json)", "must be a JSON array of records (or an HSDS API page with 'contents')")
    return data


class _Reader:
    """Reads one municipality's records; every refusal names the file, the record and the field."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.warnings: List[str] = []

    @staticmethod
    def attributes(record: dict, link_type: str) -> List[dict]:
        return [a for a in record.get("attributes") or [] if isinstance(a, dict) and a.get("link_type") == link_type]

    def value(self, file: str, label: str, record: dict, link_type: str) -> Optional[str]:
        found = self.attributes(record, link_type)
        if len(found) > 1:
            _fail(file, label, link_type, f"{len(found)} attributes with link_type {link_type!r}; the directory keeps one")
        if not found:
            return None
        value = found[0].get("value")
        if not isinstance(value, str) or not value.strip():
            _fail(file, label, link_type, f"the attribute with link_type {link_type!r} has no value")
        return value.strip()

    def codes(self, file: str, label: str, record: dict, link_type: str) -> List[str]:
        codes = []
        for attribute in self.attributes(record, link_type):
            term = attribute.get("taxonomy_term")
            code = term.get("code") if isinstance(term, dict) else None
            if not isinstance(code, str):
                _fail(file, label, link_type, f"an attribute with link_type {link_type!r} needs its taxonomy_term with a code")
            codes.append(code)
        return codes

    def source(self, file: str, label: str, record: dict) -> str:
        source = self.value(file, label, record, v.LINK_SOURCE)
        if source is None:
            _fail(file, label, "source", f"missing: {_SOURCE_HELP}")
        return source

    @staticmethod
    def own_source(sources: Dict[str, str], field: str, source: str, window_source: str) -> None:
        """A fact whose record names another source than its window keeps it (`<field>_source`)."""
        if source != window_source:
            sources[field] = source

    def field_sources(self, file: str, label: str, service: dict) -> Dict[str, str]:
        sources: Dict[str, str] = {}
        for attribute in self.attributes(service, v.LINK_FIELD_SOURCE):
            field, _, source = str(attribute.get("value") or "").partition(":")
            if not field.strip() or not source.strip():
                _fail(file, label, v.LINK_FIELD_SOURCE, 'each needs a value "<field>: <source>"')
            sources[field.strip()] = source.strip()
        return sources

    def only(self, file: str, label: str, record: dict, field_name: str, what: str) -> Optional[dict]:
        items = record.get(field_name) or []
        if len(items) > 1:
            _fail(file, label, field_name, f"holds {len(items)} {what}; the directory keeps one")
        return items[0] if items else None

    def phone(self, file: str, label: str, owner: dict, sources: Optional[Dict[str, str]] = None,
              window_source: Optional[str] = None) -> Optional[str]:
        phone = self.only(file, label, owner, "phones", "phones")
        if phone is None:
            return None
        phone_label = f"{label} › {record_label('phone', phone)}"
        source = self.source(file, phone_label, phone)
        if sources is not None and window_source is not None:
            self.own_source(sources, "phone", source, window_source)
        number, extension = phone["number"].strip(), phone.get("extension")
        if extension is None:
            return number
        if extension != int(extension) or extension < 1:
            _fail(file, phone_label, "extension", f"must be a whole number, not {extension!r}")
        return f"{number} 内線{int(extension)}"

    def ignored(self, file: str, label: str, kind: str, record: dict) -> None:
        for key, value in record.items():
            if key not in _READ[kind] and value not in (None, "", [], {}):
                self.warnings.append(f"{file}: {label}: field '{key}' is not kept by the directory (not imported)")

    def department(self, organization: dict, label: str) -> Dict[str, Optional[str]]:
        contact = self.only(ORGANIZATIONS_FILE, label, organization, "contacts", "contacts (the responsible department)")
        if contact is None:
            return {"name": None, "phone": None, "source": None}
        contact_label = f"{label} › {record_label('contact', contact)}"
        source = self.source(ORGANIZATIONS_FILE, contact_label, contact)
        name = contact.get("department")
        return {"name": name.strip() if isinstance(name, str) and name.strip() else None,
                "phone": self.phone(ORGANIZATIONS_FILE, contact_label, contact), "source": source}

    def municipality(self, organization: dict, label: str) -> dict:
        self.ignored(ORGANIZATIONS_FILE, label, "organization", organization)
        prefectures = self.attributes(organization, v.LINK_PREFECTURE)
        names = [a.get("taxonomy_term", {}).get("name") for a in prefectures if isinstance(a.get("taxonomy_term"), dict)]
        if len(names) != 1 or names[0] not in v.PREFECTURES:
            _fail(ORGANIZATIONS_FILE, label, v.LINK_PREFECTURE,
                  f'needs one attribute with link_type "{v.LINK_PREFECTURE}" whose taxonomy_term names a prefecture, found {names}')
        return {"code": self.code, "name": organization["name"].strip(), "prefecture": names[0],
                "department": self.department(organization, label)}

    def eligibility(self, label: str, service: dict) -> Optional[dict]:
        file = SERVICES_FILE
        description = service.get("eligibility_description")
        source = self.value(file, label, service, v.LINK_ELIGIBILITY_SOURCE)
        codes = self.codes(file, label, service, v.LINK_ELIGIBILITY)
        minimum, maximum = service.get("minimum_age"), service.get("maximum_age")
        if description is None and source is None and not codes and minimum is None and maximum is None:
            return None
        if not isinstance(description, str) or not description.strip():
            _fail(file, label, "eligibility_description", "must say, in the seed's words, who the window serves")
        if source is None:
            _fail(file, label, v.LINK_ELIGIBILITY_SOURCE, 'missing: who a window serves names its seed line '
                  f'(an attribute with link_type "{v.LINK_ELIGIBILITY_SOURCE}")')
        known = {*v.AGE_TERMS.values(), v.SERVES_CARER_TERM, v.NOT_FOR_RESIDENTS_TERM}
        unknown = [code for code in codes if code not in known]
        if unknown:
            _fail(file, label, v.LINK_ELIGIBILITY, f"unknown code(s) {unknown}; known: {', '.join(sorted(known))}")
        by_term = {term: age for age, term in v.AGE_TERMS.items()}
        ages = [by_term[code] for code in codes if code in by_term]
        ranged = _ages_in_range(minimum, maximum) if (minimum, maximum) != (None, None) else None
        if ages and ranged is not None and sorted(ages) != sorted(ranged):
            _fail(file, label, "minimum_age", f"ages {minimum}–{maximum} disagree with the eligibility terms {codes}")
        eligibility = {"ages": ages or ranged or []}
        if v.SERVES_CARER_TERM in codes:
            eligibility["serves"] = "carer"
        if v.NOT_FOR_RESIDENTS_TERM in codes:
            eligibility["residents"] = False
        eligibility.update(description=description.strip(), source=source)
        return eligibility

    def window(self, service: dict, label: str) -> dict:
        file = SERVICES_FILE
        self.ignored(file, label, "service", service)
        if service.get("status") != "active":
            _fail(file, label, "status", f"{service.get('status')!r}: the directory keeps only active windows; "
                                         "remove the service or make it active")
        source = self.source(file, label, service)
        sources = self.field_sources(file, label, service)
        window_id = self.value(file, label, service, v.LINK_WINDOW_ID) or f"{self.code}_hsds_{service['id'][:8]}"
        kinds = self.codes(file, label, service, v.LINK_KIND)
        if len(kinds) != 1:
            _fail(file, label, v.LINK_KIND, f'needs one attribute with link_type "{v.LINK_KIND}", found {len(kinds)}')
        schedule = self.only(file, label, service, "schedules", "schedules")
        hours = None
        if schedule is not None:
            schedule_label = f"{label} › {record_label('schedule', schedule)}"
            self.own_source(sources, "hours", self.source(file, schedule_label, schedule), source)
            hours = schedule.get("description")
            if not isinstance(hours, str) or not hours.strip():
                _fail(file, schedule_label, "description", "the hours in words are what the directory keeps")
        place = None
        at_location = self.only(file, label, service, "service_at_locations", "locations")
        if at_location is not None:
            location = at_location.get("location")
            location_label = f"{label} › {record_label('location', location)}"
            if not isinstance(location, dict):
                _fail(file, location_label, "location", "the location must be nested in its service_at_location")
            self.own_source(sources, "place", self.source(file, location_label, location), source)
            place = location.get("description") or location.get("name")
        entry = {
            "id": window_id, "name": service["name"], "kind": kinds[0],
            "domains": self.codes(file, label, service, v.LINK_DOMAIN),
            "phone": self.phone(file, label, service, sources, source), "hours": hours, "place": place,
            "helps_with": service.get("description"), "what_to_say": service.get("application_process"),
            "source": source,
        }
        entry.update({f"{field}_source": value for field, value in sources.items()})
        if service.get("assured_date"):
            entry["last_verified"] = service["assured_date"]
        eligibility = self.eligibility(label, service)
        if eligibility is not None:
            entry["eligibility"] = eligibility
        return entry


def _ages_in_range(minimum: Optional[float], maximum: Optional[float]) -> List[str]:
    low = 0 if minimum is None else minimum
    high = float("inf") if maximum is None else maximum
    return [age for age, (start, end) in v.AGE_RANGES.items()
            if start <= high and (float("inf") if end is None else end) >= low]


def _organization(organizations: List[dict], code: str) -> Tuple[int, dict]:
    def codes(org: dict) -> List[str]:
        return [i.get("identifier") for i in org.get("organization_identifiers") or []
                if i.get("identifier_type") == v.MUNICIPALITY_CODE]

    matches = [(index, org) for index, org in enumerate(organizations) if code in codes(org)]
    if len(matches) > 1:
        _fail(ORGANIZATIONS_FILE, record_label("organization", matches[1][1], matches[1][0]), "organization_identifiers",
              f"a second organization with the code {code!r}")
    if matches:
        return matches[0]
    # A municipality's own file with its one organization, written by another system, has no code of ours.
    if len(organizations) == 1 and not codes(organizations[0]):
        return 0, organizations[0]
    known = sorted(c for org in organizations for c in codes(org) if isinstance(c, str))
    _fail(ORGANIZATIONS_FILE, "(file)", "organization_identifiers",
          f"no organization has the code {code!r} (identifier_type {v.MUNICIPALITY_CODE!r}); codes here: {', '.join(known) or '-'}")


def import_hsds(folder: Path, code: str) -> ImportResult:
    organizations = read_records(folder / ORGANIZATIONS_FILE)
    services = read_records(folder / SERVICES_FILE)
    problems = validate_dataset(organizations, services)
    if problems:
        raise HsdsError(problems)
    index, organization = _organization(organizations, code)
    reader = _Reader(code)
    municipality = reader.municipality(organization, record_label("organization", organization, index))
    windows, labels = [], {}
    for number, service in enumerate(services):
        if service.get("organization_id") != organization["id"]:
            continue
        label = record_label("service", service, number)
        entry = reader.window(service, label)
        if entry["id"] in labels:
            _fail(SERVICES_FILE, label, v.LINK_WINDOW_ID, f"{entry['id']!r} is already the id of {labels[entry['id']]}")
        labels[entry["id"]] = label
        windows.append(entry)
    text = render_yaml(municipality, windows)
    _check_with_loader(text, code, record_label("organization", organization, index), labels)
    return ImportResult(code, text, len(windows), reader.warnings)


def _check_with_loader(text: str, code: str, organization_label: str, labels: Dict[str, str]) -> None:
    """The YAML must pass exactly the checks `python -m bot.knowledge check` makes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{code}.yml"
        path.write_text(text, encoding="utf-8")
        try:
            load_municipality(path)
        except KnowledgeError as error:
            problem = str(error).split(f"field '{error.field}': ", 1)[-1]
            window = re.match(r"window '(.*)'$", error.entry)
            if window and window.group(1) in labels:
                raise HsdsError([Problem(SERVICES_FILE, labels[window.group(1)], error.field, problem)]) from None
            raise HsdsError([Problem(ORGANIZATIONS_FILE, f"{organization_label} ({error.entry})", error.field,
                                     problem)]) from None


# --- YAML in the directory's own layout --------------------------------------------------------
_PLAIN = re.compile(r"^[a-z][a-z0-9_]*$")
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}
# What a YAML reader would not take raw inside a double-quoted scalar (or would read as a line break).
_UNSAFE = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and _PLAIN.match(value) and value not in _YAML_WORDS:
        return value
    quoted = json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    return _UNSAFE.sub(lambda m: "\\u%04x" % ord(m.group()), quoted)


def _flow(values: List[str]) -> str:
    return "[" + ", ".join(_scalar(item) for item in values) + "]"


def render_yaml(municipality: dict, windows: List[dict]) -> str:
    area = municipality["name"] if municipality["name"] == municipality["prefecture"] else \
        municipality["prefecture"] + municipality["name"]
    lines = [f"# {area}の窓口（Open Referral HSDS 3 から python -m bot.knowledge import で読み込んだもの）",
             "municipality:"]
    lines += [f"  {key}: {_scalar(municipality[key])}" for key in ("code", "name", "prefecture")]
    lines.append("  department:")
    lines += [f"    {key}: {_scalar(value)}" for key, value in municipality["department"].items()]
    lines.append("windows:")
    for number, window in enumerate(windows):
        if number:
            lines.append("")
        lines.append(f"  - id: {_scalar(window['id'])}")
        for key in ("name", "kind", "domains", "phone", "hours", "place", "helps_with", "what_to_say", "source"):
            value = window[key]
            lines.append(f"    {key}: {_flow(value) if isinstance(value, list) else _scalar(value)}")
        for key in [f"{field}_source" for field in SOURCED_FIELDS if f"{field}_source" in window] + (
                ["last_verified"] if "last_verified" in window else []):
            lines.append(f"    {key}: {_scalar(window[key])}")
        if "eligibility" in window:
            lines.append("    eligibility:")
            for key, value in window["eligibility"].items():
                lines.append(f"      {key}: {_flow(value) if isinstance(value, list) else _scalar(value)}")
    return "\n".join(lines) + "\n"
