"""The frozen sets under bench/data/unseen_* measure messages the model never saw: no training
example (data/) may be one of a set still kept for measuring or read by the tests' floors, and no
held-out example (tests/nlu_eval/) one of any set. The ordinary concerns of the sets already used
are training data (bench/read_sets_training.py). Greetings and thanks
of a few words are written alike by everyone («What's the weather tomorrow?»), so only messages of
20 characters or more count (40 letters in a language written in the Latin alphabet)."""
import json

import pytest

from bench.read_sets_training import USED, comparable
from bot.nlu.concern_labels import load_labelled_examples
from bot.paths import PROJECT_ROOT

SHORTEST_TELLING = 20
SHORTEST_TELLING_LATIN = 40


def _telling(comparable: str) -> bool:
    latin = sum(character.isascii() for character in comparable)
    return len(comparable) >= (SHORTEST_TELLING_LATIN if latin * 2 > len(comparable) else SHORTEST_TELLING)


def _unseen_messages(with_used_sets: bool):
    messages = {}
    for path in sorted((PROJECT_ROOT / "bench" / "data").glob("unseen_*/**/*.jsonl")):
        if not with_used_sets and path.relative_to(PROJECT_ROOT / "bench" / "data").parts[0][len("unseen_"):] in USED:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            texts = [case.get("text")] + [t if isinstance(t, str) else t.get("text") for t in case.get("turns") or []]
            for text in filter(None, texts):
                if _telling(comparable(text)):
                    messages[comparable(text)] = f"{path.parent.name}/{case['id']}"
    return messages


@pytest.mark.parametrize("folder", ["data/nlu", "tests/nlu_eval"])
def test_no_example_is_a_frozen_unseen_message(folder):
    unseen = _unseen_messages(with_used_sets=folder == "tests/nlu_eval")
    assert len(unseen) > 5000  # the sets were read
    leaked = [(example.text[:40], unseen[comparable(example.text)])
              for example in load_labelled_examples(PROJECT_ROOT / folder)
              if comparable(example.text) in unseen]
    assert leaked == []
