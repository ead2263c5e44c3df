"""`python -m bot retrain`: the promotion rule on synthetic numbers, the comparison written for
the inbox, and promotion on stand-in model files (no model is trained here)."""
import io
import json
import subprocess
import sys

import pytest

from bot.paths import PROJECT_ROOT
from bot.retrain import (
    CrisisCounts, RetrainPaths, build_comparison, compare, decision_of, promote, promotion_decision, render, sha256_of,
)
from bot.taxonomy import load_taxonomy

CODES = load_taxonomy().domain_codes


@pytest.mark.parametrize("current, candidate, promoted", [
    (CrisisCounts(60, 0, 400, 5), CrisisCounts(60, 0, 400, 9), True),    # same recall, more false alarms
    (CrisisCounts(60, 2, 400, 5), CrisisCounts(60, 1, 400, 5), True),    # better recall
    (CrisisCounts(60, 0, 400, 5), CrisisCounts(60, 1, 400, 0), False),   # one more miss: never
    (CrisisCounts(60, 3, 400, 5), CrisisCounts(60, 4, 400, 5), False),
    (CrisisCounts(0, 0, 400, 5), CrisisCounts(0, 0, 400, 5), False),     # nothing to measure recall on
    (CrisisCounts(60, 0, 400, 5), CrisisCounts(61, 0, 400, 5), False),   # not the same held-out set
])
def test_a_candidate_worse_on_crisis_recall_is_never_promoted(current, candidate, promoted):
    assert promotion_decision(current, candidate).promote is promoted


def summary(f1: float, missed: int, false_alarms: int, positives: int = 50, negatives: int = 300) -> dict:
    """The shape of bench.nlu_report's summary, with made-up numbers."""
    return {
        "domains": {"micro_f1": f1, "macro_f1": f1 - 0.05, "exact_set_accuracy": f1 - 0.2,
                    "per_domain_f1": {code: round(f1 - i / 100, 3) for i, code in enumerate(CODES)},
                    "support": {code: 10 + i for i, code in enumerate(CODES)}},
        "crisis": {"recall": 1 - missed / positives, "false_positive_rate": false_alarms / negatives,
                   "positives": positives, "negatives": negatives,
                   "missed": [f"missed {i}" for i in range(missed)],
                   "false_alarms": [f"alarm {i}" for i in range(false_alarms)]},
        "confusion": {},
    }


@pytest.fixture
def paths(tmp_path):
    models = tmp_path / "models"
    (models / "candidate").mkdir(parents=True)
    current = models / "madoguchi.tar.gz"
    current.write_bytes(b"current model")
    return RetrainPaths(current=current, current_fingerprint=models / "madoguchi.fingerprint",
                        candidate=models / "candidate" / "madoguchi.tar.gz", previous=models / "previous.tar.gz",
                        comparison=tmp_path / "var" / "retrain_comparison.json")


def fake_training(content: bytes):
    def train(paths):
        paths.candidate.write_bytes(content)
        return "fingerprint-of-the-data"
    return train


def fake_evaluation(results):
    return lambda name, model: results[model.read_bytes()]


def test_compare_prints_per_domain_and_crisis_and_writes_the_json(paths):
    out = io.StringIO()
    comparison = compare(paths, out, fake_training(b"candidate"),
                         fake_evaluation({b"current model": summary(0.80, 0, 4), b"candidate": summary(0.85, 0, 6)}))
    assert paths.current.read_bytes() == b"current model"  # never touched by --compare
    written = json.loads(paths.comparison.read_text(encoding="utf-8"))
    assert written == comparison
    assert written["crisis"]["false_alarms"] == {"current": 4, "candidate": 6, "difference": 2}
    assert written["crisis"]["recall"]["difference"] == 0
    assert [row["code"] for row in written["domains"]] == list(CODES)
    assert written["domains"][0]["difference"] == pytest.approx(0.05)
    assert written["decision"]["promote"] is True
    assert "missed 0" not in paths.comparison.read_text(encoding="utf-8")  # counts only, no texts
    printed = out.getvalue()
    assert "緊急の再現率" in printed and "誤報" in printed and "高齢" in printed and "判定: 入れ替えできます" in printed


def test_promote_replaces_the_model_only_when_crisis_recall_holds(paths):
    evaluations = {b"current model": summary(0.80, 1, 4), b"better f1, one more miss": summary(0.90, 2, 1),
                   b"no more misses": summary(0.82, 1, 5)}
    compare(paths, io.StringIO(), fake_training(b"better f1, one more miss"), fake_evaluation(evaluations))
    out = io.StringIO()
    assert promote(paths, out) is False
    assert paths.current.read_bytes() == b"current model" and not paths.previous.exists()
    assert "緊急の再現率が下がります" in out.getvalue()

    # The stored verdict is not trusted: the rule is applied again to the counts.
    tampered = json.loads(paths.comparison.read_text(encoding="utf-8"))
    tampered["decision"]["promote"] = True
    paths.comparison.write_text(json.dumps(tampered), encoding="utf-8")
    assert promote(paths, io.StringIO()) is False and decision_of(tampered).promote is False

    compare(paths, io.StringIO(), fake_training(b"no more misses"), fake_evaluation(evaluations))
    assert promote(paths, io.StringIO()) is True
    assert paths.current.read_bytes() == b"no more misses" and paths.previous.read_bytes() == b"current model"
    assert paths.current_fingerprint.read_text() == "fingerprint-of-the-data"
    assert json.loads(paths.comparison.read_text(encoding="utf-8"))["promoted_at"]
    assert promote(paths, io.StringIO()) is False  # once


def test_a_candidate_changed_after_the_comparison_is_not_promoted(paths):
    compare(paths, io.StringIO(), fake_training(b"candidate"),
            fake_evaluation({b"current model": summary(0.8, 0, 4), b"candidate": summary(0.8, 0, 4)}))
    paths.candidate.write_bytes(b"something never evaluated")
    out = io.StringIO()
    assert promote(paths, out) is False and "比べたときと違います" in out.getvalue()
    assert paths.current.read_bytes() == b"current model"


def test_render_names_the_verdict_for_a_worse_candidate(paths):
    paths.candidate.write_bytes(b"x")
    comparison = build_comparison(summary(0.8, 0, 3), summary(0.9, 1, 0), paths, "f")
    assert comparison["decision"]["promote"] is False
    assert "判定: 入れ替えません" in render(comparison)
    assert comparison["candidate"]["sha256"] == sha256_of(paths.candidate)


def test_the_command_answers_help_and_needs_an_action():
    run = lambda *args: subprocess.run([sys.executable, "-m", "bot", "retrain", *args], cwd=PROJECT_ROOT,
                                       capture_output=True, text=True)
    assert run("--help").returncode == 0
    assert run().returncode == 2


def test_retrain_measures_with_bench_nlu_report():
    """One implementation of the metrics: the command evaluates through bench.nlu_report."""
    import inspect

    import bot.retrain

    source = inspect.getsource(bot.retrain)
    assert "from bench.nlu_report import evaluate_on_test_set" in source
    assert "def domain_scores" not in source and "def crisis_scores" not in source
