"""How far two people agree on the domains of a frozen set, and where the model stands between them.

`python -m bench.agreement_report --set 2026-11h [--write-benchmarks]`

A second labeller, who saw neither the writers' labels nor the model, labelled the set's
ordinary concerns (`bench/data/unseen_<set>/agreement/*.jsonl`, {"id", "domains"}). Their
agreement with the writers is the ceiling a domain figure on that set can honestly reach.
"""
from __future__ import annotations

import argparse
import collections
import datetime
import json
import sys
from typing import Dict, List, Optional, Set

from bench.benchmarks_file import replace_section
from bench.unseen_report import DATA, MIN_STYLE_SIZE, load_set, micro_f1, predict
from bot.paths import PROJECT_ROOT


def second_labels(folder) -> Dict[str, Set[str]]:
    labels: Dict[str, Set[str]] = {}
    for path in sorted((folder / "agreement").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                labels[row["id"]] = set(row["domains"])
    return labels


def table(cases: List[dict], second: Dict[str, Set[str]], found: Dict[str, Set[str]]) -> str:
    by_style = collections.defaultdict(list)
    for case in cases:
        by_style["all"].append(case)
        by_style[case["style"]].append(case)
    lines = ["| style | messages | writer vs second labeller | model vs writer | model vs second labeller |",
             "|---|---|---|---|---|"]
    for style, group in sorted(by_style.items(), key=lambda item: (item[0] != "all", item[0])):
        if style != "all" and len(group) < MIN_STYLE_SIZE:
            continue
        human = micro_f1((set(c["domains"]), second[c["id"]]) for c in group)
        to_writer = micro_f1((set(c["domains"]), found[c["id"]]) for c in group)
        to_second = micro_f1((second[c["id"]], found[c["id"]]) for c in group)
        lines.append(f"| {style} | {len(group)} | {human[0]:.3f} (exact {human[1]:.2f}) | "
                     f"{to_writer[0]:.3f} (exact {to_writer[1]:.2f}) | {to_second[0]:.3f} (exact {to_second[1]:.2f}) |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="2026-11h")
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args(argv)
    folder = DATA / f"unseen_{args.set}"
    second = second_labels(folder)
    cases = [c for c in load_set(folder)["ordinary"] if c["id"] in second]
    found = {k: set(v["domains"]) for k, v in predict(PROJECT_ROOT, cases, "agreement").items()}
    text = (f"Micro-F1 of domains on the {len(cases)} ordinary concerns a second labeller labelled blind "
            f"(styles with {MIN_STYLE_SIZE}+ messages).\n\n" + table(cases, second, found))
    print(text)
    if args.write_benchmarks:
        replace_section(
            f"agreement-{args.set}", f"How far people agree on domains, set {args.set}",
            f".venv/bin/python -m bench.agreement_report --set {args.set} --write-benchmarks",
            f"Run {datetime.date.today().isoformat()}. Second labels: `bench/data/unseen_{args.set}/agreement/`, "
            "by one or more helpers acting as caseworkers who saw only the messages and the taxonomy "
            "(the set's README says who).\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
