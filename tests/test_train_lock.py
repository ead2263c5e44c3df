"""scripts/test.sh trains the model while the tests that need none run: a test that asks for the
model must wait for that training, never read a half-written model or start a second training."""
import subprocess
import sys
import time

from bot import train

HOLDER = """
import sys, time
from pathlib import Path
from bot import train
train.MODELS_DIR = Path(sys.argv[1])
with train.training_lock():
    (train.MODELS_DIR / "held").write_text("")
    time.sleep(1.5)
    (train.MODELS_DIR / "released").write_text("")
"""


def test_a_model_check_waits_for_a_training_in_another_process(tmp_path, monkeypatch):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)])
    try:
        while not (tmp_path / "held").exists():
            assert holder.poll() is None, "the process holding the lock ended early"
            time.sleep(0.05)
        monkeypatch.setattr(train, "MODELS_DIR", tmp_path)
        monkeypatch.setattr(train, "is_up_to_date", lambda: True)
        monkeypatch.setattr(train, "MODEL_PATH", tmp_path / "madoguchi.tar.gz")
        monkeypatch.setattr(train, "PROJECT_ROOT", tmp_path)
        assert train.train_if_stale() == 0
        assert (tmp_path / "released").exists(), "the check returned while the other training still held the lock"
    finally:
        holder.wait(timeout=30)


def test_a_stale_model_is_trained_once_under_the_lock(tmp_path, monkeypatch):
    trainings = []
    monkeypatch.setattr(train, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(train, "is_up_to_date", lambda: bool(trainings))
    monkeypatch.setattr(train, "MODEL_PATH", tmp_path / "madoguchi.tar.gz")
    monkeypatch.setattr(train, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(train, "train", lambda: trainings.append(1) or 0)
    assert train.train_if_stale() == 0 and train.train_if_stale() == 0
    assert trainings == [1]
