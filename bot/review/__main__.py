"""`python -m bot review [--data-file data/nlu/reviewed.yml]`: label kept samples into data/.

For each redacted sample the trainer types domain codes (e.g. `elderly,carer`), `o` for
out of scope, `s` to skip or `d` to delete it; `q` stops. Labelled samples are appended to
the data file as Rasa NLU examples and removed from the database.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from bot.demand import DemandLog
from bot.paths import DATA_DIR
from bot.review.samples import ReviewSamples
from bot.taxonomy import load_taxonomy

DEFAULT_FILE = DATA_DIR / "nlu" / "reviewed.yml"


def append_example(path: Path, text: str, intent: str, domains: list) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    document = document or {"version": "3.1", "nlu": []}
    block = next((b for b in document["nlu"] if b.get("intent") == intent), None)
    if block is None:
        block = {"intent": intent, "examples": []}
        document["nlu"].append(block)
    example = {"text": text}
    if domains:
        example["metadata"] = {"domains": domains}
    block["examples"].append(example)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args(argv)
    samples = ReviewSamples(DemandLog().engine)
    samples.purge()
    pending = samples.pending()
    codes = load_taxonomy().domains
    print(f"{len(pending)} 件の見直し待ちがあります。分野コード: {', '.join(codes)}")
    labelled = 0
    for sample in pending:
        print(f"\n[{sample.kept_on} {sample.municipality or '-'} {sample.outcome}] {sample.text}")
        while True:
            answer = input("分野コード（カンマ区切り） / o=対象外 / s=とばす / d=削除 / q=終了 > ").strip()
            if answer in ("q", "s", "d", "o"):
                break
            chosen = [c.strip() for c in answer.split(",") if c.strip()]
            unknown = [c for c in chosen if c not in codes]
            if chosen and not unknown:
                break
            print(f"知らないコードです: {unknown}")
        if answer == "q":
            break
        if answer == "s":
            continue
        if answer == "o":
            append_example(args.data_file, sample.text, "out_of_scope", [])
        elif answer != "d":
            append_example(args.data_file, sample.text, "describe_concern", chosen)
        samples.remove(sample.id)
        labelled += answer != "d"
    print(f"\n{labelled} 件を {args.data_file} に追加しました。次は `rasa data validate` と `python -m bot.train` です。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
