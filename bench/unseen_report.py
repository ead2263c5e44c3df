"""Crisis, domains, English and out-of-scope on messages by writers who never saw the project.

    .venv/bin/python -m bench.unseen_report [--set 2026-11] [--before-checkout DIR] [--write-benchmarks]

`bench/data/unseen_<set>/` is frozen: written by helpers who saw neither rules nor data nor
each other's sets, never trained on, never used to tune a rule or a threshold. The cases go
through `python -m bot.evaluate` of a checkout (this one, and with --before-checkout an older
one with its own trained model), so what is measured is the server's own parse. Multi-turn
conversations are judged with bot.dialogue.conversation_risk, the function CrisisPolicy uses.

A danger-now message "reaches the lines directly" when the parse says crisis, "after the
safety question" when it says safety_check (the bot asks first; anything but a clear no then
gives the lines).
"""
from __future__ import annotations

import argparse
import collections
import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from bench.benchmarks_file import replace_section
from bot.dialogue.conversation_risk import CRISIS, UNCERTAIN, Turn, judge
from bot.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "bench" / "data"
OUT = PROJECT_ROOT / "bench" / "out" / "unseen"
MIN_STYLE_SIZE = 20
SCOPE_KINDS = ("municipal_non_welfare", "off_topic")


def role(case: dict) -> str:
    """What a frozen case measures, read from its own labels (any file of any set)."""
    if "turns" in case:
        return "conversation"
    if case.get("danger_now"):
        return "danger"
    if case.get("kind") in SCOPE_KINDS:
        return "scope"
    return "lookalike" if "kind" in case else "ordinary"


def load_set(folder: Path) -> Dict[str, List[dict]]:
    cases: Dict[str, List[dict]] = collections.defaultdict(list)
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                cases[role(case)].append(case)
    return cases


def predict(checkout: Path, cases: List[dict], label: str) -> Dict[str, dict]:
    """Runs `bot.evaluate` of `checkout` (its code, its model) over the cases."""
    OUT.mkdir(parents=True, exist_ok=True)
    cases_path = OUT / f"cases-{label}.jsonl"
    cases_path.write_text("".join(json.dumps({"id": c["id"], "text": c["text"]}, ensure_ascii=False) + "\n"
                                  for c in cases), encoding="utf-8")
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    result = subprocess.run([str(python), "-m", "bot.evaluate", str(cases_path)], cwd=checkout,
                            capture_output=True, text=True, check=True)
    predictions = {}
    for line in result.stdout.splitlines():
        row = json.loads(line)
        predictions[row["id"]] = row
    (OUT / f"predictions-{label}.jsonl").write_text(result.stdout, encoding="utf-8")
    return predictions


def micro_f1(pairs: Iterable[Tuple[set, set]]) -> Tuple[float, float, int]:
    tp = fp = fn = exact = count = 0
    for gold, found in pairs:
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
        exact += gold == found
        count += 1
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f1, (exact / count if count else 0.0), count


def conversation_outcome(conversation: dict, predictions: Dict[str, dict]) -> str:
    """'direct', 'question' or 'none': the strongest answer any turn of it got."""
    turns: List[Turn] = []
    outcome = "none"
    for number, text in enumerate(conversation["turns"], start=1):
        row = predictions[f"{conversation['id']}#{number}"]
        # bot.evaluate prints the intent's name and confidence apart; the parse data nests them.
        parse = {**row, "intent": {"name": row["intent"], "confidence": row.get("intent_confidence") or 0.0}}
        turns.append(Turn(text, parse))
        level = judge(turns).level
        if level == CRISIS:
            return "direct"
        if level == UNCERTAIN:
            outcome = "question"
    return outcome


