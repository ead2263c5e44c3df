"""`python -m bot retrain --compare [--promote]`: train a candidate beside the current model,
compare the two on the held-out set, and replace the current one only if crisis recall holds.

--compare trains models/candidate/madoguchi.tar.gz (models/madoguchi.tar.gz is never touched),
evaluates both on tests/nlu_eval/ with bench.nlu_report's code, prints the difference per
domain (F1) and for crisis (recall on danger, false alarms) and writes the comparison to
var/retrain_comparison.json (RETRAIN_COMPARISON_FILE), which the trainers' inbox shows.
--promote replaces the current model with the compared candidate (the old one is kept as
models/previous.tar.gz) only when the candidate misses no more danger than the current
model; a candidate worse on crisis recall is never promoted, whatever else it gains.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional, TextIO

from bot.paths import MODEL_NAME, MODEL_PATH, MODELS_DIR, NLU_EVAL_DIR, PROJECT_ROOT
from bot.settings import retrain_comparison_file
from bot.taxonomy import load_taxonomy

COMPARISON_VERSION = 1


@dataclass(frozen=True)
class RetrainPaths:
    current: Path = MODEL_PATH
    current_fingerprint: Path = MODELS_DIR / f"{MODEL_NAME}.fingerprint"
    candidate: Path = MODELS_DIR / "candidate" / f"{MODEL_NAME}.tar.gz"
    previous: Path = MODELS_DIR / "previous.tar.gz"
    comparison: Path = field(default_factory=retrain_comparison_file)


@dataclass(frozen=True)
class CrisisCounts:
    """On the held-out set: danger-now messages, how many the model missed, and how many
    messages without danger it treated as an emergency."""
    positives: int
    missed: int
    negatives: int
    false_alarms: int

    @property
    def recall(self) -> float:
        return 1 - self.missed / self.positives if self.positives else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str


def promotion_decision(current: CrisisCounts, candidate: CrisisCounts) -> Decision:
    """The one rule: never promote a candidate that misses more danger than the current model.

    Counted, not compared as rounded rates; both must come from the same held-out set."""
    if candidate.positives == 0:
        return Decision(False, "評価用データに危険の例がないため、緊急の再現率を確かめられません。")
    if (candidate.positives, candidate.negatives) != (current.positives, current.negatives):
        return Decision(False, "二つのモデルが別の評価用データで測られています。もう一度 --compare してください。")
    if candidate.missed > current.missed:
        return Decision(False, f"緊急の再現率が下がります（{current.recall:.3f} → {candidate.recall:.3f}、"
                               f"見落とし {current.missed} → {candidate.missed} 件）。入れ替えません。")
    alarms = candidate.false_alarms - current.false_alarms
    note = f"誤報は {alarms:+d} 件です。" if alarms else "誤報の数は同じです。"
    return Decision(True, f"緊急の再現率は下がりません（{current.recall:.3f} → {candidate.recall:.3f}）。{note}")


def crisis_counts(summary: dict) -> CrisisCounts:
    """From a bench.nlu_report summary (its crisis block lists the missed and false alarms)."""
    crisis = summary["crisis"]
    return CrisisCounts(int(crisis["positives"]), len(crisis["missed"]), int(crisis["negatives"]),
                        len(crisis["false_alarms"]))


def _difference(current: float, candidate: float, digits: int = 3):
    return {"current": current, "candidate": candidate, "difference": round(candidate - current, digits)}


def _side(summary: dict, model: Path, counts: CrisisCounts) -> dict:
    # Scores and counts only: the missed and false-alarm texts stay in bench's own report.
    domains = summary["domains"]
    return {
        "model": _shown(model), "sha256": sha256_of(model),
        "micro_f1": domains["micro_f1"], "macro_f1": domains["macro_f1"],
        "exact_set_accuracy": domains["exact_set_accuracy"], "per_domain_f1": dict(domains["per_domain_f1"]),
        "crisis": {"positives": counts.positives, "missed": counts.missed, "recall": round(counts.recall, 3),
                   "negatives": counts.negatives, "false_alarms": counts.false_alarms,
                   "false_alarm_rate": round(counts.false_alarm_rate, 3)},
    }


def build_comparison(current: dict, candidate: dict, paths: RetrainPaths, candidate_fingerprint: str,
                     now: Optional[datetime] = None) -> dict:
    """The comparison the command prints and the inbox shows, from two nlu_report summaries."""
    taxonomy = load_taxonomy()
    old, new = crisis_counts(current), crisis_counts(candidate)
    decision = promotion_decision(old, new)
    support = current["domains"]["support"]
    return {
        "version": COMPARISON_VERSION,
        "compared_at": (now or datetime.now()).isoformat(timespec="minutes"),
        "test_set": _shown(NLU_EVAL_DIR),
        "current": _side(current, paths.current, old),
        "candidate": {**_side(candidate, paths.candidate, new), "fingerprint": candidate_fingerprint},
        "domains": [
            {"code": code, "label": label, "support": int(support.get(code, 0)),
             **_difference(current["domains"]["per_domain_f1"][code], candidate["domains"]["per_domain_f1"][code])}
            for code, label in taxonomy.domains.items()
        ],
        "overall": {key: _difference(current["domains"][key], candidate["domains"][key])
                    for key in ("micro_f1", "macro_f1", "exact_set_accuracy")},
        "crisis": {
            "recall": _difference(round(old.recall, 3), round(new.recall, 3)),
            "missed": _difference(old.missed, new.missed, 0),
            "false_alarms": _difference(old.false_alarms, new.false_alarms, 0),
            "false_alarm_rate": _difference(round(old.false_alarm_rate, 3), round(new.false_alarm_rate, 3)),
        },
        "decision": {"promote": decision.promote, "reason": decision.reason},
        "promoted_at": None,
    }


def decision_of(comparison: dict) -> Decision:
    """Recomputed from the counts, never read from the stored verdict."""
    def counts(side: str) -> CrisisCounts:
        crisis = comparison[side]["crisis"]
        return CrisisCounts(crisis["positives"], crisis["missed"], crisis["negatives"], crisis["false_alarms"])
    return promotion_decision(counts("current"), counts("candidate"))


def render(comparison: dict) -> str:
    crisis, current, candidate = comparison["crisis"], comparison["current"]["crisis"], comparison["candidate"]["crisis"]
    lines = [
        f"評価用データ {comparison['test_set']}: 危険 {current['positives']} 件、危険でない {current['negatives']} 件",
        "",
        "| 指標 | 今のモデル | 候補 | 差 |",
        "|---|---|---|---|",
        f"| 緊急の再現率（危険を見落とさない割合） | {crisis['recall']['current']:.3f} | {crisis['recall']['candidate']:.3f} "
        f"| {crisis['recall']['difference']:+.3f} |",
        f"| 見落とした危険（件） | {current['missed']} | {candidate['missed']} | {crisis['missed']['difference']:+d} |",
        f"| 誤報（危険でないのに緊急とした件数） | {current['false_alarms']} | {candidate['false_alarms']} "
        f"| {crisis['false_alarms']['difference']:+d} |",
        f"| 誤報の割合 | {crisis['false_alarm_rate']['current']:.3f} | {crisis['false_alarm_rate']['candidate']:.3f} "
        f"| {crisis['false_alarm_rate']['difference']:+.3f} |",
    ]
    for key, label in (("micro_f1", "分野 micro-F1"), ("macro_f1", "分野 macro-F1"), ("exact_set_accuracy", "分野の完全一致")):
        row = comparison["overall"][key]
        lines.append(f"| {label} | {row['current']:.3f} | {row['candidate']:.3f} | {row['difference']:+.3f} |")
    lines += ["", "分野ごとの F1（評価用データの件数）:", "", "| 分野 | 今のモデル | 候補 | 差 |", "|---|---|---|---|"]
    for row in comparison["domains"]:
        lines.append(f"| {row['label']} {row['code']} ({row['support']}) | {row['current']:.3f} | "
                     f"{row['candidate']:.3f} | {row['difference']:+.3f} |")
    decision = comparison["decision"]
    lines += ["", ("判定: 入れ替えできます。" if decision["promote"] else "判定: 入れ替えません。") + decision["reason"]]
    return "\n".join(lines)


def sha256_of(path: Path) -> Optional[str]:
    if not path.exists():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def write_comparison(path: Path, document: dict) -> None:
    """Whole or not at all: the inbox never reads half a comparison."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)


