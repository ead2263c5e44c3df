"""NLU report on the project test set (tests/nlu_eval/), for the project model and two
baselines trained in the same run on the same data (data/nlu/).

    .venv/bin/python -m bench.nlu_report [--reuse-model] [--write-benchmarks]
    .venv/bin/python -m bench.nlu_report --compare models/previous.tar.gz   (trainers)

Prints a Markdown table; writes bench/out/nlu_report.json; with --write-benchmarks
replaces the NLU section of BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, List, Sequence, Set, Tuple

from bench.baselines import (
    KeywordMatcher,
    domains_from_stock_intent,
    write_stock_training_data,
)
from bench.benchmarks_file import replace_section
from bench.metrics import confusion_pairs, crisis_scores, domain_scores
from bot.nlu.concern_labels import LabelledExample, load_labelled_examples
from bot.nlu.concern_parser import ConcernParser, quiet_rasa_logs
from bot.paths import DATA_DIR, MODEL_PATH, NLU_EVAL_DIR, PROJECT_ROOT
from bot.taxonomy import load_taxonomy

OUT_DIR = PROJECT_ROOT / "bench" / "out"

Prediction = Tuple[Set[str], bool, str]  # domains, crisis, intent


def _rasa_train(args: List[str], label: str) -> Tuple[float, Path]:
    """Train from scratch (no graph cache) and return (seconds, model path)."""
    out = OUT_DIR / label
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_MAX_CACHE_SIZE": "0", "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", *args, "--out", str(out), "--fixed-model-name", label],
        cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started, out / f"{label}.tar.gz"


def _predict_with_model(model: Path, texts: Sequence[str], read: Callable[[dict], Prediction]) -> List[Prediction]:
    parser = ConcernParser.load(model)

    async def run() -> List[Prediction]:
        return [read(await parser.parse(text)) for text in texts]

    return asyncio.run(run())


def _project_prediction(parse: dict) -> Prediction:
    return set(parse.get("domains", [])), bool(parse.get("crisis")), (parse.get("intent") or {}).get("name")


def _summary(name: str, test: Sequence[LabelledExample], predictions: Sequence[Prediction],
             train_seconds: float, model_bytes: int, codes: Sequence[str]) -> dict:
    gold_domains = [set(e.domains) for e in test]
    predicted_domains = [p[0] for p in predictions]
    domains = domain_scores(gold_domains, predicted_domains, codes)
    crisis = crisis_scores([e.text for e in test], [e.crisis for e in test], [p[1] for p in predictions])
    return {
        "model": name,
        "domains": asdict(domains),
        "crisis": asdict(crisis),
        "confusion": confusion_pairs(gold_domains, predicted_domains),
        "train_seconds": round(train_seconds, 1),
        "model_megabytes": round(model_bytes / 1e6, 2),
    }


def build_report(reuse_model: bool, with_stock: bool = True) -> dict:
    quiet_rasa_logs()
    codes = load_taxonomy().domain_codes
    train = load_labelled_examples(DATA_DIR / "nlu")
    test = load_labelled_examples(NLU_EVAL_DIR)
    texts = [e.text for e in test]
    results = []

    if reuse_model:
        seconds, model = float("nan"), MODEL_PATH
    else:
        seconds, model = _rasa_train(
            ["--config", "config.yml", "--domain", "domain.yml", "--data", "data"], "project"
        )
    results.append(_summary("窓口ナビ (project)", test, _predict_with_model(model, texts, _project_prediction),
                            seconds, model.stat().st_size, codes))

    if with_stock:
        results.append(_stock_baseline(train, test, texts, codes))

    started = time.perf_counter()
    matcher = KeywordMatcher().fit(train)
    seconds = time.perf_counter() - started
    keyword_predictions = [(*matcher.predict(t), "") for t in texts]
    size = len(json.dumps({k: sorted(v) for k, v in matcher.keywords.items()}, ensure_ascii=False).encode())
    results.append(_summary("Keyword matcher (training vocabulary)", test, keyword_predictions, seconds, size, codes))

    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "train_examples": len(train),
        "test_examples": len(test),
        "test_concerns": sum(1 for e in test if e.domains),
        "test_compound": sum(1 for e in test if len(e.domains) >= 2),
        "test_crisis": sum(1 for e in test if e.crisis),
        "results": results,
    }


def _stock_baseline(train, test, texts, codes) -> dict:
    stock_data = OUT_DIR / "stock_data" / "nlu.yml"
    write_stock_training_data(train, stock_data)
    seconds, model = _rasa_train(
        ["nlu", "--config", "bench/configs/stock_baseline.yml", "--nlu", str(stock_data)], "stock"
    )

    def stock_prediction(parse: dict) -> Prediction:
        intent = (parse.get("intent") or {}).get("name")
        found, crisis = domains_from_stock_intent(intent, codes)
        return found, crisis, intent

    return _summary("Rasa stock (char n-grams + DIET, multi-intent)", test,
                    _predict_with_model(model, texts, stock_prediction), seconds, model.stat().st_size, codes)


def markdown(report: dict) -> str:
    codes = load_taxonomy().domain_codes
    lines = [
        f"Test set: {report['test_examples']} messages never used in training "
        f"({report['test_concerns']} concerns, {report['test_compound']} compound, "
        f"{report['test_crisis']} crisis); training: {report['train_examples']} examples. "
        f"Machine: {report['machine']}.",
        "",
        "| model | micro-F1 | macro-F1 | exact set | crisis recall | crisis FPR | train s | model MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        d, c = r["domains"], r["crisis"]
        lines.append(
            f"| {r['model']} | {d['micro_f1']:.3f} | {d['macro_f1']:.3f} | {d['exact_set_accuracy']:.3f} "
            f"| {c['recall']:.3f} | {c['false_positive_rate']:.3f} | {r['train_seconds']} | {r['model_megabytes']} |"
        )
    lines += ["", "Per-domain F1 (support in brackets):", "",
              "| domain | " + " | ".join(r["model"].split(" (")[0] for r in report["results"]) + " |",
              "|---|" + "---|" * len(report["results"])]
    for code in codes:
        support = report["results"][0]["domains"]["support"][code]
        lines.append(f"| {code} ({support}) | " + " | ".join(
            f"{r['domains']['per_domain_f1'][code]:.3f}" for r in report["results"]) + " |")
    return "\n".join(lines)


def evaluate_on_test_set(name: str, model: Path, test: Sequence[LabelledExample] | None = None) -> dict:
    """One trained project model on the project test set (tests/nlu_eval/): the summary the
    report's rows are made of (domains, crisis, confusion). Shared with `python -m bot retrain`."""
    quiet_rasa_logs()
    test = load_labelled_examples(NLU_EVAL_DIR) if test is None else test
    predictions = _predict_with_model(model, [e.text for e in test], _project_prediction)
    return _summary(name, test, predictions, float("nan"), model.stat().st_size, load_taxonomy().domain_codes)


