"""route_concern: every domain gets a window, compound concerns get the coordinating window,
crisis lines come first — checked on every municipality and on the project test set."""
import shutil

import pytest
import yaml

from bot.knowledge import current_directory, load_directory
from bot.nlu.concern_labels import load_labelled_examples
from bot.paths import KNOWLEDGE_DIR, NLU_EVAL_DIR
from bot.people import Person, people_from_parse
from bot.routing import Fit, Reason, ReferredWindow, Referral, first_window_fits, route_concern, window_fit
from bot.taxonomy import load_taxonomy

DIRECTORY = current_directory()
TEST_CONCERNS = [e for e in load_labelled_examples(NLU_EVAL_DIR) if e.domains]


def assert_good_referral(referral, domains, crisis):
    kinds = [r.window.kind for r in referral.windows]
    assert referral.windows, "a resident never gets no answer"
    if crisis:
        assert kinds[0] == "crisis_line"
    local = [r.window for r in referral.windows if r.window.kind != "crisis_line"]
    for domain in domains:
        assert any(domain in w.domains or w.kind in DIRECTORY.routing.general_kinds for w in local), domain
    if len(set(domains)) >= 2:
        assert any(kind in DIRECTORY.routing.general_kinds for kind in kinds)
        assert referral.compound


@pytest.mark.parametrize("code", sorted(DIRECTORY.municipalities))
def test_every_domain_has_a_window_in_every_municipality(code):
    for domain in load_taxonomy().domain_codes:
        referral = route_concern(DIRECTORY, [domain], False, code)
        assert_good_referral(referral, [domain], False)


@pytest.mark.parametrize("code", sorted(DIRECTORY.municipalities))
def test_project_test_set_concerns_are_covered_in_every_municipality(code):
    for example in TEST_CONCERNS:
        referral = route_concern(DIRECTORY, list(example.domains), example.crisis, code,
                                 ["suicide_self_harm"] if example.crisis else [])
        assert_good_referral(referral, example.domains, example.crisis)


def test_8050_in_eniwa_gets_community_care_and_the_coordinator():
    referral = route_concern(DIRECTORY, ["elderly", "hikikomori", "poverty"], False, "eniwa")
    kinds = [r.window.kind for r in referral.windows]
    assert kinds[0] == "community_care"
    assert "coordination" in kinds
    coordinator = next(r for r in referral.windows if r.window.kind == "coordination")
    assert coordinator.reason == Reason.COORDINATION


@pytest.mark.parametrize("category, first", [
    ("medical_emergency", "fire_ambulance_119"),
    ("violence_now", "police_110"),
    ("child_danger", "police_110"),
    ("suicide_self_harm", "yorisoi"),
])
def test_crisis_lines_come_first_and_fit_the_danger(category, first):
    referral = route_concern(DIRECTORY, ["elderly"], True, "eniwa", [category])
    assert referral.windows[0].window.id == first
    assert referral.windows[-1].window.kind != "crisis_line"


def test_crisis_without_a_municipality_still_gets_the_lines():
    referral = route_concern(DIRECTORY, [], True, None, ["suicide_self_harm"])
    assert [r.window.kind for r in referral.windows] == ["crisis_line"] * len(referral.windows)
    assert referral.windows


def test_no_window_is_listed_twice():
    referral = route_concern(DIRECTORY, list(load_taxonomy().domain_codes), True, "yonago", ["violence_now"])
    assert len(referral.window_ids) == len(set(referral.window_ids))


def test_model_predictions_on_the_test_set_are_routed_well(parse):
    for example in TEST_CONCERNS:
        result = parse(example.text)
        referral = route_concern(DIRECTORY, result["domains"], result["crisis"], "eniwa",
                                 result.get("crisis_categories", []))
        assert_good_referral(referral, result["domains"], result["crisis"])
        if example.crisis:
            assert referral.windows[0].window.kind == "crisis_line", example.text


@pytest.mark.parametrize("domain, expected", [
    ("elderly", {"eniwa_community_care", "eniwa_community_care_higashi"}),  # 地域包括支援センター
    ("disability", {"eniwa_disability_efurat", "eniwa_disability_kikan"}),  # 障がい者相談支援
    ("poverty", {"eniwa_swc"}),                                            # 社会福祉協議会
    ("child", {"eniwa_enikko_center"}),                                    # こども家庭の相談
    ("employment", {"eniwa_work_readiness"}),                              # 就労準備支援
])
def test_a_single_concern_in_eniwa_goes_first_to_its_own_window(domain, expected):
    referral = route_concern(DIRECTORY, [domain], False, "eniwa")
    assert referral.windows[0].window.id in expected, [r.window.id for r in referral.windows]
    assert all(r.window.kind != "coordination" for r in referral.windows), "one domain: no coordinator"


