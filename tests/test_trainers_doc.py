"""docs/TRAINERS.md: every command a trainer is told to type exists and answers --help,
and the example it shows is valid training data (the retrain itself is the suite's one training)."""
import inspect
import json
import re
import shlex
import subprocess
from concurrent.futures import ThreadPoolExecutor

import yaml

from bot.paths import PROJECT_ROOT
from bot.train import rasa_train
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


# Each module's --help in one interpreter: a Python start-up with Rasa's imports per command was
# most of this test's time (53 s of CI's 20 minutes for thirteen commands).
_HELP_OF_EACH = """
import contextlib, io, json, runpy, sys
answers = {}
for module in json.loads(sys.argv[1]):
    sys.argv, shown = [module, "--help"], io.StringIO()
    try:
        with contextlib.redirect_stdout(shown):
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit:
        code = exit.code or 0
    answers[module] = [code, "usage" in shown.getvalue().lower()]
print(json.dumps(answers))
"""


def test_every_python_and_rasa_command_in_the_guide_runs():
    commands = [line for lang, body in BLOCKS if lang == "bash" for line in body.strip().splitlines()]
    python_commands = [c for c in commands if c.startswith(".venv/bin/")]
    assert len(python_commands) >= 6
    validate = [c for c in python_commands if shlex.split(c)[1:4] == ["data", "validate", "--config"]]
    assert validate and all("--fail-on-warnings" in c for c in validate)
    # The guide's strict check is the one every `rasa train` of the project makes (bot/train.py), so
    # CI, which trains once from scratch, fails on a warning as a trainer does, without validating twice.
    assert "--fail-on-validation-warnings" in inspect.getsource(rasa_train)

    modules = sorted({shlex.split(c)[2] for c in python_commands if shlex.split(c)[1] == "-m"})
    rasa_commands = sorted({tuple(shlex.split(c)[:2]) for c in python_commands if shlex.split(c)[1] != "-m"})

    def rasa_help(words):
        return words, subprocess.run([*words, "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        rasa_answers = pool.map(rasa_help, rasa_commands)
        helps = subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "python"), "-c", _HELP_OF_EACH, json.dumps(modules)],
                               cwd=PROJECT_ROOT, capture_output=True, text=True)
        for words, result in rasa_answers:
            assert result.returncode == 0, (words, result.stderr[-500:])
    assert helps.returncode == 0, helps.stderr[-2000:]
    answers = json.loads(helps.stdout.strip().splitlines()[-1])
    assert set(answers) == set(modules)
    for module, (code, usage_shown) in answers.items():
        assert code == 0 and usage_shown, (module, code, helps.stderr[-500:])
