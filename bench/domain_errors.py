"""Which domains the model names too often or too rarely, on the ordinary concerns of read sets.

    .venv/bin/python -m bench.domain_errors --sets 2026-11o,2026-11p,... [--write-benchmarks]

For trainers deciding what to write next, and for judging a domain figure: per domain, how often
the model named it where the writer did not (an extra domain) and left it out where the writer
gave it (a missed one); per writing style, the same two counts; the commonest pairs of a
missed domain and an extra one in the same message; and, per language, whether the errors lie in
which domains come first or in how many are named (micro-F1 if the model named as many domains as
the writer gave, its best-scored ones). The messages go through `bot.evaluate` of
this checkout, as residents' do. Counts only: no message is printed. Sets used here have been
read; a fresh set measures a change (`bench.unseen_report`). A set in `bench.read_sets_training.USED`
is training data: its counts show what the model did not learn from its own examples, not how it
reads strangers, and a warning says so.
"""
from __future__ import annotations

import argparse
import collections
import sys
from dataclasses import dataclass, field
from typing import Counter, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from bench.benchmarks_file import replace_section
from bench.domain_variants import READ_SETS
from bench.read_sets_training import USED
from bench.unseen_report import DATA, load_set, predict
from bot.nlu.domain_classifier import OUT_OF_SCOPE
from bot.paths import PROJECT_ROOT


@dataclass
class DomainErrors:
    hits: Counter = field(default_factory=collections.Counter)
    extra: Counter = field(default_factory=collections.Counter)
    missed: Counter = field(default_factory=collections.Counter)
    # (missed domain, extra domain) in one message: the model read one need as another.
    swaps: Counter = field(default_factory=collections.Counter)
    by_style: Dict[str, Counter] = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    # Per language: messages by how the model's count compares with the writer's, the hits,
    # extras and misses as named, and those of its best-scored domains taken as many as the writer gave.
    by_count: Dict[str, Counter] = field(default_factory=lambda: collections.defaultdict(collections.Counter))

    def add(self, style: str, gold: Set[str], found: Set[str], ranked: Sequence[str] = ()) -> None:
        self.hits.update(gold & found)
        self.extra.update(found - gold)
        self.missed.update(gold - found)
        self.swaps.update((a, b) for a in gold - found for b in found - gold)
        counts = self.by_style[style]
        counts["hits"] += len(gold & found)
        counts["extra"] += len(found - gold)
        counts["missed"] += len(gold - found)
        by_count = self.by_count["English" if style == "english" else "Japanese"]
        by_count["messages"] += 1
        by_count["too many" if len(found) > len(gold) else "too few" if len(found) < len(gold)
                 else "right" if found == gold else "right count, other domains"] += 1
        by_count["hits"] += len(gold & found)
        by_count["extra"] += len(found - gold)
        by_count["missed"] += len(gold - found)
        best = set(ranked[:len(gold)])
        by_count["ranked hits"] += len(gold & best)
        by_count["ranked extra"] += len(best - gold)
        by_count["ranked missed"] += len(gold - best)


def count_errors(pairs: Iterable[Tuple]) -> DomainErrors:
    """pairs: (style, the writer's domains, the model's domains[, every domain best-scored first])
    per message."""
    errors = DomainErrors()
    for style, gold, found, *ranked in pairs:
        errors.add(style, set(gold), set(found), ranked[0] if ranked else ())
    return errors


def _f1(hits: int, extra: int, missed: int) -> str:
    return f"{2 * hits / (2 * hits + extra + missed):.3f}" if hits + extra + missed else "–"


def table(errors: DomainErrors, messages: int, sets: List[str]) -> str:
    lines = [f"Ordinary concerns of {len(sets)} read sets ({messages} messages), through `bot.evaluate`.", "",
             "| domain | named rightly | extra (named, writer did not) | missed (writer gave, not named) | precision | recall | F1 |",
             "|---|---|---|---|---|---|---|"]
    domains = sorted(set(errors.hits) | set(errors.extra) | set(errors.missed),
                     key=lambda d: -(errors.extra[d] + errors.missed[d]))
    for domain in domains:
        hits, extra, missed = errors.hits[domain], errors.extra[domain], errors.missed[domain]
        precision = f"{hits / (hits + extra):.3f}" if hits + extra else "–"
        recall = f"{hits / (hits + missed):.3f}" if hits + missed else "–"
        lines.append(f"| {domain} | {hits} | {extra} | {missed} | {precision} | {recall} | {_f1(hits, extra, missed)} |")
    lines += ["", "| style | extra | missed | F1 |", "|---|---|---|---|"]
    for style, counts in sorted(errors.by_style.items()):
        lines.append(f"| {style} | {counts['extra']} | {counts['missed']} | "
                     f"{_f1(counts['hits'], counts['extra'], counts['missed'])} |")
    lines += ["", "Commonest swaps (a domain the writer gave was missed and another named in the same message): "
              + ", ".join(f"{a} → {b} {n}" for (a, b), n in errors.swaps.most_common(10)) + "."]
    lines += ["", "How many domains, or which: messages whose set of domains is right, has too many or too few, or has "
              "the writer's count with other domains; and micro-F1 as named against micro-F1 of the best-scored "
              "domains taken as many as the writer gave.", "",
              "| language | messages | right | too many | too few | right count, other domains | F1 as named | "
              "F1 with the writer's count |", "|---|---|---|---|---|---|---|---|"]
    for language in sorted(errors.by_count):
        counts = errors.by_count[language]
        lines.append(f"| {language} | {counts['messages']} | {counts['right']} | {counts['too many']} | "
                     f"{counts['too few']} | {counts['right count, other domains']} | "
                     f"{_f1(counts['hits'], counts['extra'], counts['missed'])} | "
                     f"{_f1(counts['ranked hits'], counts['ranked extra'], counts['ranked missed'])} |")
    return "\n".join(lines)


def _best_first(scores: Dict[str, float]) -> List[str]:
    welfare = {code: score for code, score in scores.items() if code != OUT_OF_SCOPE}
    return sorted(welfare, key=lambda code: -welfare[code])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=READ_SETS)
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args(argv)
    sets = args.sets.split(",")
    learned = [name for name in sets if name in USED]
    if learned:
        print(f"warning: {', '.join(learned)} trained on (bench/read_sets_training.py): in-sample counts",
              file=sys.stderr)
    cases = [{**case, "id": f"{name}:{case['id']}"}
             for name in sets for case in load_set(DATA / f"unseen_{name}")["ordinary"]
             if case.get("text") and case.get("domains")]
    predictions = predict(PROJECT_ROOT, cases, "domain-errors")
    errors = count_errors((case.get("style") or "?", set(case["domains"]),
                           set(predictions[case["id"]].get("domains") or []),
                           _best_first(predictions[case["id"]].get("domain_scores") or {})) for case in cases)
    text = table(errors, len(cases), sets)
    print(text)
    if args.write_benchmarks:
        replace_section("domain-errors", "Domains named too often or too rarely, on the sets already read",
                        f".venv/bin/python -m bench.domain_errors --sets {args.sets} --write-benchmarks", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