def measure(folder: Path, predictions: Dict[str, dict]) -> Dict[str, object]:
    cases = load_set(folder)
    danger, ordinary, scope = cases["danger"], cases["ordinary"], cases["scope"]
    calm = cases["lookalike"] + ordinary + scope
    conversations = cases["conversation"]
    p = predictions
    direct = [c for c in danger if p[c["id"]]["crisis"]]
    asked = [c for c in danger if not p[c["id"]]["crisis"] and p[c["id"]].get("safety_check")]
    by_category = collections.defaultdict(lambda: [0, 0, 0])
    for c in danger:
        row = by_category[c["category"]]
        row[0] += 1
        row[1] += p[c["id"]]["crisis"] or bool(p[c["id"]].get("safety_check"))
        row[2] += (p[c["id"]].get("crisis_categories") or [None])[0] == c["category"]
    results: Dict[str, object] = {
        "danger": len(danger),
        # A set may hold no danger-now messages (2026-11c measures domains only).
        "direct": _share(danger, lambda c: c in direct),
        "via_question": _share(danger, lambda c: c in asked),
        "reached": _share(danger, lambda c: c in direct or c in asked),
        "calm": len(calm),
        "banner_false_alarms": sum(p[c["id"]]["crisis"] for c in calm) / len(calm),
        "question_rate": sum(bool(p[c["id"]].get("safety_check")) and not p[c["id"]]["crisis"]
                             for c in calm) / len(calm),
        "by_category": {k: tuple(v) for k, v in sorted(by_category.items())},
    }
    styles = collections.defaultdict(list)
    for c in ordinary:
        pair = (set(c["domains"]), set(p[c["id"]]["domains"]))
        styles["all"].append(pair)
        styles[c["style"]].append(pair)
    results["domains"] = {style: micro_f1(pairs) for style, pairs in sorted(styles.items())}
    english_danger = [c for c in danger if c["style"] == "english"]
    english_calm = [c for c in calm if c["style"] == "english" and c not in scope]
    results["english"] = {
        "danger_reached": _share(english_danger, lambda c: p[c["id"]]["crisis"] or p[c["id"]].get("safety_check")),
        "danger_direct": _share(english_danger, lambda c: p[c["id"]]["crisis"]),
        "calm_banner": _share(english_calm, lambda c: p[c["id"]]["crisis"]),
        "detected_as_english": _share(english_danger + english_calm, lambda c: p[c["id"]].get("language") == "en"),
    }
    results["out_of_scope"] = {
        "accuracy": _share(scope, lambda c: p[c["id"]]["intent"] == "out_of_scope" and not p[c["id"]]["domains"]),
        "no_welfare_domain": _share(scope, lambda c: not p[c["id"]]["domains"]),
        "concerns_wrongly_out_of_scope": _share(ordinary, lambda c: p[c["id"]]["intent"] == "out_of_scope"),
    }
    outcomes = {c["id"]: conversation_outcome(c, p) for c in conversations}
    conv_danger = [c for c in conversations if c["danger_now"]]
    conv_calm = [c for c in conversations if not c["danger_now"]]
    results["conversations"] = {
        "danger": len(conv_danger),
        "direct": _share(conv_danger, lambda c: outcomes[c["id"]] == "direct"),
        "reached": _share(conv_danger, lambda c: outcomes[c["id"]] != "none"),
        "calm": len(conv_calm),
        "calm_banner": _share(conv_calm, lambda c: outcomes[c["id"]] == "direct"),
        "calm_question": _share(conv_calm, lambda c: outcomes[c["id"]] == "question"),
    }
    results["missed"] = [c["id"] for c in danger if c not in direct and c not in asked]
    return results


def _share(cases: List[dict], test) -> Optional[float]:
    return sum(1 for c in cases if test(c)) / len(cases) if cases else None


def all_cases(folder: Path) -> List[dict]:
    by_role = load_set(folder)
    cases = [c for name in ("danger", "lookalike", "ordinary", "scope") for c in by_role[name]]
    for conversation in by_role["conversation"]:
        cases += [{"id": f"{conversation['id']}#{n}", "text": t} for n, t in enumerate(conversation["turns"], 1)]
    return cases


def _provenance(folder: Path) -> str:
    """The paragraph of the set's README that says who wrote it and whether it was learned from."""
    readme = folder / "README.md"
    if not readme.exists():
        return ""
    return " ".join(readme.read_text(encoding="utf-8").split("\n\n")[1].split())


def fmt(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.3f}"


