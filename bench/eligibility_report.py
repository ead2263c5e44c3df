"""Whose window and whose municipality, on frozen messages labelled with who they are about.

`python -m bench.eligibility_report --set 2026-11h [--before-checkout DIR --before-label L] [--write-benchmarks]`

Each checkout's own model reads the messages (`bot.evaluate`) and its own routing answers them
as a resident of every municipality in the directory would be answered. The writers' labels
(`about`, `lives_in`) then judge the answers with today's directory:
- the first local window serves the person (routing's `window_fit` is not NOT for the people
  the writer said the concern is about): over every (message, municipality) pair, and over the
  pairs where the municipality has a window with an age or carer restriction for a domain found;
- the person cared for lives elsewhere in a municipality the directory has: their care is
  referred there first;
- how well the NLU finds who the concern is about (relations, age groups) and where they live.
"""
from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bench.benchmarks_file import replace_section
from bench.unseen_report import DATA, OUT, SCOPE_KINDS, _provenance, predict
from bot.knowledge import current_directory
from bot.knowledge.municipality_lookup import municipality_in_text
from bot.paths import PROJECT_ROOT
from bot.people import people_from_parse
from bot.routing import Fit, window_fit

# Runs inside a checkout (its code, its directory): the answers a resident of each municipality
# gets. An older checkout has no route_household and no people: it routes on domains alone.
ROUTE_IN_CHECKOUT = r"""
import json, sys
import bot.routing as routing
from bot.knowledge import current_directory
try:
    from bot.people import people_from_parse
except ImportError:  # an older checkout: no people
    people_from_parse = None
directory = current_directory()
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
answers = {}
for row in rows:
    per_town = {}
    for code in sorted(directory.municipalities):
        if hasattr(routing, "route_household"):
            household = routing.route_household(directory, row["domains"], row["crisis"], code,
                                                row.get("crisis_categories") or [],
                                                people=people_from_parse(row.get("about")),
                                                lives_in=row.get("lives_in"))
            referrals = household.referrals
        else:
            referrals = [routing.route_concern(directory, row["domains"], row["crisis"], code,
                                               row.get("crisis_categories") or [])]
        per_town[code] = {
            "to": [r.municipality.code if r.municipality else None for r in referrals],
            "local": [w.window.id for r in referrals for w in r.windows if w.window.kind != "crisis_line"],
        }
    answers[row["id"]] = per_town
json.dump(answers, sys.stdout)
"""


def labelled_cases(folder: Path) -> List[dict]:
    cases = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line) if line.strip() else None
            if case and "about" in case and not case.get("danger_now") and case.get("kind") not in SCOPE_KINDS:
                cases.append(case)
    return cases


