"""The window directory as Open Referral HSDS 3.1 JSON: organizations.json and services.json.

One organization per municipality (its responsible department as the organization's contact), one
service per window with its phone, schedule (hours), service area, location (place), eligibility
and taxonomy terms. Every fact carries its source as an attribute (link_type "source"), because
HSDS has no source field and its metadata object is a change log that would need a date and a
person we do not have. The mapping is described for reusers in docs/DIRECTORY.md (section 9).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import List, Optional, Tuple

from bot.knowledge import hsds_vocabulary as v
from bot.knowledge.hsds_schema import HsdsError, Problem, validate_dataset
from bot.knowledge.model import CARER, Directory, Eligibility, Municipality, Window

ORGANIZATIONS_FILE = "organizations.json"
SERVICES_FILE = "services.json"
_EXTENSION = re.compile(r"^(?P<number>.+) 内線(?P<extension>[1-9][0-9]*)$")


def _attribute(link_entity: str, link_id: str, link_type: str, term: dict, value: Optional[str] = None) -> dict:
    attribute = {
        "id": v.hsds_id("attribute", f"{link_entity}:{link_id}:{link_type}:{term['code']}"),
        "link_id": link_id,
        "link_entity": link_entity,
        "link_type": link_type,
        "label": term["name"],
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }
    if value is not None:
        attribute["value"] = value
    return attribute


def _source(link_entity: str, link_id: str, source: str, link_type: str = v.LINK_SOURCE) -> dict:
    return _attribute(link_entity, link_id, link_type, v.record_term(link_type), source)


def _phone(number: str, owner_key: str, owner_field: str, owner_id: str, source: Optional[str]) -> dict:
    phone_id = v.hsds_id("phone", owner_key)
    phone = {"id": phone_id, owner_field: owner_id}
    match = _EXTENSION.match(number)
    # HSDS keeps the extension as a number; one written with a leading zero stays in the number.
    phone.update({"number": match["number"], "extension": int(match["extension"])} if match else {"number": number})
    phone["type"] = "voice"
    if source:
        phone["attributes"] = [_source("phone", phone_id, source)]
    return phone


def _area(municipality: Municipality) -> str:
    """「北海道恵庭市」; a prefecture's own entry is just its name."""
    if municipality.name == municipality.prefecture:
        return municipality.name
    return f"{municipality.prefecture}{municipality.name}"


def organization_record(municipality: Municipality) -> dict:
    org_id = v.hsds_id("organization", municipality.code)
    if municipality.prefecture not in v.PREFECTURE_CODES:
        raise HsdsError([Problem(municipality.source_file, "municipality", "prefecture",
                                 f"{municipality.prefecture!r} is not a prefecture's name (JIS X 0401)")])
    organization = {
        "id": org_id,
        "name": municipality.name,
        "description": f"{_area(municipality)}の相談窓口（窓口ナビの窓口一覧 knowledge/{municipality.source_file}）",
        "legal_status": "地方公共団体",
        "organization_identifiers": [{
            "id": v.hsds_id("organization_identifier", municipality.code),
            "organization_id": org_id,
            "identifier_type": v.MUNICIPALITY_CODE,
            "identifier": municipality.code,
        }],
    }
    department = municipality.department
    if department.name or department.phone or department.source:
        contact_id = v.hsds_id("contact", municipality.code)
        contact = {"id": contact_id, "organization_id": org_id}
        if department.name:
            contact["department"] = department.name
        if department.phone:
            contact["phones"] = [_phone(department.phone, f"contact:{municipality.code}", "contact_id",
                                        contact_id, department.source)]
        if department.source:
            contact["attributes"] = [_source("contact", contact_id, department.source)]
        organization["contacts"] = [contact]
    organization["attributes"] = [
        _attribute("organization", org_id, v.LINK_PREFECTURE, v.prefecture_term(municipality.prefecture))]
    return organization


def age_range(ages: Tuple[str, ...]) -> Tuple[Optional[int], Optional[int]]:
    """minimum_age / maximum_age for age groups that follow one another; (None, None) otherwise."""
    order = list(v.AGE_RANGES)
    positions = sorted(order.index(age) for age in ages)
    if not positions or positions != list(range(positions[0], positions[-1] + 1)):
        return None, None
    return v.AGE_RANGES[order[positions[0]]][0], v.AGE_RANGES[order[positions[-1]]][1]


def _eligibility(service: dict, eligibility: Eligibility) -> List[dict]:
    """Fills the service's eligibility fields; returns the eligibility attributes."""
    service["eligibility_description"] = eligibility.description
    minimum, maximum = age_range(eligibility.ages)
    if minimum is not None:
        service["minimum_age"] = minimum
    if maximum is not None:
        service["maximum_age"] = maximum
    codes = [v.AGE_TERMS[age] for age in eligibility.ages]
    codes += [v.SERVES_CARER_TERM] if eligibility.serves == CARER else []
    codes += [] if eligibility.residents else [v.NOT_FOR_RESIDENTS_TERM]
    attributes = [_attribute("service", service["id"], v.LINK_ELIGIBILITY, v.eligibility_term(code)) for code in codes]
    return attributes + [_source("service", service["id"], eligibility.source, v.LINK_ELIGIBILITY_SOURCE)]


