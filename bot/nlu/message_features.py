"""What the learned components read from one tokenized message, and its training variants."""
from __future__ import annotations

from typing import List

import numpy as np
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.concern_features import concern_features
from bot.nlu.japanese_tokenizer import japanese_tokens
from bot.nlu.word_vectors import mean_vector
from bot.nlu.writing_variants import writing_variant


# Both the domain classifier and the crisis detector read these: when a resident's message is
# parsed (`keep=True`) they are computed once and kept on it, never on training data (whose
# fingerprint Rasa computes).
_FEATURES = "concern_features"
_VECTOR = "concern_vector"


def message_features(message: Message, keep: bool = False) -> List[str]:
    cached = message.get(_FEATURES)
    if cached is None:
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        cached = concern_features(
            message.get(TEXT) or "",
            [t.lemma for t in tokens],
            [t.get("pos", "") for t in tokens],
        )
        if keep:
            message.set(_FEATURES, cached)
    return cached


def message_vector(message: Message, keep: bool = False) -> np.ndarray:
    cached = message.get(_VECTOR)
    if cached is None:
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        cached = mean_vector((t.lemma, t.get("norm", ""), t.text, t.get("pos", "")) for t in tokens)
        if keep:
            message.set(_VECTOR, cached)
    return cached


def variant_messages(messages: List[Message]) -> List[tuple]:
    """(index of the original, tokenized variant) for each example with a kana/rōmaji rewriting."""
    variants = []
    for index, message in enumerate(messages):
        rewritten = writing_variant(message.get(TEXT) or "")
        if rewritten:
            variant = Message(data={TEXT: rewritten})
            variant.set(TOKENS_NAMES[TEXT], japanese_tokens(rewritten))
            variants.append((index, variant))
    return variants

