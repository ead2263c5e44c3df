"""`python -m bench.training_time [--write-benchmarks]`: where the time of one `rasa train` goes.

Trains the project exactly as set-up and CI do (`bot.train.rasa_train`), into a scratch
folder, and reads Rasa's own log: the time before the first component (start-up, reading and
validating the data, fingerprinting it) and each component's training, with the time
between components (Rasa featurizing and fingerprinting the training data for the next one).
CI's twenty minutes hold one of these; this says which part to cut next.
"""
from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Tuple

from bench.benchmarks_file import replace_section
from bot.train import rasa_train

_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \S+\s+rasa\.engine\.training\.hooks\s+-\s+"
                   r"(Starting|Finished) (?:to )?train(?:ing)? component '([^']+)'")


def component_steps(log: str, started: datetime.datetime, ended: datetime.datetime) -> List[Tuple[str, float]]:
    """(step, seconds) from Rasa's training log: each gap before a component starts, then the
    component's own training."""
    steps: List[Tuple[str, float]] = []
    previous, previous_name = started, None
    for line in log.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        moment = datetime.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
        state, name = match.group(2), match.group(3)
        if state == "Starting":
            label = "start-up, data and validation" if previous_name is None else f"between {previous_name} and {name}"
            steps.append((label, (moment - previous).total_seconds()))
        else:
            steps.append((name, (moment - previous).total_seconds()))
            previous_name = name
        previous = moment
    steps.append(("packing the model", (ended - previous).total_seconds()))
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args()
    # As scripts/setup.sh trains.
    for variable, value in (("PYTHONHASHSEED", "0"), ("TF_CPP_MIN_LOG_LEVEL", "2"), ("RASA_TELEMETRY_ENABLED", "false")):
        os.environ.setdefault(variable, value)
    with tempfile.TemporaryDirectory() as scratch:
        log_path = Path(scratch) / "train.log"
        started_clock = time.monotonic()
        started = datetime.datetime.now().replace(microsecond=0)
        returncode = rasa_train(Path(scratch), "timed", log_path)
        ended = datetime.datetime.now().replace(microsecond=0)
        total = time.monotonic() - started_clock
        log = log_path.read_text(encoding="utf-8", errors="replace")
    if returncode:
        print(log[-4000:], file=sys.stderr)
        return returncode
    steps = component_steps(log, started, ended)
    rows = "\n".join(f"| {name} | {seconds:.0f} |" for name, seconds in steps)
    body = (f"One `rasa train` of the project ({os.cpu_count()} cores), timed from Rasa's own log "
            f"(whole seconds): **{total:.0f} s** in all.\n\n| step | seconds |\n|---|---|\n{rows}\n")
    print(body)
    if args.write_benchmarks:
        replace_section("training-time", "Training time, step by step",
                        "python -m bench.training_time --write-benchmarks", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
