"""HSDS 3.1's rules for the objects the directory exports, written in the project from the specification.

Read, in the openreferral/specification repository (HSDS 3.1, the release line whose
docs/hsds/changelog.md ends at v3.1.3):
- schema/organization.json, service.json, phone.json, contact.json, organization_identifier.json,
  taxonomy.json, taxonomy_term.json (commit 01be272d);
- schema/attribute.json (commit 0fd7ce5e: 3.1, with `label`, only `id` required);
- schema/schedule.json, location.json, service_area.json, service_at_location.json, address.json,
  metadata.json (commit 149f77cd, whose $id names the 3.2 development branch), compared with the
  3.0 files (commit 67e7b37a) and the compiled 3.1 schema/compiled/service.json (commit 08753925);
- docs/hsds/changelog.md (3.1 added attribute.label, organization.additional_websites,
  service.additional_urls and capacities, service_at_location.service_areas), identifiers.md
  (UUIDs for every id and foreign key), extending.md (extra properties are allowed when HSDS has
  none suitable), serialization.md (canonical JSON, nested), field_guidance.md (schedules, metadata).

Encoded here: each object's `required` properties, every property's JSON type, the `uuid`, `uri`
and `email` formats, the `enum` code lists, and the date (YYYY-MM-DD) and time (HH:MM[:SS] with an
optional zone) shapes the schema names with `datapackage_type`. Where 3.0 and the 3.2 branch give a
rarely used iCal field different types (schedule count, bymonthday, byyearday) both are accepted.
Not encoded: `tabular_required` (the CSV serialization only) and the nested objects we never write
(funding, program, language, accessibility, …), which are only checked to be objects.

`strict` is for our own export: it also refuses properties HSDS does not define and empty values,
so nothing we write is an undocumented extension or a blank.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, NamedTuple, Optional, Tuple

STRING, NUMBER, ARRAY, OBJECT = "string", "number", "array", "object"


@dataclass(frozen=True)
class Prop:
    types: Tuple[str, ...]
    format: Optional[str] = None  # uuid, uri, email, date, time
    enum: Tuple[str, ...] = ()
    of: Optional[str] = None  # the object an array holds, or a nested object is


def s(fmt: Optional[str] = None, enum: Tuple[str, ...] = ()) -> Prop:
    return Prop((STRING,), fmt, enum)


def n() -> Prop:
    return Prop((NUMBER,))


def many(of: Optional[str]) -> Prop:
    return Prop((ARRAY,), of=of)


def one(of: str) -> Prop:
    return Prop((OBJECT,), of=of)


@dataclass(frozen=True)
class Spec:
    required: Tuple[str, ...]
    properties: Dict[str, Prop] = field(default_factory=dict)


UUID = "uuid"
_COMMON = {"attributes": many("attribute"), "metadata": many("metadata")}
_LINKS = ("physical", "postal", "virtual")

OBJECTS: Dict[str, Spec] = {
    "organization": Spec(("id", "name", "description"), {
        "id": s(UUID), "name": s(), "alternate_name": s(), "description": s(), "email": s("email"),
        "website": s("uri"), "additional_websites": many(None), "tax_status": s(), "tax_id": s(),
        "year_incorporated": n(), "legal_status": s(), "logo": s(), "uri": s("uri"),
        "parent_organization_id": s(UUID), "funding": many(None), "contacts": many("contact"),
        "phones": many("phone"), "locations": many("location"), "programs": many(None),
        "organization_identifiers": many("organization_identifier"), **_COMMON,
    }),
    "organization_identifier": Spec(("id", "identifier_type", "identifier"), {
        "id": s(UUID), "organization_id": s(UUID), "identifier_scheme": s(), "identifier_type": s(),
        "identifier": s(), **_COMMON,
    }),
    "contact": Spec(("id",), {
        "id": s(UUID), "organization_id": s(UUID), "service_id": s(UUID), "service_at_location_id": s(UUID),
        "location_id": s(UUID), "name": s(), "title": s(), "department": s(), "email": s("email"),
        "phones": many("phone"), **_COMMON,
    }),
    "service": Spec(("id", "name", "status"), {
        "id": s(UUID), "organization_id": s(UUID), "program_id": s(UUID), "name": s(), "alternate_name": s(),
        "description": s(), "url": s("uri"), "additional_urls": many(None), "email": s("email"),
        "status": s(enum=("active", "inactive", "defunct", "temporarily closed")),
        "interpretation_services": s(), "application_process": s(), "fees_description": s(),
        "wait_time": s(), "fees": s(), "accreditations": s(), "eligibility_description": s(),
        "minimum_age": n(), "maximum_age": n(), "assured_date": s("date"), "assurer_email": s("email"),
        "licenses": s(), "alert": s(), "last_modified": s(), "phones": many("phone"),
        "schedules": many("schedule"), "service_areas": many("service_area"),
        "service_at_locations": many("service_at_location"), "languages": many(None),
        "organization": one("organization"), "funding": many(None), "cost_options": many(None),
        "program": Prop((OBJECT,)), "required_documents": many(None), "contacts": many("contact"),
        "capacities": many(None), **_COMMON,
    }),
    "phone": Spec(("id", "number"), {
        "id": s(UUID), "location_id": s(UUID), "service_id": s(UUID), "organization_id": s(UUID),
        "contact_id": s(UUID), "service_at_location_id": s(UUID), "number": s(), "extension": n(),
        "type": s(), "description": s(), "languages": many(None), **_COMMON,
    }),
    "schedule": Spec(("id",), {
        "id": s(UUID), "service_id": s(UUID), "location_id": s(UUID), "service_at_location_id": s(UUID),
        "valid_from": s("date"), "valid_to": s("date"), "dtstart": s("date"), "timezone": n(),
        "until": s("date"), "count": Prop((NUMBER, STRING)),
        "wkst": s(enum=("MO", "TU", "WE", "TH", "FR", "SA", "SU")), "freq": s(enum=("WEEKLY", "MONTHLY")),
        "interval": n(), "byday": s(), "byweekno": s(), "bymonthday": Prop((STRING, NUMBER)),
        "byyearday": Prop((STRING, NUMBER)), "description": s(), "opens_at": s("time"),
        "closes_at": s("time"), "schedule_link": s("uri"), "attending_type": s(), "notes": s(), **_COMMON,
    }),
    "service_area": Spec(("id",), {
        "id": s(UUID), "service_id": s(UUID), "service_at_location_id": s(UUID), "name": s(),
        "description": s(), "extent": s(), "extent_type": s(), "uri": s(), **_COMMON,
    }),
    "service_at_location": Spec(("id",), {
        "id": s(UUID), "service_id": s(UUID), "location_id": s(UUID), "description": s(),
        "service_areas": many("service_area"), "contacts": many("contact"), "phones": many("phone"),
        "schedules": many("schedule"), "location": one("location"), **_COMMON,
    }),
    "location": Spec(("id", "location_type"), {
        "id": s(UUID), "location_type": s(enum=_LINKS), "url": s("uri"), "organization_id": s(UUID),
        "name": s(), "alternate_name": s(), "description": s(), "transportation": s(), "latitude": n(),
        "longitude": n(), "external_identifier": s(), "external_identifier_type": s(),
        "languages": many(None), "addresses": many("address"), "contacts": many("contact"),
        "accessibility": many(None), "phones": many("phone"), "schedules": many("schedule"), **_COMMON,
    }),
    "address": Spec(("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"), {
        "id": s(UUID), "location_id": s(UUID), "attention": s(), "address_1": s(), "address_2": s(),
        "city": s(), "region": s(), "state_province": s(), "postal_code": s(), "country": s(),
        "address_type": s(enum=_LINKS), **_COMMON,
    }),
    "attribute": Spec(("id",), {
        "id": s(UUID), "link_id": s(UUID), "taxonomy_term_id": s(UUID), "link_type": s(), "link_entity": s(),
        "value": s(), "label": s(), "taxonomy_term": one("taxonomy_term"), "metadata": many("metadata"),
    }),
    "taxonomy_term": Spec(("id", "name", "description"), {
        "id": s(UUID), "code": s(), "name": s(), "description": s(), "parent_id": s(UUID), "taxonomy": s(),
        "taxonomy_detail": one("taxonomy"), "language": s(), "taxonomy_id": s(UUID), "term_uri": s("uri"),
        "metadata": many("metadata"),
    }),
    "taxonomy": Spec(("id", "name", "description"), {
        "id": s(UUID), "name": s(), "description": s(), "uri": s("uri"), "version": s(),
        "metadata": many("metadata"),
    }),
    "metadata": Spec(("id", "last_action_date", "last_action_type", "field_name", "previous_value",
                      "replacement_value", "updated_by"), {
        "id": s(UUID), "resource_id": s(UUID), "resource_type": s(), "last_action_date": s("date"),
        "last_action_type": s(), "field_name": s(), "previous_value": s(), "replacement_value": s(),
        "updated_by": s(),
    }),
}

_FORMATS = {
    UUID: re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
    "uri": re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}"),  # a date, or the date-time some publishers give
    "time": re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d{2}:\d{2})?$"),
}


class Problem(NamedTuple):
    file: str
    record: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: field '{self.field}': {self.problem}"


class HsdsError(ValueError):
    """One or more problems, each naming the file, the record and the field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: List[Problem] = list(problems)
        shown = "\n".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        super().__init__(shown + (f"\n… and {more} more" if more > 0 else ""))


