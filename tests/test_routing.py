"""route_concern: every domain gets a window, compound concerns get the coordinating window,
crisis lines come first — checked on every municipality and on the project test set."""
import pytest

from bot.knowledge import current_directory
from bot.nlu.concern_labels import load_labelled_examples
from bot.paths import NLU_EVAL_DIR
from bot.routing import Reason, route_concern
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
