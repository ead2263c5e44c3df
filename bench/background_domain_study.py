"""Is an older person or a minor in the story a domain of its own? Blind labellers against set writers.

    .venv/bin/python -m bench.background_domain_study [--write-benchmarks]

On the frozen sets the model's commonest extra domains are `elderly` on an older person's
loneliness, money, housing or rights trouble, and `child` on a minor writing about their own
trouble. Before relabelling the training data, this asks how people decide those two:

- readers: four helpers, acting as caseworkers with only the taxonomy and the texts, labelled
  1,146 training concerns of those two kinds (mixed with 160 others) without seeing any label
  (`bench/data/label_study_2026-12/`);
- writers: the people who wrote the read frozen sets labelled their own messages; the same two
  kinds are picked out of them by the writers' own "about" fields.

If readers drop the domain as often as writers do, the training labels should change; if
readers keep it and writers drop it at random, it is writer noise and the labels stay.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

from bench.benchmarks_file import replace_section
from bench.unseen_report import DATA, load_set, micro_f1

STUDY = DATA / "label_study_2026-12"
# The sets whose lines have been read; the study must not open a set still kept fresh.
READ_SETS = ("o p q r s t u v w x y z aa ab ac ad ae af ag ah al am an").split()
OLDER_BACKGROUND = "older_person_background"
MINOR_ABOUT_SELF = "minor_writing_about_self"
# An older person's loneliness, money, housing, health or rights trouble with no care in the
# text: care, dementia or a home would make `elderly` a need, not a background.
_NEEDS_BESIDE_AGE = {"isolation", "poverty", "rights", "housing", "health"}
_MENTIONS_CARE = re.compile(
    r"介護|かいご|カイゴ|kaigo|認知|にんち|ニンチ|ninchi|施設|しせつ|ケアマネ|ヘルパー|デイ|包括|ほうかつ|"
    r"ボケ|ぼけ|物忘れ|ものわすれ|徘徊|はいかい|老老|dementia|care ?home|nursing|caregiv|care manager",
    re.IGNORECASE)


def _jsonl(path: Path) -> Iterable[dict]:
    return (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def reader_labels() -> Tuple[List[dict], Dict[str, Set[str]]]:
    items = list(_jsonl(STUDY / "items.jsonl"))
    labels = {row["id"]: set(row["domains"]) for path in sorted(STUDY.glob("labels_*.jsonl")) for row in _jsonl(path)}
    return items, labels


def writer_group(case: dict) -> Optional[str]:
    """Which of the two kinds a frozen-set concern is, by its writer's own labels."""
    about = case.get("about") or []
    domains = set(case["domains"])
    if (any(p.get("age_group") == "older" for p in about) and domains & _NEEDS_BESIDE_AGE
            and "carer" not in domains and not _MENTIONS_CARE.search(case["text"])):
        return OLDER_BACKGROUND
    minors = [p for p in about if p.get("age_group") == "child"]
    if minors and all(p.get("relation") == "self" for p in minors) and domains - {"child"}:
        return MINOR_ABOUT_SELF
    return None


def share(kept: int, total: int) -> str:
    return f"{kept}/{total} ({kept / total:.0%})" if total else "–"


def report() -> str:
    items, labels = reader_labels()
    domain_of = {OLDER_BACKGROUND: "elderly", MINOR_ABOUT_SELF: "child"}
    readers = {group: [i for i in items if i["group"] == group] for group in domain_of}
    writers: Dict[str, List[dict]] = {group: [] for group in domain_of}
    for name in READ_SETS:
        for case in load_set(DATA / f"unseen_2026-11{name}")["ordinary"]:
            group = writer_group(case)
            if group:
                writers[group].append(case)
    lines = ["| kind | domain | readers keep it (training concerns) | writers give it (read frozen sets) |",
             "|---|---|---|---|"]
    for group, domain in domain_of.items():
        kept = sum(domain in labels[i["id"]] for i in readers[group])
        given = sum(domain in set(c["domains"]) for c in writers[group])
        lines.append(f"| {group} | {domain} | {share(kept, len(readers[group]))} | {share(given, len(writers[group]))} |")
    others = [i for i in items if i["group"] not in domain_of]
    agreement, exact, _ = micro_f1((set(i["training_domains"]), labels[i["id"]]) for i in others)
    return "\n".join(lines) + (
        f"\n\nOn the {len(others)} other training concerns mixed in, readers and training labels agree "
        f"at micro-F1 {agreement:.3f} (exact {exact:.2f}).")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args(argv)
    text = report()
    print(text)
    if args.write_benchmarks:
        replace_section(
            "background-domain-study",
            "Is an older person or a minor in the story a domain? Blind readers against set writers",
            ".venv/bin/python -m bench.background_domain_study --write-benchmarks",
            "Readers: four helpers acting as caseworkers, who saw only the taxonomy and the texts "
            "(`bench/data/label_study_2026-12/`). Writers: the authors of the 23 read frozen sets, on their own "
            "messages. Older-person kind: an older person in the story, a loneliness, money, housing, health or "
            "rights need, and no care, dementia or home in the text. Minor kind: the writer is under 18 and "
            "writes about their own trouble.\n\n" + text + "\n\n"
            "How to read it: readers who label a text keep the domain almost always; writers who label their own "
            "message give it about half the time (read side by side, messages alike in every way fall either "
            "way). That is writer noise, not a convention the training labels miss, so the labels stay: while a writer gives the domain more often than the model's micro-F1 halved (about "
            "44 %), naming it scores better than leaving it out.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