def read_comparison(path: Path) -> Optional[dict]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) and document.get("version") == COMPARISON_VERSION else None


def _train_candidate(paths: RetrainPaths) -> str:
    from bot import train

    inputs = train.fingerprint()  # before training, as bot.train does
    if train.rasa_train(paths.candidate.parent, paths.candidate.name.removesuffix(".tar.gz")) != 0 \
            or not paths.candidate.exists():
        raise SystemExit("error: rasa train failed; models/madoguchi.tar.gz is unchanged")
    return inputs


def _evaluate(name: str, model: Path) -> dict:
    from bench.nlu_report import evaluate_on_test_set

    return evaluate_on_test_set(name, model)


def compare(paths: RetrainPaths, out: TextIO,
            train_candidate: Callable[[RetrainPaths], str] = _train_candidate,
            evaluate: Callable[[str, Path], dict] = _evaluate) -> dict:
    if not paths.current.exists():
        raise SystemExit("error: there is no current model to compare with: run `python -m bot.train` first")
    print(f"候補を学習しています（{_shown(paths.candidate)}、2コアで数分かかります）…", file=out, flush=True)
    fingerprint = train_candidate(paths)
    print("評価用データで二つのモデルを測っています…", file=out, flush=True)
    comparison = build_comparison(evaluate("今のモデル", paths.current), evaluate("候補", paths.candidate),
                                  paths, fingerprint)
    write_comparison(paths.comparison, comparison)
    print(render(comparison), file=out)
    print(f"\n比較を {_shown(paths.comparison)} に書きました（職員画面の「見直し」に出ます）。", file=out)
    if comparison["decision"]["promote"]:
        print("入れ替えるには: .venv/bin/python -m bot retrain --promote", file=out)
    return comparison


