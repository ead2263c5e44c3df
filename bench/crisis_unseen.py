"""Crisis rules on messages from writers who never saw them: recall and false alarms.

    .venv/bin/python -m bench.crisis_unseen [--before GIT_REF]

`bench/data/crisis_holdout.yml` is held out: never train on it, never widen the rules from it.
`--before` also scores the rules as they were at a git revision, for the same messages.
"""
from __future__ import annotations

import argparse
import subprocess

import yaml

from bot.nlu.crisis import RULES_PATH, CrisisRules
from bot.paths import PROJECT_ROOT

HOLDOUT = PROJECT_ROOT / "bench" / "data" / "crisis_holdout.yml"


def score(rules: CrisisRules, examples) -> str:
    danger = [e for e in examples if e["metadata"]["crisis"]]
    ordinary = [e for e in examples if not e["metadata"]["crisis"]]
    caught = sum(rules.detect(e["text"]).is_crisis for e in danger)
    alarms = sum(rules.detect(e["text"]).is_crisis for e in ordinary)
    return (f"recall {caught}/{len(danger)} = {caught / len(danger):.3f}; "
            f"false alarms {alarms}/{len(ordinary)} = {alarms / len(ordinary):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision whose crisis_rules.yml to compare with")
    args = parser.parse_args()
    examples = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))["nlu"][0]["examples"]
    if args.before:
        old = subprocess.run(["git", "show", f"{args.before}:bot/nlu/crisis_rules.yml"], cwd=PROJECT_ROOT,
                             check=True, capture_output=True, text=True).stdout
        print(f"rules at {args.before}: {score(CrisisRules(yaml.safe_load(old)), examples)}")
    print(f"rules now: {score(CrisisRules(yaml.safe_load(RULES_PATH.read_text(encoding='utf-8'))), examples)}")


if __name__ == "__main__":
    main()
