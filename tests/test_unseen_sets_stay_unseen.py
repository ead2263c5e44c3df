"""The frozen sets under bench/data/unseen_* measure messages the model never saw: no training
example (data/) and no held-out example (tests/nlu_eval/) may be one of them. Greetings and thanks
of a few words are written alike by everyone («What's the weather tomorrow?»), so only messages of
20 characters or more count (40 letters in a language written in the Latin alphabet)."""
import json
import re
import unicodedata

import pytest

from bot.nlu.concern_labels import load_labelled_examples
from bot.paths import PROJECT_ROOT

SHORTEST_TELLING = 20
SHORTEST_TELLING_LATIN = 40


def _comparable(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def _telling(comparable: str) -> bool:
    latin = sum(character.isascii() for character in comparable)
    return len(comparable) >= (SHORTEST_TELLING_LATIN if latin * 2 > len(comparable) else SHORTEST_TELLING)


def _unseen_messages():
    messages = {}
    for path in sorted((PROJECT_ROOT / "bench" / "data").glob("unseen_*/**/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            texts = [case.get("text")] + [t if isinstance(t, str) else t.get("text") for t in case.get("turns") or []]
            for text in filter(None, texts):
                if _telling(_comparable(text)):
                    messages[_comparable(text)] = f"{path.parent.name}/{case['id']}"
    return messages


@pytest.mark.parametrize("folder", ["data/nlu", "tests/nlu_eval"])
def test_no_example_is_a_frozen_unseen_message(folder):
    unseen = _unseen_messages()
    assert len(unseen) > 10000  # every set was read
    leaked = [(example.text[:40], unseen[_comparable(example.text)])
              for example in load_labelled_examples(PROJECT_ROOT / folder)
              if _comparable(example.text) in unseen]
    assert leaked == []