def record_label(kind: str, record: object, index: Optional[int] = None) -> str:
    """How an error names a record: its kind, place in the file, name and id."""
    where = f"{kind}[{index}]" if index is not None else kind
    if not isinstance(record, dict):
        return where
    name = record.get("name") or record.get("department") or record.get("number") or record.get("code")
    parts = [where] + ([f"'{name}'"] if isinstance(name, str) else [])
    if isinstance(record.get("id"), str):
        parts.append(f"(id {record['id']})")
    return " ".join(parts)


def _type_ok(value: object, types: Tuple[str, ...]) -> bool:
    checks = {
        STRING: isinstance(value, str),
        NUMBER: isinstance(value, (int, float)) and not isinstance(value, bool),
        ARRAY: isinstance(value, list),
        OBJECT: isinstance(value, dict),
    }
    return any(checks[t] for t in types)


class _Walker:
    def __init__(self, file: str, strict: bool) -> None:
        self.file, self.strict = file, strict
        self.problems: List[Problem] = []
        self.seen: Dict[Tuple[str, str], str] = {}  # (object, id) → canonical JSON
        self.term_codes: Dict[str, str] = {}  # taxonomy_term.code is unique (constraints.unique)

    def add(self, record: str, field_name: str, problem: str) -> None:
        self.problems.append(Problem(self.file, record, field_name, problem))

    def walk(self, kind: str, value: object, label: str) -> None:
        spec = OBJECTS[kind]
        if not isinstance(value, dict):
            self.add(label, "(record)", f"must be a JSON object (an HSDS {kind}), not {type(value).__name__}")
            return
        for name in spec.required:
            if name not in value or value[name] is None:
                self.add(label, name, f"is required in an HSDS {kind}")
        for name, item in value.items():
            prop = spec.properties.get(name)
            if prop is None:
                if self.strict:
                    self.add(label, name, f"is not a property of an HSDS {kind}")
                continue
            self.check(kind, prop, name, item, label)
        record_id = value.get("id")
        if isinstance(record_id, str):
            canonical = json.dumps(value, sort_keys=True, ensure_ascii=False)
            earlier = self.seen.setdefault((kind, record_id), canonical)
            if earlier != canonical:
                self.add(label, "id", f"is used by another {kind} with different content (ids must be unique)")
            code = value.get("code")
            if kind == "taxonomy_term" and isinstance(code, str) and self.term_codes.setdefault(code, record_id) != record_id:
                self.add(label, "code", f"{code!r} is the code of another taxonomy term (codes must be unique)")

    def check(self, kind: str, prop: Prop, name: str, item: object, label: str) -> None:
        if item is None:
            if self.strict:
                self.add(label, name, "is null; leave an unknown value out")
            return
        if not _type_ok(item, prop.types):
            self.add(label, name, f"must be a {' or '.join(prop.types)}, not {type(item).__name__}")
            return
        if isinstance(item, str):
            if self.strict and not item.strip():
                self.add(label, name, "is empty; leave an unknown value out")
            elif prop.enum and item not in prop.enum:
                self.add(label, name, f"must be one of {', '.join(prop.enum)}, not {item!r}")
            elif prop.format and not _FORMATS[prop.format].match(item):
                self.add(label, name, f"must be in {prop.format} format, not {item!r}")
        elif isinstance(item, list):
            for index, element in enumerate(item):
                self.nested(prop.of, element, f"{label} › {record_label(prop.of or name, element, index)}")
        elif isinstance(item, dict):
            self.nested(prop.of, item, f"{label} › {record_label(prop.of or name, item)}")

    def nested(self, kind: Optional[str], value: object, label: str) -> None:
        if kind is None:
            if not isinstance(value, dict):
                self.add(label, "(record)", "must be a JSON object")
            return
        self.walk(kind, value, label)


