"""Open Referral HSDS 3 out and in: valid by the specification, reproducible, a lossless round trip,
and no fact comes in without its source. No network."""
import copy
import dataclasses
import json
import shutil
import subprocess
import sys
import uuid

import pytest
import yaml

from bot.knowledge import hsds_vocabulary as v
from bot.knowledge import load_directory
from bot.knowledge.hsds_export import age_range, build_dataset, export_hsds, schedule_fields
from bot.knowledge.hsds_import import _ages_in_range, _scalar, import_hsds
from bot.knowledge.hsds_schema import HsdsError, validate_dataset
from bot.knowledge.loader import NATIONAL_FILE, ROUTING_FILE
from bot.knowledge.model import Eligibility
from bot.paths import KNOWLEDGE_DIR, PROJECT_ROOT

NOT_MUNICIPALITIES = ("taxonomy.yml", NATIONAL_FILE, ROUTING_FILE)


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.fixture(scope="module")
def exported(directory, tmp_path_factory):
    out = tmp_path_factory.mktemp("hsds")
    export_hsds(directory, out)
    return out


def _load(folder):
    return (json.loads((folder / "organizations.json").read_text(encoding="utf-8")),
            json.loads((folder / "services.json").read_text(encoding="utf-8")))


def _write(folder, organizations, services):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organizations.json").write_text(json.dumps(organizations, ensure_ascii=False), encoding="utf-8")
    (folder / "services.json").write_text(json.dumps(services, ensure_ascii=False), encoding="utf-8")
    return folder


def _attributes(record, link_type):
    return [a for a in record.get("attributes", []) if a["link_type"] == link_type]


def _service(services, window_id):
    return next(s for s in services if _attributes(s, v.LINK_WINDOW_ID)[0]["value"] == window_id)


@pytest.fixture(scope="module")
def imported_directory(directory, exported, tmp_path_factory):
    """Every municipality imported back from the one export into a fresh knowledge folder."""
    folder = tmp_path_factory.mktemp("knowledge")
    for name in NOT_MUNICIPALITIES:
        shutil.copy(KNOWLEDGE_DIR / name, folder / name)
    for code in directory.municipalities:
        (folder / f"{code}.yml").write_text(import_hsds(exported, code).text, encoding="utf-8")
    return load_directory(folder)


# --- The round trip ----------------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(p.stem for p in KNOWLEDGE_DIR.glob("*.yml") if p.name not in NOT_MUNICIPALITIES))
def test_round_trip_gives_the_same_municipality_window_by_window(code, directory, imported_directory):
    original, back = directory.municipalities[code], imported_directory.municipalities[code]
    for name in ("code", "name", "prefecture", "department", "source_file"):
        assert getattr(back, name) == getattr(original, name), f"{code}: {name}"
    assert [w.id for w in back.windows] == [w.id for w in original.windows]
    for before, after in zip(original.windows, back.windows):
        for field in dataclasses.fields(before):
            assert getattr(after, field.name) == getattr(before, field.name), f"{before.id}: {field.name}"
    assert back == original


def test_round_trip_gives_the_same_directory(directory, imported_directory):
    assert imported_directory.municipalities == directory.municipalities
    assert imported_directory.by_id == directory.by_id


def test_one_municipality_exports_alone_and_comes_back(directory, tmp_path):
    export_hsds(directory, tmp_path, "eniwa")
    organizations, services = _load(tmp_path)
    assert [o["name"] for o in organizations] == ["恵庭市"]
    assert len(services) == len(directory.municipalities["eniwa"].windows)
    (tmp_path / "eniwa.yml").write_text(import_hsds(tmp_path, "eniwa").text, encoding="utf-8")
    from bot.knowledge.loader import load_municipality
    assert load_municipality(tmp_path / "eniwa.yml") == directory.municipalities["eniwa"]


