"""The newest frozen set of strangers' messages, through the trained pipeline residents hit.

Set 2026-11ac (bench/data/unseen_2026-11ac) was written by people who saw neither rules nor data and
measured with the final model of the session that built it (BENCHMARKS.md, set 2026-11ac). Floors
sit a little under those figures, ceilings at issue 8's targets: a change that loses people in danger, raises false alarms
or loses domains, in Japanese or English, fails here.
"""
import pytest

from bench.unseen_report import DATA, load_set

SET = "2026-11ac"
# Measured on 2026-11-30 (session 12): reached 1.000, directly 0.975, banner 0.026, question 0.050;
# domains micro-F1 0.866 (English 0.887, Japanese 0.856).
FLOOR_REACHED = 0.97
FLOOR_DIRECT = 0.95
CEILING_BANNER = 0.05
CEILING_QUESTION = 0.10
FLOOR_DOMAINS = {"all": 0.855, "english": 0.875, "japanese": 0.845}


@pytest.fixture(scope="module")
def latest(parse):
    cases = load_set(DATA / f"unseen_{SET}")
    return {role: [(case, parse(case["text"])) for case in group] for role, group in cases.items()}


def test_people_in_danger_reach_the_lines(latest):
    danger = [result for _, result in latest["danger"]]
    reached = sum(r["crisis"] or r["safety_check"] for r in danger) / len(danger)
    direct = sum(r["crisis"] for r in danger) / len(danger)
    assert reached >= FLOOR_REACHED, f"reached {reached:.3f}"
    assert direct >= FLOOR_DIRECT, f"directly {direct:.3f}"


def test_calm_messages_rarely_raise_the_banner_or_the_question(latest):
    calm = [result for role in ("lookalike", "ordinary", "scope") for _, result in latest[role]]
    banner = sum(r["crisis"] for r in calm) / len(calm)
    question = sum(r["safety_check"] and not r["crisis"] for r in calm) / len(calm)
    assert banner <= CEILING_BANNER, f"banner {banner:.3f}"
    assert question <= CEILING_QUESTION, f"question {question:.3f}"


@pytest.mark.parametrize("group", sorted(FLOOR_DOMAINS))
def test_ordinary_concerns_get_their_domains(latest, group):
    tp = wrong = 0
    for case, result in latest["ordinary"]:
        language = "english" if case.get("style") == "english" else "japanese"
        if group not in ("all", language):
            continue
        gold, found = set(case["domains"]), set(result.get("domains") or [])
        tp, wrong = tp + len(gold & found), wrong + len(gold ^ found)
    f1 = 2 * tp / (2 * tp + wrong)
    assert f1 >= FLOOR_DOMAINS[group], f"{group} domain micro-F1 {f1:.3f}"