def route_in(checkout: Path, predictions: Dict[str, dict], label: str) -> Dict[str, dict]:
    rows = OUT / f"eligibility-rows-{label}.jsonl"
    rows.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions.values()), encoding="utf-8")
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    result = subprocess.run([str(python), "-c", ROUTE_IN_CHECKOUT, str(rows)], cwd=checkout,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def _share(hits: int, total: int) -> Optional[float]:
    return hits / total if total else None


def measure(cases: List[dict], predictions: Dict[str, dict], answers: Dict[str, dict]) -> Dict[str, object]:
    directory = current_directory()
    restricted_towns = {
        code for code, town in directory.municipalities.items()
        if any(not w.eligibility.residents or w.eligibility.ages or w.eligibility.serves for w in town.windows)
    }
    pairs = fits = restricted_pairs = restricted_fits = 0
    elsewhere_total = elsewhere_right = 0
    for case in cases:
        people = people_from_parse(case["about"])
        gold_place = municipality_in_text(directory, case["lives_in"]) if case.get("lives_in") else None
        for code, answer in answers[case["id"]].items():
            if answer["local"]:
                window = directory.by_id.get(answer["local"][0])
                # Not in the directory: the municipality's department, made up by routing as the last
                # resort (routing.department_window); it serves anyone.
                fit = window is None or window_fit(window, people) != Fit.NOT
                pairs += 1
                fits += fit
                if code in restricted_towns:
                    restricted_pairs += 1
                    restricted_fits += fit
            if gold_place and gold_place != code and set(predictions[case["id"]]["domains"]) - {"carer"}:
                elsewhere_total += 1
                elsewhere_right += answer["to"][:1] == [gold_place]
    return {
        "first_window_serves": _share(fits, pairs), "pairs": pairs,
        "first_window_serves_where_restricted": _share(restricted_fits, restricted_pairs),
        "restricted_pairs": restricted_pairs,
        "cared_for_elsewhere_referred_there": _share(elsewhere_right, elsewhere_total),
        "elsewhere_pairs": elsewhere_total,
        **who_is_found(cases, predictions),
    }


def who_is_found(cases: List[dict], predictions: Dict[str, dict]) -> Dict[str, object]:
    """The NLU against the writers: relations (micro precision/recall), age groups of the
    relations both found (stated ones only), lives_in found for the messages that state one."""
    tp = fp = fn = ages_right = ages_total = 0
    place_right = place_total = place_false = no_place_total = 0
    directory = current_directory()
    for case in cases:
        found = predictions[case["id"]].get("about") or []
        gold_relations = Counter(p["relation"] for p in case["about"])
        found_relations = Counter(p["relation"] for p in found)
        tp += sum((gold_relations & found_relations).values())
        fp += sum((found_relations - gold_relations).values())
        fn += sum((gold_relations - found_relations).values())
        found_age = {p["relation"]: p.get("age_group") for p in found}
        for person in case["about"]:
            if person.get("age_group") not in (None, "unknown") and person["relation"] in found_age:
                ages_total += 1
                ages_right += found_age[person["relation"]] == person["age_group"]
        predicted_place = predictions[case["id"]].get("lives_in")
        if case.get("lives_in"):
            place_total += 1
            gold_code = municipality_in_text(directory, case["lives_in"])
            same = bool(predicted_place) and (
                (gold_code and municipality_in_text(directory, predicted_place) == gold_code)
                or predicted_place.rstrip("市町村区") in case["lives_in"])
            place_right += same
        else:
            no_place_total += 1
            place_false += bool(predicted_place)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return {
        "relation_precision": precision, "relation_recall": recall,
        "age_group_right": _share(ages_right, ages_total), "ages_stated": ages_total,
        "lives_in_found": _share(place_right, place_total), "lives_in_stated": place_total,
        "lives_in_invented": _share(place_false, no_place_total),
    }


def fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


ROWS: Tuple[Tuple[str, str, str], ...] = (
    ("first_window_serves", "first local window serves the person (every message × municipality)", "pairs"),
    ("first_window_serves_where_restricted", "… in municipalities with a window restricted by age or to carers", "restricted_pairs"),
    ("cared_for_elsewhere_referred_there", "person cared for lives in another listed municipality: referred there first", "elsewhere_pairs"),
    ("relation_precision", "who it is about: relations found that the writer named (precision)", None),
    ("relation_recall", "who it is about: relations the writer named that were found (recall)", None),
    ("age_group_right", "age group right, where the writer stated one", "ages_stated"),
    ("lives_in_found", "where the person cared for lives: found", "lives_in_stated"),
    ("lives_in_invented", "a place given where the writer stated none", None),
)


def table(before: Optional[dict], after: dict, cases: int) -> str:
    lines = [f"Messages labelled with who they are about: {cases} (not danger now, not out of scope); "
             f"each answered as in each of the directory's {len(current_directory().municipalities)} municipalities.",
             "", "| measure | n | before | after |", "|---|---|---|---|"]
    for key, name, count in ROWS:
        n = after.get(count, "") if count else ""
        lines.append(f"| {name} | {n} | {fmt(before.get(key)) if before else '–'} | {fmt(after.get(key))} |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="2026-11h")
    parser.add_argument("--before-checkout", type=Path)
    parser.add_argument("--before-label", default="before")
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args(argv)
    folder = DATA / f"unseen_{args.set}"
    cases = labelled_cases(folder)
    after_predictions = predict(PROJECT_ROOT, cases, "eligibility-after")
    after = measure(cases, after_predictions, route_in(PROJECT_ROOT, after_predictions, "after"))
    before = None
    if args.before_checkout:
        before_predictions = predict(args.before_checkout, cases, "eligibility-before")
        before = measure(cases, before_predictions, route_in(args.before_checkout, before_predictions, "before"))
    text = table(before, after, len(cases))
    print(text)
    if args.write_benchmarks:
        command = ".venv/bin/python -m bench.eligibility_report --set {} {}--write-benchmarks".format(
            args.set, f"--before-checkout <worktree of {args.before_label}> " if args.before_checkout else "")
        replace_section(
            f"eligibility-{args.set}", f"Whose window and whose municipality, set {args.set}", command,
            f"Run {datetime.date.today().isoformat()}; before = {args.before_label}, with its own code, model and "
            f"routing; judged with today's directory (`eligibility` read from the seeds). Frozen set: "
            f"`bench/data/unseen_{args.set}/`. {_provenance(folder)}\n\n{text}",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
