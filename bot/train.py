"""`python -m bot.train [--force]`: train the model when its inputs changed.

Rasa 3.6 retrains whenever asked; the set-up scripts call this instead, so a fresh
clone trains once and later runs start in seconds. The fingerprint covers everything the
model is built from: data, domain, config and the custom NLU components' code.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

from bot.paths import MODEL_NAME, MODEL_PATH, MODELS_DIR, PROJECT_ROOT

FINGERPRINT_PATH = MODELS_DIR / f"{MODEL_NAME}.fingerprint"


def model_inputs() -> Iterable[Path]:
    yield PROJECT_ROOT / "config.yml"
    yield PROJECT_ROOT / "domain.yml"
    yield PROJECT_ROOT / "knowledge" / "taxonomy.yml"
    for folder, patterns in (("data", ("*.yml",)), ("bot/nlu", ("*.py", "*.yml", "*.tsv"))):
        for pattern in patterns:
            yield from sorted((PROJECT_ROOT / folder).rglob(pattern))


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in model_inputs():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_up_to_date() -> bool:
    return (
        MODEL_PATH.exists()
        and FINGERPRINT_PATH.exists()
        and FINGERPRINT_PATH.read_text().strip() == fingerprint()
    )


def rasa_train(out_dir: Path, name: str, log_path: Optional[Path] = None) -> int:
    """`rasa train` of the project into out_dir/name.tar.gz (bot.retrain trains its candidate
    with this, beside the current model; bench.training_time reads Rasa's log from log_path)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--out", str(out_dir), "--fixed-model-name", name,
        # As strict as the guide's `rasa data validate --fail-on-warnings`: a warning stops training.
        "--fail-on-validation-warnings",
        # Rasa's cache is off (below), so its fingerprint run, which loads and fingerprints all
        # the data to find cached components, could never skip one: 43 s of nothing. Whether to
        # train at all is decided by this module's own fingerprint.
        "--force",
    ]
    # Rasa's training cache keys on config and data, not on the custom components' code or
    # their YAML (rules, lexicon): a stale cached component would be trained on old code.
    environment = {**os.environ, "RASA_MAX_CACHE_SIZE": "0"}
    if log_path is None:
        return subprocess.run(command, cwd=PROJECT_ROOT, env=environment).returncode
    with open(log_path, "w", encoding="utf-8") as log:
        return subprocess.run(command, cwd=PROJECT_ROOT, env=environment, stdout=log,
                              stderr=subprocess.STDOUT).returncode


def train() -> int:
    # Taken before training: an input edited while Rasa trains makes the model stale, not current.
    inputs = fingerprint()
    returncode = rasa_train(MODELS_DIR, MODEL_NAME)
    if returncode == 0 and MODEL_PATH.exists():
        FINGERPRINT_PATH.write_text(inputs)
    return returncode


@contextlib.contextmanager
def training_lock() -> Iterator[None]:
    """Held while the model is checked and trained: scripts/test.sh trains while the tests that
    need no model run, and a test that asks for the model waits here instead of reading a
    half-written one or training a second one beside it."""
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    with open(MODELS_DIR / ".training.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def train_if_stale(force: bool = False) -> int:
    with training_lock():
        if not force and is_up_to_date():
            print(f"The model is up to date: {MODEL_PATH.relative_to(PROJECT_ROOT)}")
            return 0
        return train()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="train even if nothing changed")
    args = parser.parse_args()
    return train_if_stale(force=args.force)


if __name__ == "__main__":
    sys.exit(main())