def table(before: Optional[dict], after: dict) -> str:
    def row(name: str, getter, target: str = "") -> str:
        old = fmt(getter(before)) if before else "–"
        return f"| {name} | {old} | {fmt(getter(after))} | {target} |"

    lines = [
        f"Danger-now messages: {after['danger']}; non-danger messages: {after['calm']} "
        f"(look-alikes, hard negatives, ordinary concerns, out-of-scope); "
        f"conversations: {after['conversations']['danger']} danger + {after['conversations']['calm']} calm.",
        "",
        "| measure | before | after | target |",
        "|---|---|---|---|",
        row("danger-now reaches the crisis lines (directly or after the safety question)", lambda r: r["reached"], "≥ 0.95"),
        row("… directly (lines first)", lambda r: r["direct"], "≥ 0.85"),
        row("… after the safety question", lambda r: r["via_question"]),
        row("banner false alarms on non-danger messages", lambda r: r["banner_false_alarms"], "≤ 0.05"),
        row("safety question on non-danger messages", lambda r: r["question_rate"], "≤ 0.10"),
        row("conversations: danger in the last turn reached", lambda r: r["conversations"]["reached"]),
        row("conversations: … directly", lambda r: r["conversations"]["direct"]),
        row("conversations: calm ones with a banner", lambda r: r["conversations"]["calm_banner"]),
        row("conversations: calm ones with a question", lambda r: r["conversations"]["calm_question"]),
        row("English danger reached", lambda r: r["english"]["danger_reached"]),
        row("English danger directly", lambda r: r["english"]["danger_direct"]),
        row("English non-danger with a banner", lambda r: r["english"]["calm_banner"]),
        row("English messages answered in English", lambda r: r["english"]["detected_as_english"]),
        row("out-of-scope questions: out_of_scope and no welfare domain", lambda r: r["out_of_scope"]["accuracy"]),
        row("out-of-scope questions: no welfare domain", lambda r: r["out_of_scope"]["no_welfare_domain"]),
        row("ordinary concerns wrongly called out of scope", lambda r: r["out_of_scope"]["concerns_wrongly_out_of_scope"]),
        "",
        "Crisis by category (reached, first category right):",
        "",
        "| category | messages | before reached | after reached | after category right |",
        "|---|---|---|---|---|",
    ]
    for code, (count, reached, right) in after["by_category"].items():
        old = before["by_category"].get(code) if before else None
        old_reached = f"{old[1] / old[0]:.3f}" if old else "–"
        lines.append(f"| {code} | {count} | {old_reached} | {reached / count:.3f} | {right / count:.3f} |")
    lines += [
        "",
        "Domains on ordinary concerns, by writing style (micro-F1 / exact set; target F1 ≥ 0.88 overall, "
        f"≥ 0.85 per style with {MIN_STYLE_SIZE}+ messages):",
        "",
        "| style | messages | before F1 | after F1 | before exact | after exact |",
        "|---|---|---|---|---|---|",
    ]
    for style, (f1, exact, count) in after["domains"].items():
        old = before["domains"].get(style) if before else None
        lines.append(f"| {style} | {count} | {fmt(old[0]) if old else '–'} | {f1:.3f} | "
                     f"{fmt(old[1]) if old else '–'} | {exact:.3f} |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="2026-11", help="which frozen set under bench/data/unseen_<set>/")
    parser.add_argument("--before-checkout", type=Path, help="an older checkout with its trained model")
    parser.add_argument("--before-label", default="before", help="how to name the older checkout")
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args(argv)
    folder = DATA / f"unseen_{args.set}"
    cases = all_cases(folder)
    after = measure(folder, predict(PROJECT_ROOT, cases, "after"))
    before = measure(folder, predict(args.before_checkout, cases, "before")) if args.before_checkout else None
    text = table(before, after)
    print(text)
    print("\nmissed danger-now ids:", " ".join(after["missed"]))
    if args.write_benchmarks:
        command = ".venv/bin/python -m bench.unseen_report --set {} {}--write-benchmarks".format(
            args.set, f"--before-checkout <worktree of {args.before_label}> " if args.before_checkout else "")
        replace_section(
            f"unseen-{args.set}",
            f"Unseen writers, set {args.set}: crisis, domains, English, out of scope",
            command,
            f"Run {datetime.date.today().isoformat()}; "
            + (f"before = {args.before_label}, with its own trained model. " if args.before_checkout
               else "this checkout's model alone (no before). ")
            + f"Frozen set: `bench/data/unseen_{args.set}/`. {_provenance(folder)}\n\n{text}",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