def test_mental_health_in_eniwa_offers_the_national_lines_as_ordinary_options():
    ids = [r.window.id for r in route_concern(DIRECTORY, ["mental_health"], False, "eniwa").windows]
    assert {"kokoro_unified", "yorisoi"} <= set(ids)


# --- Who a window serves ---------------------------------------------------------------------

def people(*entries):
    return people_from_parse([{"relation": r, "age_group": a, "age_text": None} for r, a in entries])


ADULT_CARER_OF_MOTHER = [
    people(("self", "adult"), ("mother", "unknown")),
    people(("self", "unknown"), ("mother", "unknown")),
    people(("mother", "unknown")),  # the writer not mentioned: of unknown age
    [],  # nobody found
]
PUPIL_CARING_FOR_GRANDPARENT = people(("self", "child"), ("grandparent", "unknown"))  # 「中学生です。祖母の介護を…」


@pytest.mark.parametrize("who", ADULT_CARER_OF_MOTHER)
def test_an_adult_caring_for_her_mother_in_eniwa_is_not_sent_to_the_young_carer_cafe(who):
    """「母の介護がしんどいです」 (恵庭市): the café is for ヤングケアラー, children who care."""
    referral = route_concern(DIRECTORY, ["elderly", "carer"], False, "eniwa", people=who)
    assert "eniwa_young_carer_cafe" not in referral.window_ids
    eniwa_centres = {"eniwa_community_care", "eniwa_community_care_higashi"}  # 地域包括支援センター
    assert referral.windows[0].window.id in eniwa_centres
    carer_alone = route_concern(DIRECTORY, ["carer"], False, "eniwa", people=who)
    assert carer_alone.windows[0].window.id in eniwa_centres


def test_a_pupil_caring_for_a_grandparent_gets_the_young_carer_windows():
    eniwa = route_concern(DIRECTORY, ["carer"], False, "eniwa", people=PUPIL_CARING_FOR_GRANDPARENT)
    assert eniwa.windows[0].window.id == "eniwa_young_carer_cafe"
    kamakura = route_concern(DIRECTORY, ["carer", "elderly"], False, "kamakura", people=PUPIL_CARING_FOR_GRANDPARENT)
    assert kamakura.windows[0].window.id == "kamakura_young_carer_place"  # ヤングケアラーの居場所
    assert "kamakura_community_care" in kamakura.window_ids  # and the grandmother's 地域包括支援センター


def test_the_older_parent_of_an_8050_household_keeps_the_centre_for_older_people():
    """The writer's own age counts when written: 「私は80を過ぎ、息子が20年ひきこもっている」."""
    parent = people(("self", "older"), ("son", "adult"))
    referral = route_concern(DIRECTORY, ["elderly", "hikikomori"], False, "tochigi", people=parent)
    assert referral.windows[0].window.id == "tochigi_community_care"
    # A sibling in their forties is not sent to it for the brother's withdrawal.
    sibling = people(("self", "adult"), ("brother", "adult"))
    referral = route_concern(DIRECTORY, ["carer"], False, "tochigi", people=sibling)
    assert "tochigi_community_care" not in referral.window_ids
    assert referral.windows[0].window.kind == "coordination"


def test_a_family_of_a_young_child_goes_to_the_childrens_window_not_to_one_for_older_people():
    family = people(("self", "unknown"), ("son", "child"))
    referral = route_concern(DIRECTORY, ["child"], False, "tochigi", people=family)
    assert referral.windows[0].window.id in {"tochigi_chiiki_kosodate", "tochigi_kodomo_support", "tochigi_kosodate_sedai"}
    # 8050の80の親の会 (山形市) is for the parent: not for a sibling who writes.
    referral = route_concern(DIRECTORY, ["hikikomori"], False, "yamagata", people=people(("self", "adult"), ("brother", "adult")))
    assert "yamagata_katatsumuri" not in referral.window_ids


WHO = [[], PUPIL_CARING_FOR_GRANDPARENT, *ADULT_CARER_OF_MOTHER,
       people(("self", "older")), people(("self", "adult")), people(("self", "child")),
       people(("self", "unknown"), ("son", "child")), people(("self", "adult"), ("brother", "adult")),
       people(("self", "adult"), ("mother", "older"), ("brother", "adult"))]


