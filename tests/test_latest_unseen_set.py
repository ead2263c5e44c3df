"""Recent frozen sets of strangers' messages, through the trained pipeline residents hit.

Each set (bench/data/unseen_<set>) was written by people who saw neither rules nor data, and
measured with a final model no change was tuned to (BENCHMARKS.md, that set's section); three
recent ones whose lines nobody here has read are here (each costs CI twenty seconds). Floors sit
a little under those figures, ceilings at issue 8's targets: a change that loses people in danger, raises false alarms or loses domains,
in Japanese or English, fails here.
"""
from dataclasses import dataclass
from typing import Dict

import pytest

from bench.unseen_report import DATA, load_set


@dataclass(frozen=True)
class Floors:
    reached: float
    direct: float
    domains: Dict[str, float]
    # Share of questions to the city that are not welfare given the out-of-scope answer and no domain.
    out_of_scope: float
    banner: float = 0.05
    question: float = 0.10


SETS = {
    # Measured on 2026-12-03 with the model CI trains (session 26's final model, 67cd0e1, unchanged
    # in session 27), on which nothing was tuned and none of whose lines has been read. bd: reached
    # 1.000, directly 0.988, domains 0.869 (English 0.858, Japanese 0.874), out-of-scope answer
    # 0.933. be (session 27): reached 0.988, directly 0.975, domains 0.890 (English 0.900, Japanese
    # 0.885), out-of-scope answer 0.967. bf (session 27): reached 1.000, directly 0.975, domains
    # 0.899 (English 0.906, Japanese 0.896), out-of-scope answer 0.967. Banners and questions on
    # calm messages are 0.022–0.035 and 0.061–0.078 on the three. Sets bb and bc gave their places
    # to be and bf: each set costs CI twenty seconds. bf again on 2026-12-04 (session 29), after the
    # ordinary concerns of the used sets became training data: reached 1.000, directly 0.975,
    # domains 0.910 (English 0.914, Japanese 0.908), out-of-scope answer 0.967; banner 0.024 and
    # question 0.072 as before (the crisis detector does not learn from those concerns).
    "2026-11bd": Floors(0.97, 0.97, {"all": 0.86, "english": 0.845, "japanese": 0.865}, out_of_scope=0.9),
    "2026-11be": Floors(0.975, 0.96, {"all": 0.88, "english": 0.89, "japanese": 0.875}, out_of_scope=0.93),
    "2026-11bf": Floors(0.975, 0.96, {"all": 0.90, "english": 0.905, "japanese": 0.90}, out_of_scope=0.93),
}


@pytest.fixture(scope="module", params=sorted(SETS))
def frozen(request, parse):
    cases = load_set(DATA / f"unseen_{request.param}")
    parsed = {role: [(case, parse(case["text"])) for case in group] for role, group in cases.items()}
    return SETS[request.param], parsed


def test_people_in_danger_reach_the_lines(frozen):
    floors, parsed = frozen
    danger = [result for _, result in parsed["danger"]]
    reached = sum(r["crisis"] or r["safety_check"] for r in danger) / len(danger)
    direct = sum(r["crisis"] for r in danger) / len(danger)
    assert reached >= floors.reached, f"reached {reached:.3f}"
    assert direct >= floors.direct, f"directly {direct:.3f}"


def test_calm_messages_rarely_raise_the_banner_or_the_question(frozen):
    floors, parsed = frozen
    calm = [result for role in ("lookalike", "ordinary", "scope") for _, result in parsed[role]]
    banner = sum(r["crisis"] for r in calm) / len(calm)
    question = sum(r["safety_check"] and not r["crisis"] for r in calm) / len(calm)
    assert banner <= floors.banner, f"banner {banner:.3f}"
    assert question <= floors.question, f"question {question:.3f}"


@pytest.mark.parametrize("group", ["all", "english", "japanese"])
def test_ordinary_concerns_get_their_domains(frozen, group):
    floors, parsed = frozen
    tp = wrong = 0
    for case, result in parsed["ordinary"]:
        language = "english" if case.get("style") == "english" else "japanese"
        if group not in ("all", language):
            continue
        gold, found = set(case["domains"]), set(result.get("domains") or [])
        tp, wrong = tp + len(gold & found), wrong + len(gold ^ found)
    f1 = 2 * tp / (2 * tp + wrong)
    assert f1 >= floors.domains[group], f"{group} domain micro-F1 {f1:.3f}"


def test_questions_that_are_not_welfare_get_the_out_of_scope_answer(frozen):
    floors, parsed = frozen
    scope = [result for _, result in parsed["scope"]]
    answered = sum(_intent(r) == "out_of_scope" and not r.get("domains") for r in scope) / len(scope)
    assert answered >= floors.out_of_scope, f"out-of-scope answer {answered:.3f}"


def test_ordinary_concerns_are_not_sent_away_as_out_of_scope(frozen):
    _, parsed = frozen
    sent_away = [case["id"] for case, result in parsed["ordinary"] if _intent(result) == "out_of_scope"]
    assert len(sent_away) <= 0.01 * len(parsed["ordinary"]), f"{len(sent_away)} concerns called out of scope: {sent_away}"


def _intent(result):
    return (result.get("intent") or {}).get("name")
