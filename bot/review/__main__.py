"""`python -m bot review [--data-dir DIR | --data-file FILE]`: label kept samples into data/ in a terminal.

The same decisions as the staff page's inbox (/staff/inbox), oldest sample first. For each
redacted sample the trainer types domain codes (e.g. `elderly,carer`), optionally followed by
`!CATEGORY` when it is danger now (e.g. `mental_health !suicide_self_harm`), `o` for out of
scope, `s` to skip or `d` to delete it; `q` stops. Labelled samples are appended to
data/nlu/reviewed/<date>.yml (REVIEWED_DATA_DIR; a data/nlu/reviewed.yml from before is moved
into that folder) and removed from the database.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Optional, Tuple

from bot.demand import DemandLog
from bot.knowledge.routing_preferences import CRISIS_CATEGORIES
from bot.review.decisions import SampleGone, confirm, discard
from bot.review.reviewed_data import CONCERN_INTENT, Label, LabelError, ReviewedData
from bot.review.samples import ReviewSamples
from bot.settings import reviewed_data_dir
from bot.taxonomy import load_taxonomy

PROMPT = "分野コード（カンマ区切り、危険なら !種類） / o=対象外 / s=とばす / d=削除 / q=終了 > "


def parse_answer(answer: str) -> Tuple[str, Optional[Label]]:
    """('q'|'s'|'d', None), or ('label', Label); LabelError names what is wrong."""
    if answer in ("q", "s", "d"):
        return answer, None
    if answer == "o":
        return "label", Label.checked("out_of_scope")
    words = answer.replace("、", ",").replace(",", " ").split()
    categories = [w[1:] for w in words if w.startswith("!")]
    codes = [w for w in words if not w.startswith("!")]
    if not codes and not categories:
        raise LabelError("分野コードを入力してください。")
    if len(categories) > 1:
        raise LabelError("危険の種類はひとつだけ書きます。")
    category = categories[0] if categories else None
    if category is not None and category not in CRISIS_CATEGORIES:
        raise LabelError(f"知らない危険の種類です: {category}（{', '.join(CRISIS_CATEGORIES)}）")
    return "label", Label.checked(CONCERN_INTENT, codes, crisis=category is not None, crisis_category=category)


def _reading(sample) -> str:
    reading = sample.reading
    if not reading.known:
        return "（モデルの読み取りは記録されていません）"
    scores = " ".join(f"{code}={score:.2f}" for code, score in reading.ranked_scores())
    crisis = "危険あり" if reading.crisis else "危険なし"
    return f"モデル: {reading.intent or '-'} / 分野 {','.join(reading.domains) or 'なし'} / 点数 {scores or '-'} / {crisis}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot review", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data-dir", type=Path, default=None,
                       help="folder of reviewed data, one file a day (default: REVIEWED_DATA_DIR or data/nlu/reviewed)")
    where.add_argument("--data-file", type=Path, default=None, help="write every example into this one file instead")
    args = parser.parse_args(argv)
    reviewed = ReviewedData(args.data_dir or reviewed_data_dir(), file=args.data_file)
    moved = reviewed.adopt_legacy_file()
    if moved:
        print(f"{reviewed.legacy_file} を {moved} に移しました（学習データのままです）。")
    samples = ReviewSamples(DemandLog().engine)
    samples.purge()
    pending = samples.pending()
    print(f"{len(pending)} 件の見直し待ちがあります。分野コード: {', '.join(load_taxonomy().domains)}")
    print(f"危険の種類: {', '.join('!' + c for c in CRISIS_CATEGORIES)}")
    labelled, written_to = 0, set()
    for sample in pending:
        print(f"\n[{sample.kept_on} {sample.municipality or '-'} {sample.outcome}] {sample.text}")
        print(_reading(sample))
        while True:
            try:
                action, label = parse_answer(input(PROMPT).strip())
                break
            except LabelError as error:
                print(error)
        if action == "q":
            break
        if action == "s":
            continue
        try:
            if action == "d":
                discard(samples, sample.id)
                continue
            done = confirm(samples, reviewed, sample.id, label)
        except SampleGone:
            print("この見本は、ほかの人が見直したか期限が切れたため、もうありません。")
            continue
        labelled += 1
        written_to.add(done.written.path)
    places = ", ".join(str(p) for p in sorted(written_to)) or str(reviewed.path_for(date.today()))
    print(f"\n{labelled} 件を {places} に追加しました。次は `rasa data validate` と `python -m bot retrain --compare` です。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
