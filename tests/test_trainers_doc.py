"""docs/TRAINERS.md: every command a trainer is told to type exists and answers --help,
and the example it shows is valid training data (the retrain itself is the suite's one training)."""
import re
import shlex
import subprocess
from concurrent.futures import ThreadPoolExecutor

import yaml

from bot.paths import PROJECT_ROOT
from bot.taxonomy import load_taxonomy

DOC = (PROJECT_ROOT / "docs" / "TRAINERS.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", DOC, flags=re.S)


def test_every_yaml_example_is_valid_training_data():
    from bot.nlu.crisis_model import CATEGORIES

    blocks = [yaml.safe_load(body) for lang, body in BLOCKS if lang == "yaml"]
    assert len(blocks) >= 2
    for block in blocks:
        for example in block["nlu"][0]["examples"]:
            metadata = example["metadata"]
            assert set(metadata["domains"]) <= set(load_taxonomy().domains)
            if metadata.get("crisis"):
                assert metadata["crisis_category"] in CATEGORIES


def test_every_python_and_rasa_command_in_the_guide_runs():
    commands = [line for lang, body in BLOCKS if lang == "bash" for line in body.strip().splitlines()]
    python_commands = [c for c in commands if c.startswith(".venv/bin/")]
    assert len(python_commands) >= 6
    # The suite's only strict check of the training data and domain (scripts/test.sh leaves it
    # to this test): a warning fails it as it fails a trainer.
    assert any(shlex.split(c)[1:4] == ["data", "validate", "--config"] and "--fail-on-warnings" in c
               for c in python_commands)

    def run(command):
        words = shlex.split(command)
        if "validate" not in words:  # the validation is cheap enough to run for real
            words = (words[:3] if words[1] == "-m" else words[:2]) + ["--help"]
        return command, subprocess.run(words, cwd=PROJECT_ROOT, capture_output=True, text=True)

    # Three at a time: each is a Python start-up with Rasa's imports, most of this test's time,
    # and three of them fit in the memory of a small CI machine.
    with ThreadPoolExecutor(max_workers=3) as pool:
        for command, result in pool.map(run, python_commands):
            assert result.returncode == 0, (command, result.stderr[-500:])