def compare_models(previous: Path) -> str:
    """The trainer's check: the current model against the previous one, on the same test set."""
    codes = load_taxonomy().domain_codes
    test = load_labelled_examples(NLU_EVAL_DIR)
    old, new = (evaluate_on_test_set(name, model, test)
                for name, model in (("前のモデル", previous), ("新しいモデル", MODEL_PATH)))
    lines = ["| 指標 | 前のモデル | 新しいモデル | 差 |", "|---|---|---|---|"]
    for key, label in (("micro_f1", "micro-F1"), ("macro_f1", "macro-F1"), ("exact_set_accuracy", "完全一致")):
        a, b = old["domains"][key], new["domains"][key]
        lines.append(f"| {label} | {a:.3f} | {b:.3f} | {b - a:+.3f} |")
    lines.append(f"| 緊急の再現率 | {old['crisis']['recall']:.3f} | {new['crisis']['recall']:.3f} | "
                 f"{new['crisis']['recall'] - old['crisis']['recall']:+.3f} |")
    for code in codes:
        a, b = old["domains"]["per_domain_f1"][code], new["domains"]["per_domain_f1"][code]
        lines.append(f"| {code} F1 | {a:.3f} | {b:.3f} | {b - a:+.3f} |")
    lines += ["", "新しいモデルの取りこぼし（正解の分野 → 代わりに出た分野: 件数）:", ""]
    for missed, instead in sorted(new["confusion"].items(), key=lambda item: -sum(item[1].values())):
        lines.append(f"- {missed} → " + ", ".join(f"{k}: {v}" for k, v in sorted(instead.items(), key=lambda kv: -kv[1])))
    return "\n".join(lines)


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--reuse-model", action="store_true", help="evaluate models/madoguchi.tar.gz instead of training afresh")
    arguments.add_argument("--compare", type=Path, metavar="PREVIOUS_MODEL",
                           help="compare models/madoguchi.tar.gz with a previous model file (no baselines)")
    arguments.add_argument("--without-stock", action="store_true",
                           help="leave out the stock DIET baseline (it trains for hours on today's data)")
    arguments.add_argument("--write-benchmarks", action="store_true")
    args = arguments.parse_args()
    if args.compare:
        print(compare_models(args.compare))
        return 0
    report = build_report(args.reuse_model, with_stock=not args.without_stock)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "nlu_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    table = markdown(report)
    print(table)
    if args.write_benchmarks:
        command = ".venv/bin/python -m bench.nlu_report" + "".join(
            flag for flag, on in ((" --reuse-model", args.reuse_model), (" --without-stock", args.without_stock)) if on)
        replace_section("nlu-report", "NLU: domains and crisis on the project test set",
                        command + " --write-benchmarks", f"Run {datetime.date.today().isoformat()}.\n\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
