"""Writes the ordinary concerns of the frozen sets already used up as NLU training data.

    .venv/bin/python -m bench.read_sets_training [--check]
    .venv/bin/python -m bench.read_sets_training --measure-halves [--write-benchmarks]

Each set under bench/data was written by people who saw nothing of this project and labelled by
its writers with the taxonomy's domains. Once a set has been read or measured, it can no longer
tell how the model does on strangers; what it still holds is the most realistic labelled writing
the project has (every style, each message a different person). Learning from half of these sets
raised domain micro-F1 on the other half from 0.888 to 0.899 and from 0.885 to 0.895 (better on
45 of 47 sets; BENCHMARKS.md, "Training on the sets already used"), where more examples written
for training had stopped helping.

Only ordinary concerns are taken (not danger-now messages, look-alikes or out-of-scope questions),
as `describe_concern` examples with their writers' domains, `crisis: false`, `rewrite: false`
(no hiragana or rōmaji rewriting at training time: they are residents' own writing in every style)
and `domains_only: true`: only the domain classifier learns from them. Learned by the crisis
detector too, their 17,000 calm messages moved its thresholds and raised the banner on short chat
lines (tests/test_crisis_pipeline.py failed on four counts); the dialogue acts gain nothing from
17,000 more concerns but training time. Kept out: every
set still unread or kept for measuring (`KEPT_FOR_MEASURING`), and the sets the test suite's
floors read (`READ_BY_TESTS`). A text already among the other training examples, or written in a
set kept out, is skipped. A set is learned from only when it is named in `USED`.
`--check` fails when the file is not what this would write (a set added or changed).
`--measure-halves` asks whether learning from them helps, without a whole `rasa train`: the
DomainClassifier alone, trained on the other training data with and without one half of the sets
(split by set, fixed seed), scores the ordinary concerns of the other half, both ways round.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from typing import Iterable, List, Set

from bench.benchmarks_file import replace_section
from bench.unseen_report import DATA, load_set
from bot.paths import PROJECT_ROOT

OUTPUT = PROJECT_ROOT / "data" / "nlu" / "concerns_blind_writers_read_sets.yml"
# Never trained on: the fresh sets still to measure a change on, and those whose lines were
# never read and whose figures still check a change (BENCHMARKS.md).
KEPT_FOR_MEASURING = frozenset(
    "2026-11at 2026-11au 2026-11ax 2026-11az 2026-11ba 2026-11bb 2026-11bc 2026-11bd 2026-11be "
    "2026-11bf 2026-11bg 2026-11bh".split())
# tests/test_crisis_pipeline.py and tests/test_latest_unseen_set.py hold floors on these.
READ_BY_TESTS = frozenset("2026-11 2026-11short 2026-11short2 2026-11short3 2026-11short4".split())


HALVES_INTRO = (
    "The DomainClassifier alone (as `bench.domain_variants` trains it; each message read as a concern), "
    "trained on the other NLU data with and without the ordinary concerns of one half of the used sets, "
    "scoring the ordinary concerns of the other half. Micro-F1 counts every gold and named domain.")


# Learned from. A new set belongs to none of the three lists until someone decides: a set nobody
# placed must not flow into the training data by default (tests/test_read_sets_training.py).
USED = frozenset(f"2026-11{name}" for name in (
    "b c d e f g h i j k l m n o p q r s t u v w x y z aa ab ac ad ae af ag ah ai aj ak al am an ao ap aq ar "
    "as av aw ay short5 short6 short7 short8 short9").split())


def all_sets() -> List[str]:
    return sorted(p.name[len("unseen_"):] for p in DATA.glob("unseen_*") if p.is_dir())


def used_sets() -> List[str]:
    return [name for name in all_sets() if name in USED]


def other_training_texts() -> Set[str]:
    from bot.nlu.concern_labels import load_labelled_examples

    return {example.text.strip() for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml"))
            if path != OUTPUT for example in load_labelled_examples(path)}


def comparable(text: str) -> str:
    """The words alone: width, case, spaces and punctuation do not make another message."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def kept_texts() -> Set[str]:
    """Every text of the sets kept out, made comparable: the same words in a used set (writers do
    repeat a message now and then) would otherwise be learned and then measured."""
    return {comparable(text) for name in sorted(KEPT_FOR_MEASURING | READ_BY_TESTS)
            for cases in load_set(DATA / f"unseen_{name}").values() for case in cases
            for text in [case.get("text"), *(case.get("turns") or [])] if isinstance(text, str)}


def concerns(sets: Iterable[str], skip: Set[str]) -> List[dict]:
    chosen, seen = [], set(skip)
    for name in sets:
        for case in load_set(DATA / f"unseen_{name}")["ordinary"]:
            text = (case.get("text") or "").strip()
            if text and case.get("domains") and text not in seen and comparable(text) not in seen:
                seen.add(text)
                # The style only groups `--measure-halves`' figures; the training file has no use for it.
                chosen.append({"text": text, "domains": sorted(case["domains"]), "set": name,
                               "style": case.get("style")})
    return chosen


