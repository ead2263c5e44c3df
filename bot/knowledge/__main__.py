"""`python -m bot.knowledge check [DIR]`: validate the window directory and summarise it.

Prints, per municipality, how many windows serve each domain and which domains have no
specific window (the coordinating or 断らない window answers those). Exit status 1 and a
message naming the file, the entry and the field when anything is invalid.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.knowledge.loader import KnowledgeError, load_directory
from bot.paths import KNOWLEDGE_DIR
from bot.taxonomy import load_taxonomy


def summary_lines(directory) -> list:
    codes = load_taxonomy().domain_codes
    lines = []
    for municipality in directory.municipalities.values():
        specific = {
            code: sum(1 for w in municipality.windows if code in w.domains and w.kind not in directory.routing.general_kinds)
            for code in codes
        }
        coordination = len(municipality.coordination_windows())
        missing = [code for code, count in specific.items() if count == 0]
        covered = ", ".join(f"{code}:{count}" for code, count in specific.items() if count)
        lines.append(
            f"{municipality.code} ({municipality.prefecture}{municipality.name}): "
            f"{len(municipality.windows)} windows, coordination {coordination}; "
            f"by domain {covered or '-'}; no specific window: {', '.join(missing) or '-'}"
        )
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check"])
    parser.add_argument("directory", nargs="?", type=Path, default=KNOWLEDGE_DIR)
    args = parser.parse_args(argv)
    try:
        directory = load_directory(args.directory)
    except KnowledgeError as error:
        print(f"knowledge check failed: {error}", file=sys.stderr)
        return 1
    for line in summary_lines(directory):
        print(line)
    windows = sum(len(m.windows) for m in directory.municipalities.values())
    print(f"OK: {len(directory.municipalities)} municipalities, {windows} windows, "
          f"{len(directory.crisis_lines)} national crisis lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