@pytest.mark.parametrize("code", sorted(DIRECTORY.municipalities))
def test_no_window_is_offered_to_people_it_does_not_serve(code):
    """Everywhere, for every domain and household: no window they are known not to fit, no
    young-carer place for a writer not known to be a child, no meeting of professionals; and
    still a window for every domain."""
    for who in WHO:
        for domain in load_taxonomy().domain_codes:
            referral = route_concern(DIRECTORY, [domain], False, code, people=who)
            assert_good_referral(referral, [domain], False)
            unfit = [r.window.id for r in referral.windows if window_fit(r.window, who) == Fit.NOT]
            assert not unfit, (domain, who, unfit)
        referral = route_concern(DIRECTORY, ["elderly", "carer", "hikikomori"], False, code, people=who)
        assert not [r.window.id for r in referral.windows if window_fit(r.window, who) == Fit.NOT]


def _directory_with(tmp_path, code, marks):
    """A copy of the directory where the windows in `marks` carry the given eligibility."""
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    raw = yaml.safe_load((folder / f"{code}.yml").read_text(encoding="utf-8"))
    for window in raw["windows"]:
        if window["id"] in marks:
            window["eligibility"] = {**marks[window["id"]], "source": window["source"]}
    (folder / f"{code}.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_directory(folder)


def test_a_meeting_of_professionals_is_never_in_a_residents_referral(tmp_path):
    """那須烏山市: were its 情報交換の場 and its coordinating window meetings of professionals
    (residents: false), no resident would be sent to either, whoever they are."""
    meeting = {"residents": False, "description": "関係機関"}
    directory = _directory_with(tmp_path, "nasukarasuyama", {
        "nasukarasuyama_info_exchange": meeting, "nasukarasuyama_coordinator": meeting})
    hidden = {"nasukarasuyama_info_exchange", "nasukarasuyama_coordinator"}
    for who in WHO:
        for domains in [[d] for d in load_taxonomy().domain_codes] + [["isolation", "poverty"], []]:
            referral = route_concern(directory, domains, False, "nasukarasuyama", people=who)
            assert referral.windows and not hidden & set(referral.window_ids), (domains, who)
    # With no coordinating window left, the department answers what nothing else does.
    assert route_concern(directory, ["isolation"], False, "nasukarasuyama").window_ids == ["nasukarasuyama_department"]


def test_unknown_ages_keep_the_kind_routing_prefers():
    """The mother's age unwritten: 調布市's 地域包括支援センター (older people) stays before a
    salon that takes anyone; known to be an adult, the salon it is."""
    mother = route_concern(DIRECTORY, ["elderly"], False, "chofu", people=people(("self", "adult"), ("mother", "unknown")))
    assert mother.windows[0].window.id == "chofu_community_care"
    brother = route_concern(DIRECTORY, ["elderly"], False, "chofu", people=people(("self", "adult"), ("brother", "adult")))
    assert brother.windows[0].window.id == "chofu_hidamari_salon"


def test_first_window_fits_judges_the_first_local_window():
    adult = people(("self", "adult"), ("mother", "unknown"))
    cafe = DIRECTORY.by_id["eniwa_young_carer_cafe"]
    eniwa = DIRECTORY.municipality("eniwa")
    as_before = Referral(eniwa, ("carer",), False, (ReferredWindow(cafe, Reason.DOMAIN, "carer"),))
    assert not first_window_fits(as_before, adult)
    assert first_window_fits(as_before, PUPIL_CARING_FOR_GRANDPARENT)
    assert first_window_fits(route_concern(DIRECTORY, ["carer"], False, "eniwa", people=adult), adult)
    # National lines come first in danger and serve anyone: the judgement is on the local window.
    crisis = route_concern(DIRECTORY, ["carer"], True, "eniwa", ["suicide_self_harm"], people=adult)
    assert crisis.windows[0].window.kind == "crisis_line" and first_window_fits(crisis, adult)
    with_cafe_after_lines = Referral(eniwa, ("carer",), True, crisis.windows[:1] + as_before.windows)
    assert not first_window_fits(with_cafe_after_lines, adult)
    assert first_window_fits(route_concern(DIRECTORY, [], True, None, ["suicide_self_harm"]), adult)


def test_the_evaluation_routes_with_the_people_the_parse_found():
    """bot.evaluate routes as the action server does: with `about` from the same parse."""
    from bot.evaluate import case_result

    about = [{"relation": "self", "age_group": "adult", "age_text": None},
             {"relation": "mother", "age_group": "unknown", "age_text": None}]
    parse = {"intent": {"name": "describe_concern"}, "domains": ["carer"], "crisis": False, "about": about}
    assert case_result({"id": "adult"}, parse, "eniwa")["windows"][0]["id"] != "eniwa_young_carer_cafe"
    parse["about"] = [{"relation": "self", "age_group": "child", "age_text": "中学生"}]
    assert case_result({"id": "pupil"}, parse, "eniwa")["windows"][0]["id"] == "eniwa_young_carer_cafe"