# What every example of the file carries besides its domains (and what --measure-halves gives its own).
EXAMPLE_FLAGS = {"crisis": False, "rewrite": False, "domains_only": True}


def nlu_yaml(cases: List[dict], sets: List[str]) -> str:
    lines = [
        'version: "3.1"',
        "nlu:",
        f"# Written by bench/read_sets_training.py; do not edit by hand. The ordinary concerns of {len(sets)}",
        "# frozen sets already read or measured, by writers who saw nothing of this project, with their own labels.",
        "- intent: describe_concern",
        "  examples:",
    ]
    for case in cases:
        # A JSON string is a YAML double-quoted scalar: quotes, backslashes and line breaks survive.
        lines.append(f"  - text: {json.dumps(case['text'], ensure_ascii=False)}")
        flags = ", ".join(f"{name}: {str(value).lower()}" for name, value in EXAMPLE_FLAGS.items())
        lines.append(f"    metadata: {{domains: [{', '.join(case['domains'])}], {flags}}}")
    return "\n".join(lines) + "\n"


def measure_halves() -> str:
    """Domain micro-F1 on each half of the used sets, learning from the other half or not."""
    from rasa.shared.nlu.constants import INTENT, METADATA

    from bench.domain_variants import score_variant, tokenized, training_messages

    sets = used_sets()
    order = sorted(sets)
    random.Random(1).shuffle(order)
    halves = [sorted(order[0::2]), sorted(order[1::2])]
    cases = {name: [{**c, "set": name} for c in concerns([name], set())] for name in sets}
    # The other training data: everything but this module's own file.
    base = training_messages(holding_out=(c["text"] for found in cases.values() for c in found))
    rows = []
    for learned, measured in ((halves[0], halves[1]), (halves[1], halves[0])):
        test = [c for name in measured for c in cases[name]]
        extra = []
        for case in (c for name in learned for c in cases[name]):
            message = tokenized(case["text"])
            message.set(INTENT, "describe_concern")
            message.set(METADATA, {"example": {"domains": case["domains"], **EXAMPLE_FLAGS}})
            extra.append(message)
        without, _ = score_variant({}, base, test)
        with_them, _ = score_variant({}, base + extra, test)
        better = sum(_f1(with_them[f"set {n}"]) > _f1(without[f"set {n}"]) for n in measured if f"set {n}" in without)
        rows.append((len(learned), len(extra), len(measured), len(test), without, with_them, better))
    lines = ["| learned from | measured on | micro-F1 without | with | Japanese | English | sets better |",
             "|---|---|---|---|---|---|---|"]
    for learned, examples, measured, count, without, with_them, better in rows:
        lines.append(
            f"| {learned} sets ({examples:,} concerns) | the other {measured} sets ({count:,} concerns) | "
            f"{_f1(without['all']):.3f} | **{_f1(with_them['all']):.3f}** | "
            f"{_f1(without['Japanese']):.3f} → {_f1(with_them['Japanese']):.3f} | "
            f"{_f1(without['English']):.3f} → {_f1(with_them['English']):.3f} | {better} of {measured} |")
    styles = sorted(s for s in rows[0][4] if not s.startswith("set ") and s not in ("all", "Japanese", "English")
                    and sum(rows[0][4][s]) + sum(rows[1][4][s]) >= 200)
    lines += ["", "Per style, both halves together (micro-F1 without → with):", "",
              "| style | without | with |", "|---|---|---|"]
    for style in styles:
        pooled = [[a + b for a, b in zip(rows[0][k].get(style, [0, 0]), rows[1][k].get(style, [0, 0]))] for k in (4, 5)]
        lines.append(f"| {style} | {_f1(pooled[0]):.3f} | {_f1(pooled[1]):.3f} |")
    return "\n".join(lines)


def _f1(counts) -> float:
    true_positives, wrong = counts
    return 2 * true_positives / (2 * true_positives + wrong) if true_positives else 0.0


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    parser.add_argument("--measure-halves", action="store_true", help="learn from one half, measure on the other")
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args(argv)
    if args.measure_halves:
        table = measure_halves()
        print(table)
        if args.write_benchmarks:
            # Its own section: "read-sets-training" holds the fresh sets' figures and the costs, by hand.
            replace_section("read-sets-halves", "Training on the sets already used: domains on held-out halves",
                            ".venv/bin/python -m bench.read_sets_training --measure-halves --write-benchmarks",
                            HALVES_INTRO + "\n\n" + table)
        return 0
    sets = used_sets()
    text = nlu_yaml(concerns(sets, other_training_texts() | kept_texts()), sets)
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT.relative_to(PROJECT_ROOT)} is out of date: run python -m bench.read_sets_training",
                  file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT.relative_to(PROJECT_ROOT)}: {text.count('- text:')} concerns from {len(sets)} sets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
