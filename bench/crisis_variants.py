"""Crisis model variants compared on the unseen sets already read, without a whole `rasa train`.

    .venv/bin/python -m bench.crisis_variants --variant '{}' --variant '{"word_vector_weight": 0.5}' \
        [--sets 2026-11u,...] [--calm-file FILE.jsonl]

Trains only the learned crisis model (CrisisDetector.fit_model), once per variant (CrisisDetector's
config overrides on top of config.yml's), on the project's NLU data tokenized as the pipeline does,
and judges the danger-now and calm messages of the given sets with CrisisDetector.judge (rules first,
the model's doubt about a rule hit, then its two thresholds; the intent is not known here).
`--calm-file` adds messages that are not danger now (one JSON object with "text" a line), such as
the short chat lines residents also type. For choosing a setting on sets already read; a choice is
then measured on a fresh set with `bench.unseen_report`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bench.domain_variants import tokenized, training_messages
from bench.unseen_report import DATA, load_set
from bot.nlu.crisis_detector import CrisisDetector
from bot.paths import PROJECT_ROOT

READ_SETS = "2026-11u,2026-11v,2026-11w,2026-11x,2026-11y,2026-11z,2026-11ab"


def detector_config() -> dict:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    own = next(c for c in config["pipeline"] if c["name"].endswith("CrisisDetector"))
    return {k: v for k, v in own.items() if k != "name"}


def outcome(judge: CrisisDetector, text: str) -> str:
    """'direct', 'question' or 'none': CrisisDetector.judge's own verdict on the message."""
    result = judge.judge(tokenized(text))
    return "direct" if result["crisis"] else "question" if result["safety_check"] else "none"


def judged(judge: CrisisDetector, danger: Dict[str, List[str]], calm: Dict[str, List[str]]) -> Dict[str, float]:
    row = {}
    for name, texts in danger.items():
        results = [outcome(judge, text) for text in texts]
        row[f"{name} direct"] = results.count("direct") / len(texts)
        row[f"{name} reached"] = (len(results) - results.count("none")) / len(texts)
    for name, texts in calm.items():
        found = [outcome(judge, text) for text in texts]
        row[f"{name} banner"] = found.count("direct") / len(texts)
        row[f"{name} question"] = found.count("question") / len(texts)
    return row


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", required=True, help="JSON config overrides")
    parser.add_argument("--sets", default=READ_SETS)
    parser.add_argument("--calm-file", type=Path)
    args = parser.parse_args(argv)
    danger_cases, calm_cases = [], []
    for name in args.sets.split(","):
        cases = load_set(DATA / f"unseen_{name}")
        danger_cases += cases["danger"]
        calm_cases += [c for role in ("lookalike", "ordinary", "scope") for c in cases[role]]
    danger = {"danger": [c["text"] for c in danger_cases],
              "English danger": [c["text"] for c in danger_cases if c.get("style") == "english"]}
    calm_sets = [c["text"] for c in calm_cases]
    calm = {"sets": calm_sets, "English": [c["text"] for c in calm_cases if c.get("style") == "english"]}
    if args.calm_file:
        calm["file"] = [json.loads(line)["text"] for line in args.calm_file.read_text(encoding="utf-8").splitlines()
                        if line.strip()]
    messages = training_messages(holding_out=(c["text"] for c in danger_cases + calm_cases))
    base = detector_config()
    print(f"{len(danger['danger'])} danger-now and {len(calm_sets)} calm messages of {args.sets}; "
          f"{len(calm.get('file', []))} calm messages from the file", flush=True)
    for overrides in args.variant:
        config = {**base, **json.loads(overrides)}
        # No model storage: the model is fitted as `rasa train` fits it, and never saved.
        model = CrisisDetector(config, None, None).fit_model(messages)
        row = judged(CrisisDetector(config, None, None, model=model), danger, calm)
        print(overrides, " ".join(f"{k}={v:.3f}" for k, v in row.items()),
              f"(high {model.high:.3f}, low {model.low:.3f}; per language {model.language_bands})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