def validate_records(file: str, kind: str, records: List[object], strict: bool = False) -> List[Problem]:
    """Every record of one file against the specification (nested objects included)."""
    walker = _Walker(file, strict)
    for index, record in enumerate(records):
        walker.walk(kind, record, record_label(kind, record, index))
    return walker.problems


def validate_dataset(organizations: List[object], services: List[object], strict: bool = False,
                     files: Tuple[str, str] = ("organizations.json", "services.json")) -> List[Problem]:
    """Both files, then the links between records: each service's organization exists, and each nested
    record points back at the record it is nested in."""
    problems = validate_records(files[0], "organization", organizations, strict)
    problems += validate_records(files[1], "service", services, strict)
    if problems:
        return problems
    org_ids = {o["id"] for o in organizations}
    for index, org in enumerate(organizations):
        label = record_label("organization", org, index)
        problems += _links(files[0], label, org, "organization_id", ("contacts", "organization_identifiers"))
    for index, service in enumerate(services):
        label = record_label("service", service, index)
        if "organization_id" in service and service["organization_id"] not in org_ids:
            problems.append(Problem(files[1], label, "organization_id", "names no organization in " + files[0]))
        problems += _links(files[1], label, service, "service_id",
                           ("phones", "schedules", "service_areas", "service_at_locations"))
        for place in service.get("service_at_locations") or []:
            location = place.get("location")
            if isinstance(location, dict) and place.get("location_id") not in (None, location.get("id")):
                problems.append(Problem(files[1], label, "service_at_locations.location_id",
                                        "differs from the nested location's id"))
            if isinstance(location, dict) and location.get("organization_id") not in (None, *org_ids):
                problems.append(Problem(files[1], label, "location.organization_id", "names no organization"))
    return problems