def promote(paths: RetrainPaths, out: TextIO, now: Optional[datetime] = None) -> bool:
    """Replaces the current model with the compared candidate when the rule allows it."""
    comparison = read_comparison(paths.comparison)
    if comparison is None:
        print("比較がありません。先に `python -m bot retrain --compare` を実行してください。", file=out)
        return False
    if comparison.get("promoted_at"):
        print(f"この候補は {comparison['promoted_at']} に入れ替え済みです。", file=out)
        return False
    if sha256_of(paths.candidate) != comparison["candidate"]["sha256"]:
        print("候補のモデルが比べたときと違います（またはありません）。もう一度 --compare してください。", file=out)
        return False
    if sha256_of(paths.current) != comparison["current"]["sha256"]:
        print("今のモデルが比べたあとで変わりました。もう一度 --compare してください。", file=out)
        return False
    decision = decision_of(comparison)
    if not decision.promote:
        print(f"入れ替えません。{decision.reason}", file=out)
        return False
    shutil.copy2(paths.current, paths.previous)
    os.replace(paths.candidate, paths.current)  # same folder tree: the model file is never half written
    paths.current_fingerprint.write_text(comparison["candidate"]["fingerprint"])
    comparison["promoted_at"] = (now or datetime.now()).isoformat(timespec="minutes")
    write_comparison(paths.comparison, comparison)
    print(f"入れ替えました。{decision.reason}\n前のモデルは {_shown(paths.previous)} にあります。"
          "窓口ナビを起動し直すと新しいモデルが使われます（bash scripts/run.sh）。", file=out)
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot retrain",
        description="Train a candidate model beside the current one, compare both on tests/nlu_eval, "
                    "and promote the candidate only if it misses no more danger.")
    parser.add_argument("--compare", action="store_true",
                        help="train a candidate into models/candidate/ and compare it with the current model on tests/nlu_eval")
    parser.add_argument("--promote", action="store_true",
                        help="replace models/madoguchi.tar.gz with the last compared candidate, only if crisis recall is not worse")
    args = parser.parse_args(argv)
    if not (args.compare or args.promote):
        parser.error("give --compare, --promote, or both")
    paths = RetrainPaths()
    if args.compare:
        from bot.nlu.concern_parser import quiet_rasa_logs

        quiet_rasa_logs()
        compare(paths, sys.stdout)
    if args.promote:
        return 0 if promote(paths, sys.stdout) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
