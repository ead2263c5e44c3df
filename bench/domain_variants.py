"""Domain model variants compared on the unseen sets already read, without a whole `rasa train`.

    .venv/bin/python -m bench.domain_variants --variant '{}' --variant '{"neighbour_weight": 0}' \
        [--sets 2026-11b,...] [--write-benchmarks]

Trains only the DomainClassifier, once per variant (its config overrides on top of the
component's defaults), on the project's NLU data tokenized as the pipeline does, and scores the
ordinary concerns of the given sets as if each were read as a concern. Those concerns are left
out of what it learns from (the sets already used are training data: bench/read_sets_training.py). For choosing a setting
on sets that have already been read and learned from; a choice is then measured on a fresh set
with `bench.unseen_report` (a set used here is no longer unseen).
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bench.benchmarks_file import replace_section
from bench.unseen_report import DATA, load_set
from bot.nlu.concern_labels import labelled_domains
from bot.nlu.domain_classifier import DomainClassifier
from bot.nlu.japanese_tokenizer import japanese_tokens
from bot.paths import PROJECT_ROOT

READ_SETS = "2026-11b,2026-11c,2026-11d,2026-11f,2026-11g,2026-11h,2026-11i,2026-11j,2026-11k,2026-11l"
Counts = Dict[str, List[int]]


def tokenized(text: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(TOKENS_NAMES[TEXT], japanese_tokens(text))
    return message


def training_messages(holding_out: Iterable[str] = ()) -> List[Message]:
    """The project's NLU examples, tokenized; none whose text is in `holding_out`: the ordinary
    concerns of the sets already used are training data now (bench/read_sets_training.py), so a
    comparison on them must leave them out of what it learns from."""
    importer = TrainingDataImporter.load_from_dict(
        config_path=str(PROJECT_ROOT / "config.yml"), domain_path=str(PROJECT_ROOT / "domain.yml"),
        training_data_paths=[str(PROJECT_ROOT / "data")])
    held_out = {text.strip() for text in holding_out}
    messages = [m for m in importer.get_nlu_data().nlu_examples
                if m.get(TEXT) and m.get(TEXT).strip() not in held_out]
    for message in messages:
        message.set(TOKENS_NAMES[TEXT], japanese_tokens(message.get(TEXT)))
    return messages


def concerns(sets: List[str]) -> List[dict]:
    cases = []
    for name in sets:
        for case in load_set(DATA / f"unseen_{name}")["ordinary"]:
            if case.get("text") and case.get("domains"):
                cases.append({**case, "set": name})
    return cases


def concerns_share(messages: List[Message], share: float) -> List[Message]:
    """Every message but the labelled concerns, and `share` of those (the same ones each run)."""
    labelled = [m for m in messages if m.get(INTENT) == "describe_concern" and labelled_domains(m)]
    dropped = set(map(id, labelled)) - set(map(id, random.Random(0).sample(labelled, round(len(labelled) * share))))
    return [m for m in messages if id(m) not in dropped]


def score_variant(overrides: dict, messages: List[Message], cases: List[dict]) -> Tuple[Counts, float]:
    """(true positives, errors) per group, and the training time in seconds.

    `"training_share": 0.5` among the overrides trains on half the labelled concerns: how much the
    figures still grow with more examples (a learning curve), not a setting of the component."""
    overrides = dict(overrides)
    share = float(overrides.pop("training_share", 1.0))
    if share < 1.0:
        messages = concerns_share(messages, share)
    with tempfile.TemporaryDirectory() as folder:
        classifier = DomainClassifier({**DomainClassifier.get_default_config(), **overrides},
                                      LocalModelStorage(Path(folder)), Resource("domains"))
        started = time.perf_counter()
        classifier.train(TrainingData(messages))
        seconds = time.perf_counter() - started
        counts: Counts = collections.defaultdict(lambda: [0, 0])
        for case in cases:
            message = tokenized(case["text"])
            message.set(INTENT, {"name": "describe_concern", "confidence": 1.0})
            classifier.process([message])
            gold, found = set(case["domains"]), set(message.get("domains") or [])
            language = "English" if case.get("style") == "english" else "Japanese"
            for group in ("all", language, f"set {case['set']}", case.get("style") or "?"):
                counts[group][0] += len(gold & found)
                counts[group][1] += len(gold ^ found)
    return counts, seconds


def f1(counts: Counts, group: str) -> str:
    tp, wrong = counts.get(group, [0, 0])
    return f"{2 * tp / (2 * tp + wrong):.3f}" if tp or wrong else "–"


def table(results: List[Tuple[str, Counts, float]], sets: List[str], cases: List[dict]) -> str:
    styles = collections.Counter(c.get("style") for c in cases)
    groups = ["all", "Japanese", "English"] + [f"set {s}" for s in sets] + sorted(
        s for s, n in styles.items() if n >= 20 and s not in ("english", None))
    lines = [f"Domain micro-F1 of the ordinary concerns of sets {', '.join(sets)} ({len(cases)} messages; "
             "each read as a concern, so the intent classifier plays no part).", "",
             "| variant | " + " | ".join(groups) + " | training s |",
             "|---|" + "---|" * (len(groups) + 1)]
    for name, counts, seconds in results:
        lines.append(f"| `{name}` | " + " | ".join(f1(counts, g) for g in groups) + f" | {seconds:.0f} |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", required=True, help="JSON config overrides")
    parser.add_argument("--sets", default=READ_SETS)
    parser.add_argument("--write-benchmarks", action="store_true")
    # A comparison worth keeping beside the others gets a section of its own.
    parser.add_argument("--section", default="domain-variants", help="BENCHMARKS.md section key")
    parser.add_argument("--title", default="Domain model variants on the sets already read")
    args = parser.parse_args(argv)
    sets = args.sets.split(",")
    cases = concerns(sets)
    messages = training_messages(holding_out=(c["text"] for c in cases))
    results = []
    for variant in args.variant:
        counts, seconds = score_variant(json.loads(variant), messages, cases)
        results.append((variant, counts, seconds))
        print(variant, "all", f1(counts, "all"), "English", f1(counts, "English"), flush=True)
    text = table(results, sets, cases)
    print(text)
    if args.write_benchmarks:
        command = ".venv/bin/python -m bench.domain_variants " + " ".join(f"--variant '{v}'" for v in args.variant)
        if args.sets != READ_SETS:
            command += f" --sets {args.sets}"
        if args.section != "domain-variants":
            command += f" --section {args.section} --title '{args.title}'"
        replace_section(args.section, args.title, command + " --write-benchmarks",
                        "For choosing a setting only; the choice is measured on a fresh set (see the unseen sets below).\n\n"
                        + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
