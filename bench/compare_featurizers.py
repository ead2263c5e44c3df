"""Intent featurizers compared with `rasa test nlu --cross-validation` on data/nlu.

    .venv/bin/python -m bench.compare_featurizers [--folds 3] [--write-benchmarks]

The winner is what config.yml uses; the table goes into BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from bench.benchmarks_file import replace_section
from bench.nlu_report import OUT_DIR
from bot.paths import PROJECT_ROOT

CANDIDATES = {
    "lemma words": "bench/configs/intent_lemma.yml",
    "lemma words + char n-grams (1–3)": "bench/configs/intent_lemma_char.yml",
}


def cross_validate(config: str, folds: int) -> dict:
    out = OUT_DIR / ("cv_" + os.path.basename(config).removesuffix(".yml"))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", "data/nlu", "--config", config,
         "--cross-validation", "--folds", str(folds), "--out", str(out)],
        cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    return {
        "accuracy": round(report["accuracy"], 3),
        "macro_f1": round(report["macro avg"]["f1-score"], 3),
        "weighted_f1": round(report["weighted avg"]["f1-score"], 3),
        "seconds": round(time.perf_counter() - started),
    }


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--folds", type=int, default=3)
    arguments.add_argument("--write-benchmarks", action="store_true")
    args = arguments.parse_args()
    rows = {name: cross_validate(config, args.folds) for name, config in CANDIDATES.items()}
    lines = [
        f"{args.folds}-fold cross-validation of intents on data/nlu (DIET, same settings).", "",
        "| featurizers | accuracy | macro-F1 | weighted-F1 | seconds |", "|---|---|---|---|---|",
    ] + [f"| {n} | {r['accuracy']} | {r['macro_f1']} | {r['weighted_f1']} | {r['seconds']} |" for n, r in rows.items()]
    table = "\n".join(lines)
    print(table)
    if args.write_benchmarks:
        replace_section("featurizers", "Intent featurizers",
                        f".venv/bin/python -m bench.compare_featurizers --folds {args.folds} --write-benchmarks", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