def test_the_commands_export_and_import_from_the_shell(tmp_path):
    out = tmp_path / "hsds"
    done = subprocess.run([sys.executable, "-m", "bot.knowledge", "export", "--hsds", str(out),
                           "--municipality", "chofu"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 organizations" in done.stderr
    target = tmp_path / "chofu.yml"
    done = subprocess.run([sys.executable, "-m", "bot.knowledge", "import", "--hsds", str(out),
                           "--municipality", "chofu", "--output", str(target)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["municipality"]["code"] == "chofu"
    to_stdout = subprocess.run([sys.executable, "-m", "bot.knowledge", "import", "--hsds", str(out),
                                "--municipality", "chofu"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert to_stdout.returncode == 0 and to_stdout.stdout == target.read_text(encoding="utf-8")


# --- The export against the specification -------------------------------------------------------

def test_the_export_is_valid_hsds(exported, directory):
    organizations, services = _load(exported)
    assert validate_dataset(organizations, services, strict=True) == []
    assert len(organizations) == len(directory.municipalities)
    assert len(services) == sum(len(m.windows) for m in directory.municipalities.values())


def test_every_fact_carries_its_source(exported, directory):
    organizations, services = _load(exported)
    for municipality in directory.municipalities.values():
        for window in municipality.windows:
            service = _service(services, window.id)
            assert [a["value"] for a in _attributes(service, v.LINK_SOURCE)] == [window.source]
            for part in service.get("phones", []) + service.get("schedules", []) + \
                    [p["location"] for p in service.get("service_at_locations", [])]:
                assert [a["value"] for a in _attributes(part, v.LINK_SOURCE)] == [window.source]
            if window.eligibility.description:
                assert [a["value"] for a in _attributes(service, v.LINK_ELIGIBILITY_SOURCE)] == \
                    [window.eligibility.source]
    for organization in organizations:
        for contact in organization.get("contacts", []):
            assert len(_attributes(contact, v.LINK_SOURCE)) == 1
            for phone in contact.get("phones", []):
                assert len(_attributes(phone, v.LINK_SOURCE)) == 1


def test_the_export_maps_each_fact_where_hsds_expects_it(exported, directory):
    organizations, services = _load(exported)
    hatoyama = _service(services, "hatoyama_fukushi_plaza")
    assert hatoyama["status"] == "active" and hatoyama["organization_id"] == v.hsds_id("organization", "hatoyama")
    schedule = hatoyama["schedules"][0]
    assert schedule["description"] == "年末年始と祝日を除く週7日 10:00〜17:00"
    assert (schedule["freq"], schedule["opens_at"], schedule["closes_at"]) == ("WEEKLY", "10:00+09:00", "17:00+09:00")
    assert hatoyama["service_at_locations"][0]["location"]["description"].startswith("鳩山ニュータウン地区")
    assert hatoyama["service_areas"][0]["name"] == "鳩山町"
    assert [a["taxonomy_term"]["code"] for a in _attributes(hatoyama, v.LINK_KIND)] == ["coordination"]
    assert [a["taxonomy_term"]["code"] for a in _attributes(hatoyama, v.LINK_DOMAIN)] == \
        list(directory.by_id["hatoyama_fukushi_plaza"].domains)
    chofu = next(o for o in organizations if o["name"] == "調布市")
    assert chofu["contacts"][0]["department"] == "福祉総務課"
    assert chofu["contacts"][0]["phones"][0]["number"] == "042-481-7101"
    assert [a["taxonomy_term"]["code"] for a in _attributes(chofu, v.LINK_PREFECTURE)] == ["13"]


@pytest.mark.parametrize("ages, expected", [
    ((), (None, None)), (("child",), (0, 17)), (("adult",), (18, 64)), (("older",), (65, None)),
    (("child", "adult"), (0, 64)), (("adult", "older"), (18, None)), (("child", "older"), (None, None)),
])
def test_age_groups_become_minimum_and_maximum_age(ages, expected):
    assert age_range(ages) == expected
    if expected != (None, None):
        assert sorted(_ages_in_range(*expected)) == sorted(ages)


def test_eligibility_is_exported_with_ages_description_and_terms(exported, directory):
    _, services = _load(exported)
    for window in directory.by_id.values():
        if window.municipality == "national" or not window.eligibility.description:
            continue
        service = _service(services, window.id)
        assert service["eligibility_description"] == window.eligibility.description
        assert (service.get("minimum_age"), service.get("maximum_age")) == age_range(window.eligibility.ages)
        codes = [a["taxonomy_term"]["code"] for a in _attributes(service, v.LINK_ELIGIBILITY)]
        assert (v.SERVES_CARER_TERM in codes) == (window.eligibility.serves == "carer")
        assert [c for c in codes if c.startswith("age_")] == [v.AGE_TERMS[a] for a in window.eligibility.ages]


def test_an_eligibility_the_seeds_do_not_have_yet_still_comes_back(directory, tmp_path):
    """Ages that do not follow one another, and a meeting no resident is sent to."""
    eniwa = directory.municipalities["eniwa"]
    odd = Eligibility(("child", "older"), None, False, "子どもと高齢者の関係者会議", eniwa.windows[0].source)
    changed = dataclasses.replace(eniwa, windows=(dataclasses.replace(eniwa.windows[0], eligibility=odd),)
                                  + eniwa.windows[1:])
    one = dataclasses.replace(directory, municipalities={"eniwa": changed})
    export_hsds(one, tmp_path, "eniwa")
    service = _load(tmp_path)[1][0]
    assert "minimum_age" not in service and "maximum_age" not in service
    (tmp_path / "eniwa.yml").write_text(import_hsds(tmp_path, "eniwa").text, encoding="utf-8")
    from bot.knowledge.loader import load_municipality
    assert load_municipality(tmp_path / "eniwa.yml").windows[0].eligibility == odd


def test_the_export_is_reproducible_with_uuid5_ids(directory, exported, tmp_path):
    export_hsds(directory, tmp_path)
    for name in ("organizations.json", "services.json"):
        assert (tmp_path / name).read_bytes() == (exported / name).read_bytes()
    _, services = _load(exported)
    coordinator = _service(services, "eniwa_coordinator")
    assert coordinator["id"] == str(uuid.uuid5(v.NAMESPACE, "service:eniwa_coordinator"))
    assert uuid.UUID(coordinator["id"]).version == 5


def test_schedule_fields_only_state_what_the_hours_plainly_say():
    assert schedule_fields("月1回") == {}
    assert schedule_fields("奇数月に開催") == {}
    assert schedule_fields("毎週金曜日に包括的相談窓口を開設（随時の訪問・電話相談もあり）") == {"freq": "WEEKLY", "byday": "FR"}
    assert schedule_fields("平日 8:30〜17:15")["opens_at"] == "08:30+09:00"
    assert "opens_at" not in schedule_fields("平日 9:00〜12:00、13:00〜17:00")


# --- The validator itself, so a passing export means something ------------------------------------

@pytest.mark.parametrize("change, field", [
    (lambda s: s.pop("status"), "status"),
    (lambda s: s.update(status="open"), "status"),
    (lambda s: s.update(id="eniwa_coordinator"), "id"),
    (lambda s: s.update(minimum_age="18"), "minimum_age"),
    (lambda s: s.update(colour="blue"), "colour"),
    (lambda s: s.update(description=""), "description"),
    (lambda s: s["attributes"][0].update(link_id="not-a-uuid"), "link_id"),
    (lambda s: s["attributes"][0]["taxonomy_term"].pop("description"), "description"),
    (lambda s: s.update(schedules=[{"id": str(uuid.uuid4()), "freq": "DAILY"}]), "freq"),
    (lambda s: s.update(schedules=[{"id": str(uuid.uuid4()), "opens_at": "9時"}]), "opens_at"),
    (lambda s: s.update(phones=[{"id": str(uuid.uuid4()), "number": "0123", "extension": "12"}]), "extension"),
    (lambda s: s.update(phones=[{"id": str(uuid.uuid4())}]), "number"),
    (lambda s: s.update(service_at_locations=[{"id": str(uuid.uuid4()), "location": {"id": str(uuid.uuid4())}}]),
     "location_type"),
    (lambda s: s.update(organization_id=str(uuid.uuid4())), "organization_id"),
])
def test_the_validator_catches_what_hsds_forbids(exported, change, field):
    organizations, services = _load(exported)
    broken = copy.deepcopy(services[0])
    change(broken)
    problems = validate_dataset(organizations, [broken] + services[1:], strict=True)
    assert any(p.field == field for p in problems), problems


def test_the_validator_catches_two_records_sharing_an_id(exported):
    organizations, services = _load(exported)
    twin = copy.deepcopy(services[1])
    twin["id"] = services[0]["id"]
    problems = validate_dataset(organizations, services + [twin])
    assert any(p.field == "id" and "unique" in p.problem for p in problems)


# --- The import refuses what it cannot trust ---------------------------------------------------------

def _without(record, link_type):
    record["attributes"] = [a for a in record.get("attributes", []) if a["link_type"] != link_type]


def test_an_import_without_sources_fails_naming_the_record_and_the_field(exported, tmp_path):
    organizations, services = _load(exported)
    swc = _service(services, "eniwa_swc")
    _without(swc, v.LINK_SOURCE)
    _write(tmp_path, organizations, services)
    with pytest.raises(HsdsError) as raised:
        import_hsds(tmp_path, "eniwa")
    message = str(raised.value)
    assert "恵庭市社会福祉協議会" in message and swc["id"] in message and "field 'source'" in message
    done = subprocess.run([sys.executable, "-m", "bot.knowledge", "import", "--hsds", str(tmp_path),
                           "--municipality", "eniwa"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == ""
    assert swc["id"] in done.stderr and "field 'source'" in done.stderr and "Traceback" not in done.stderr


def test_a_phone_a_department_or_an_eligibility_without_a_source_is_refused(exported, tmp_path):
    organizations, services = _load(exported)
    chofu = next(o for o in organizations if o["name"] == "調布市")
    _without(chofu["contacts"][0]["phones"][0], v.LINK_SOURCE)
    _write(tmp_path / "phone", organizations, services)
    with pytest.raises(HsdsError, match=r"phone '042-481-7101' \(id [0-9a-f-]+\): field 'source'"):
        import_hsds(tmp_path / "phone", "chofu")

    organizations, services = _load(exported)
    _without(next(o for o in organizations if o["name"] == "調布市")["contacts"][0], v.LINK_SOURCE)
    _write(tmp_path / "contact", organizations, services)
    with pytest.raises(HsdsError, match=r"contact '福祉総務課' \(id [0-9a-f-]+\): field 'source'"):
        import_hsds(tmp_path / "contact", "chofu")

    organizations, services = _load(exported)
    cafe = _service(services, "eniwa_young_carer_cafe")
    _without(cafe, v.LINK_ELIGIBILITY_SOURCE)
    _write(tmp_path / "eligibility", organizations, services)
    with pytest.raises(HsdsError, match=r"service\[\d+\] '.+' \(id [0-9a-f-]+\): field 'eligibility_source'"):
        import_hsds(tmp_path / "eligibility", "eniwa")


def test_what_the_directory_cannot_hold_is_refused_not_dropped(exported, tmp_path):
    organizations, services = _load(exported)
    plaza = _service(services, "hatoyama_fukushi_plaza")
    schedule = copy.deepcopy(plaza["schedules"][0])
    schedule.update(id=str(uuid.uuid4()), description="日曜 9:00〜12:00", attributes=[])
    plaza["schedules"].append(schedule)
    _write(tmp_path / "two", organizations, services)
    with pytest.raises(HsdsError, match="field 'schedules': holds 2 schedules"):
        import_hsds(tmp_path / "two", "hatoyama")

    organizations, services = _load(exported)
    _service(services, "hatoyama_fukushi_plaza")["status"] = "defunct"
    _write(tmp_path / "defunct", organizations, services)
    with pytest.raises(HsdsError, match="field 'status'"):
        import_hsds(tmp_path / "defunct", "hatoyama")


def test_the_import_checks_the_yaml_as_the_check_command_does(exported, tmp_path):
    organizations, services = _load(exported)
    swc = _service(services, "eniwa_swc")
    attribute = _attributes(swc, v.LINK_DOMAIN)[0]
    attribute["taxonomy_term"] = {"id": str(uuid.uuid4()), "code": "gardening", "name": "園芸", "description": "庭"}
    attribute["taxonomy_term_id"] = attribute["taxonomy_term"]["id"]
    _write(tmp_path, organizations, services)
    with pytest.raises(HsdsError) as raised:
        import_hsds(tmp_path, "eniwa")
    assert swc["id"] in str(raised.value) and "field 'domains'" in str(raised.value)


def test_fields_the_directory_does_not_keep_are_reported(exported, tmp_path):
    organizations, services = _load(exported)
    _service(services, "eniwa_swc")["email"] = "swc@example.jp"
    _write(tmp_path, organizations, services)
    result = import_hsds(tmp_path, "eniwa")
    assert any("'email'" in w and "恵庭市社会福祉協議会" in w for w in result.warnings)


def test_a_municipalitys_own_file_without_our_codes_is_read(exported, tmp_path):
    organizations, services = _load(exported)
    kyogoku = next(o for o in organizations if o["name"] == "京極町")
    kyogoku.pop("organization_identifiers")
    mine = [s for s in services if s["organization_id"] == kyogoku["id"]]
    for service in mine:
        _without(service, v.LINK_WINDOW_ID)
    _write(tmp_path, [kyogoku], mine)
    text = import_hsds(tmp_path, "kyogoku").text
    ids = [w["id"] for w in yaml.safe_load(text)["windows"]]
    assert len(ids) == len(mine) and all(i.startswith("kyogoku_hsds_") for i in ids)


# --- Malformed files give a clear error, never a traceback ------------------------------------------

@pytest.mark.parametrize("services_text, expected", [
    ('[{"id": ', "not valid JSON"),
    ('{"services": []}', "must be a JSON array"),
    ('["a service"]', "must be a JSON object"),
    ('[{"id": "0d1f8a50-54b5-5e35-9b8e-0a83e5b3e0a1", "name": 3, "status": "active"}]', "field 'name'"),
    (b"[\xff\xfe]", "cannot be read as UTF-8"),
])
def test_a_malformed_file_gives_a_clear_error(exported, tmp_path, services_text, expected):
    shutil.copy(exported / "organizations.json", tmp_path / "organizations.json")
    content = services_text if isinstance(services_text, bytes) else services_text.encode("utf-8")
    (tmp_path / "services.json").write_bytes(content)
    done = subprocess.run([sys.executable, "-m", "bot.knowledge", "import", "--hsds", str(tmp_path),
                           "--municipality", "eniwa"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "services.json" in done.stderr and expected in done.stderr


def test_missing_files_and_unknown_codes_are_named(exported, tmp_path):
    with pytest.raises(HsdsError, match="organizations.json.*not found"):
        import_hsds(tmp_path, "eniwa")
    with pytest.raises(HsdsError, match="no organization has the code 'atlantis'"):
        import_hsds(exported, "atlantis")
    with pytest.raises(HsdsError, match="no municipality 'atlantis'"):
        build_dataset(load_directory(), "atlantis")


def test_a_page_of_the_hsds_api_is_read_like_an_array(exported, tmp_path):
    organizations, services = _load(exported)
    _write(tmp_path, {"contents": organizations, "total_items": len(organizations)}, {"contents": services})
    eniwa = v.hsds_id("organization", "eniwa")
    assert import_hsds(tmp_path, "eniwa").windows == sum(1 for s in services if s["organization_id"] == eniwa)


@pytest.mark.parametrize("text", ["ふつうの文", 'quote " and \\ backslash', "line\nbreak", "null", "yes", "on",
                                  "a: b # c", "\u2028separator", "\x85next", "\x7fdel", "絵文字🙂", "- dash", "'"])
def test_yaml_scalars_read_back_exactly(text):
    assert yaml.safe_load(f"key: {_scalar(text)}\n") == {"key": text}


def test_facts_staff_confirmed_and_the_date_verified_make_the_round_trip(tmp_path):
    """A phone a staff member got from the department keeps its own source, and last_verified
    travels as HSDS's assured_date."""
    from bot.knowledge.loader import load_municipality

    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    path = knowledge / "eniwa.yml"
    text = path.read_text(encoding="utf-8")
    confirmed = "担当課確認 2026-11-20（tanaka）"
    text = text.replace("  - id: eniwa_coordinator\n    name: 福祉課（重層支援コーディネーター）\n",
                        "  - id: eniwa_coordinator\n    name: 福祉課（重層支援コーディネーター）\n"
                        f"    last_verified: 2026-11-20\n    phone_source: \"{confirmed}\"\n"
                        f"    name_source: \"{confirmed}\"\n", 1)
    text = text.replace("    phone: null\n    hours: null\n    place: 保健福祉部福祉課",
                        '    phone: "0123-33-3131"\n    hours: null\n    place: 保健福祉部福祉課', 1)
    path.write_text(text, encoding="utf-8")
    original = load_municipality(path)
    coordinator = next(w for w in original.windows if w.id == "eniwa_coordinator")
    assert coordinator.source_of("phone") == confirmed and coordinator.last_verified is not None

    directory = load_directory(knowledge)
    export_hsds(directory, tmp_path / "hsds", "eniwa")
    _, services = _load(tmp_path / "hsds")
    service = _service(services, "eniwa_coordinator")
    assert service["assured_date"] == "2026-11-20"
    assert _attributes(service["phones"][0], v.LINK_SOURCE)[0]["value"] == confirmed
    (tmp_path / "back").mkdir()
    back = tmp_path / "back" / "eniwa.yml"
    back.write_text(import_hsds(tmp_path / "hsds", "eniwa").text, encoding="utf-8")
    returned = next(w for w in load_municipality(back).windows if w.id == "eniwa_coordinator")
    for field in dataclasses.fields(coordinator):
        assert getattr(returned, field.name) == getattr(coordinator, field.name), field.name
    assert load_municipality(back) == original
