"""Crisis model variants compared on the unseen sets already read, without a whole `rasa train`.

    .venv/bin/python -m bench.crisis_variants --variant '{}' --variant '{"word_vector_weight": 0.5}' \
        [--sets 2026-11u,...] [--calm-file FILE.jsonl]

Trains only the learned crisis model (bot/nlu/crisis_model.py), once per variant (CrisisDetector's
config overrides on top of config.yml's), on the project's NLU data tokenized as the pipeline does,
and judges the danger-now and calm messages of the given sets as CrisisDetector.judge would (rules
first, the model's doubt about a rule hit, then its two thresholds; the intent is not known here).
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

import numpy as np
import yaml
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bench.domain_variants import tokenized, training_messages
from bench.unseen_report import DATA, load_set
from bot.nlu.concern_labels import labelled_crisis
from bot.nlu.crisis_detector import CrisisDetector
from bot.nlu.crisis_model import CrisisModel, CrisisModelSettings
from bot.nlu.crisis_rules import CrisisFinding, load_crisis_rules
from bot.nlu.message_features import message_vector, variant_messages
from bot.paths import PROJECT_ROOT

READ_SETS = "2026-11u,2026-11v,2026-11w,2026-11x,2026-11y,2026-11z,2026-11ab"
RULES = load_crisis_rules()


def detector_config() -> dict:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    own = next(c for c in config["pipeline"] if c["name"].endswith("CrisisDetector"))
    return {**CrisisDetector.get_default_config(), **{k: v for k, v in own.items() if k != "name"}}


def rules_on(message: Message) -> CrisisFinding:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return RULES.detect(message.get(TEXT) or "", [(t.text, t.lemma, t.start) for t in tokens])


def fit(config: dict, messages: List[Message]) -> CrisisModel:
    examples, groups = list(messages), list(range(len(messages)))
    if config["writing_variants"]:
        for index, variant in variant_messages(messages):
            variant.set("metadata", messages[index].get("metadata"))
            examples.append(variant)
            groups.append(index)
    findings = [rules_on(m) for m in examples]
    settings = CrisisModelSettings(**{k: config[k] for k in CrisisModelSettings.__dataclass_fields__})
    return CrisisModel.fit(
        [CrisisDetector._features(m, f) for m, f in zip(examples, findings)],
        np.vstack([message_vector(m) for m in examples]),
        np.array([labelled_crisis(m) for m in examples], dtype=bool),
        [CrisisDetector._category_label(m, f) for m, f in zip(examples, findings)],
        settings, np.array(groups), np.array([f.is_crisis for f in findings], dtype=bool))


def outcome(model: CrisisModel, text: str) -> str:
    """'direct', 'question' or 'none', as CrisisDetector.judge decides for a concern."""
    message = tokenized(text)
    finding = rules_on(message)
    score = model.estimate(CrisisDetector._features(message, finding), message_vector(message)).score
    if finding.is_crisis:
        doubted = (score < model.rule_doubt and not RULES.plainly_stated(text)) or RULES.doubted(text)
        return "question" if doubted else "direct"
    return "direct" if score >= model.high else "question" if score >= model.low else "none"


def judged(model: CrisisModel, danger: List[str], calm: Dict[str, List[str]]) -> Dict[str, float]:
    results = [outcome(model, text) for text in danger]
    row = {"direct": results.count("direct") / len(danger),
           "reached": (len(results) - results.count("none")) / len(danger)}
    for name, texts in calm.items():
        found = [outcome(model, text) for text in texts]
        row[f"{name} banner"] = found.count("direct") / len(texts)
        row[f"{name} question"] = found.count("question") / len(texts)
    return row


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", required=True, help="JSON config overrides")
    parser.add_argument("--sets", default=READ_SETS)
    parser.add_argument("--calm-file", type=Path)
    args = parser.parse_args(argv)
    danger, calm_sets = [], []
    for name in args.sets.split(","):
        cases = load_set(DATA / f"unseen_{name}")
        danger += [c["text"] for c in cases["danger"]]
        calm_sets += [c["text"] for role in ("lookalike", "ordinary", "scope") for c in cases[role]]
    calm = {"sets": calm_sets}
    if args.calm_file:
        calm["file"] = [json.loads(line)["text"] for line in args.calm_file.read_text(encoding="utf-8").splitlines()
                        if line.strip()]
    messages = training_messages()
    base = detector_config()
    print(f"{len(danger)} danger-now and {len(calm_sets)} calm messages of {args.sets}; "
          f"{len(calm.get('file', []))} calm messages from the file", flush=True)
    for overrides in args.variant:
        model = fit({**base, **json.loads(overrides)}, messages)
        row = judged(model, danger, calm)
        print(overrides, " ".join(f"{k}={v:.3f}" for k, v in row.items()),
              f"(high {model.high:.3f}, low {model.low:.3f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