_WEEKDAYS = {"月": "MO", "火": "TU", "水": "WE", "木": "TH", "金": "FR", "土": "SA", "日": "SU"}
_TIMES = re.compile(r"([0-2]?\d):([0-5]\d)\s*[〜～~\-－]\s*([0-2]?\d):([0-5]\d)")


def schedule_fields(hours: str) -> dict:
    """The iCal fields a seed's hours plainly state (weekly days, one opening time); the wording
    itself stays in `description`, which is what the import reads back."""
    if "週7日" in hours or "毎日" in hours:
        days = "MO,TU,WE,TH,FR,SA,SU"
    elif "平日" in hours:
        days = "MO,TU,WE,TH,FR"
    else:
        weekly = re.fullmatch(r".*毎週([月火水木金土日])曜日?.*", hours)
        days = _WEEKDAYS[weekly.group(1)] if weekly else None
    if days is None:
        return {}
    fields = {"freq": "WEEKLY", "byday": days}
    times = _TIMES.findall(hours)
    if len(times) == 1:
        opens_h, opens_m, closes_h, closes_m = times[0]
        fields.update(timezone=9, opens_at=f"{int(opens_h):02d}:{opens_m}+09:00",
                      closes_at=f"{int(closes_h):02d}:{closes_m}+09:00")
    return fields


def service_record(municipality: Municipality, window: Window) -> dict:
    service_id = v.hsds_id("service", window.id)
    service = {
        "id": service_id,
        "organization_id": v.hsds_id("organization", municipality.code),
        "name": window.name,
        "description": window.helps_with,
        "status": "active",
        "application_process": window.what_to_say,
    }
    attributes = [
        _attribute("service", service_id, v.LINK_WINDOW_ID, v.record_term(v.LINK_WINDOW_ID), window.id),
        _source("service", service_id, window.source),
        _attribute("service", service_id, v.LINK_KIND, v.kind_term(window.kind)),
    ]
    attributes += [_attribute("service", service_id, v.LINK_DOMAIN, v.domain_term(code)) for code in window.domains]
    # Facts confirmed later than the window's source (a phone staff asked the department for) keep
    # their own: on their own record where HSDS has one, else as a field_source attribute.
    attributes += [_attribute("service", service_id, v.LINK_FIELD_SOURCE, v.record_term(v.LINK_FIELD_SOURCE),
                              f"{field}: {source}")
                   for field, source in window.fact_sources if field not in ("phone", "hours", "place")]
    if window.last_verified is not None:
        service["assured_date"] = window.last_verified.isoformat()
    if window.eligibility.description is not None:
        attributes += _eligibility(service, window.eligibility)
    if window.phone:
        service["phones"] = [_phone(window.phone, f"service:{window.id}", "service_id", service_id,
                                     window.source_of("phone"))]
    if window.hours:
        schedule_id = v.hsds_id("schedule", window.id)
        service["schedules"] = [{"id": schedule_id, "service_id": service_id, "description": window.hours,
                                 **schedule_fields(window.hours),
                                 "attributes": [_source("schedule", schedule_id, window.source_of("hours"))]}]
    service["service_areas"] = [{"id": v.hsds_id("service_area", window.id), "service_id": service_id,
                                 "name": municipality.name, "description": f"{_area(municipality)}の区域"}]
    if window.place:
        location_id = v.hsds_id("location", window.id)
        service["service_at_locations"] = [{
            "id": v.hsds_id("service_at_location", window.id),
            "service_id": service_id,
            "location_id": location_id,
            "location": {"id": location_id, "location_type": "physical",
                         "organization_id": service["organization_id"], "name": window.name,
                         "description": window.place,
                         "attributes": [_source("location", location_id, window.source_of("place"))]},
        }]
    service["attributes"] = attributes
    return service


def build_dataset(directory: Directory, code: Optional[str] = None) -> Tuple[List[dict], List[dict]]:
    if code is not None and code not in directory.municipalities:
        raise HsdsError([Problem("(directory)", "municipality", "code",
                                 f"no municipality {code!r}; known: {', '.join(directory.municipalities)}")])
    chosen = [directory.municipalities[code]] if code else list(directory.municipalities.values())
    organizations = [organization_record(m) for m in chosen]
    services = [service_record(m, w) for m in chosen for w in m.windows]
    return organizations, services


def _dump(records: List[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def export_hsds(directory: Directory, out: Path, code: Optional[str] = None) -> Tuple[int, int]:
    """Writes the two files; refuses to write anything that is not valid HSDS by our own validator."""
    organizations, services = build_dataset(directory, code)
    problems = validate_dataset(organizations, services, strict=True)
    if problems:
        raise HsdsError(problems)
    out.mkdir(parents=True, exist_ok=True)
    (out / ORGANIZATIONS_FILE).write_text(_dump(organizations), encoding="utf-8")
    (out / SERVICES_FILE).write_text(_dump(services), encoding="utf-8")
    return len(organizations), len(services)
