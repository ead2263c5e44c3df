"""`python -m bot.knowledge check [DIR]`: validate the window directory and summarise it.

Prints, per municipality, how many windows serve each domain and which domains have no
specific window (the coordinating or 断らない window answers those). Exit status 1 and a
message naming the file, the entry and the field when anything is invalid.

`python -m bot.knowledge export --hsds DIR [--municipality CODE]` writes Open Referral HSDS 3
JSON; `python -m bot.knowledge import --hsds DIR --municipality CODE [--output FILE]` reads it
back into knowledge/<code>.yml (stdout without --output), refusing facts without a source
(docs/DIRECTORY.md (section 9)).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.knowledge.hsds_export import export_hsds
from bot.knowledge.hsds_import import import_hsds
from bot.knowledge.hsds_schema import HsdsError
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


def _check(args) -> int:
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


def _export(args) -> int:
    try:
        organizations, services = export_hsds(load_directory(args.knowledge), args.hsds, args.municipality)
    except (KnowledgeError, HsdsError) as error:
        print(f"HSDS export failed: {error}", file=sys.stderr)
        return 1
    print(f"wrote HSDS 3 JSON to {args.hsds}: {organizations} organizations, {services} services", file=sys.stderr)
    return 0


def _import(args) -> int:
    try:
        result = import_hsds(args.hsds, args.municipality)
    except HsdsError as error:
        print(f"HSDS import refused:\n{error}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.output is None:
        sys.stdout.write(result.text)
    else:
        args.output.write_text(result.text, encoding="utf-8")
        print(f"wrote {args.output}: {result.windows} windows", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the directory and summarise it")
    check.add_argument("directory", nargs="?", type=Path, default=KNOWLEDGE_DIR)
    export = commands.add_parser("export", help="write Open Referral HSDS 3 JSON")
    export.add_argument("--hsds", type=Path, required=True, metavar="DIR", help="folder to write the JSON into")
    export.add_argument("--municipality", metavar="CODE", help="only this municipality (default: all)")
    export.add_argument("--knowledge", type=Path, default=KNOWLEDGE_DIR, metavar="DIR", help=argparse.SUPPRESS)
    imports = commands.add_parser("import", help="read HSDS 3 JSON into knowledge/<code>.yml")
    imports.add_argument("--hsds", type=Path, required=True, metavar="DIR", help="folder holding the JSON")
    imports.add_argument("--municipality", metavar="CODE", required=True, help="the municipality to read")
    imports.add_argument("--output", type=Path, metavar="FILE", help="write here instead of stdout")
    args = parser.parse_args(argv)
    return {"check": _check, "export": _export, "import": _import}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
