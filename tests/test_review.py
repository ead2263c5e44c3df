"""Opt-in redacted samples: kept only when enabled, redacted, purged after 30 days, and a
trainer labels them into data/ with `python -m bot review`."""
import subprocess
import sys
from datetime import date, timedelta

import yaml

from bot.demand import DemandLog
from bot.paths import PROJECT_ROOT
from bot.review.samples import ReviewSamples


def test_nothing_is_kept_unless_the_municipality_opts_in(tmp_path, monkeypatch):
    monkeypatch.delenv("STORE_REDACTED_SAMPLES", raising=False)
    samples = ReviewSamples(DemandLog(f"sqlite:///{tmp_path / 'd.sqlite3'}").engine)
    assert samples.keep("山田太郎です。よくわからない", "clarified", "eniwa") is False
    assert samples.pending() == []


def test_kept_samples_are_redacted_and_purged_after_30_days(tmp_path, monkeypatch):
    monkeypatch.setenv("STORE_REDACTED_SAMPLES", "1")
    samples = ReviewSamples(DemandLog(f"sqlite:///{tmp_path / 'd.sqlite3'}").engine)
    old_day = date.today() - timedelta(days=31)
    samples.keep("古いメッセージ 090-1111-2222", "clarified", "eniwa", today=old_day)
    samples.keep("山田太郎です。電話は090-1234-5678。なんか困ってる", "clarified", "eniwa")
    pending = samples.pending()
    assert len(pending) == 1
    assert "山田" not in pending[0].text and "090-1234-5678" not in pending[0].text
    assert "なんか困ってる" in pending[0].text


def test_review_command_labels_samples_into_training_data(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    monkeypatch.setenv("STORE_REDACTED_SAMPLES", "1")
    samples = ReviewSamples(DemandLog(database).engine)
    samples.keep("親の年金が少なくて、兄も家から出ない", "clarified", "eniwa")
    samples.keep("Where is the station?", "out_of_scope", "eniwa")
    data_file = tmp_path / "reviewed.yml"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "review", "--data-file", str(data_file)],
        input="money\nelderly,hikikomori,poverty\no\n", text=True, capture_output=True, cwd=PROJECT_ROOT,
        env={**__import__("os").environ, "DATABASE_URL": database},
    )
    assert result.returncode == 0, result.stderr
    assert "知らないコード" in result.stdout
    document = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    by_intent = {block["intent"]: block["examples"] for block in document["nlu"]}
    assert by_intent["describe_concern"][0]["metadata"]["domains"] == ["elderly", "hikikomori", "poverty"]
    assert by_intent["out_of_scope"][0]["text"] == "Where is the station?"
    assert ReviewSamples(DemandLog(database).engine).pending() == []