def _links(file: str, label: str, parent: dict, key: str, children: Tuple[str, ...]) -> List[Problem]:
    problems = []
    for child_field in children:
        for child in parent.get(child_field) or []:
            if child.get(key) not in (None, parent["id"]):
                problems.append(Problem(file, label, f"{child_field}.{key}", "does not point back at this record"))
    kind = "organization" if key == "organization_id" else "service"
    for holder_kind, holder in _with_attributes(kind, parent):
        where = label if holder is parent else f"{label} › {record_label(holder_kind, holder)}"
        for attribute in holder.get("attributes") or []:
            if attribute.get("link_id") not in (None, holder.get("id")):
                problems.append(Problem(file, where, "attributes.link_id", "does not point at the record holding it"))
            term = attribute.get("taxonomy_term")
            if isinstance(term, dict) and attribute.get("taxonomy_term_id") not in (None, term.get("id")):
                problems.append(Problem(file, where, "attributes.taxonomy_term_id", "differs from the nested term's id"))
    return problems


def _with_attributes(kind: str, record: dict):
    """The record and every HSDS object nested in it that can hold attributes, with its kind."""
    yield kind, record
    for name, value in record.items():
        child_kind = OBJECTS[kind].properties.get(name, Prop(())).of
        if child_kind is None or child_kind in ("attribute", "metadata"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                yield from _with_attributes(child_kind, item)
