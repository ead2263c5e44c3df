"""What the learned components read from one tokenized message, and its training variants."""
from __future__ import annotations

import functools
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.concern_features import concern_features
from bot.nlu.concern_labels import example_metadata
from bot.nlu.glossary import glossary_for
from bot.nlu.japanese_tokenizer import japanese_tokens
from bot.nlu.language import JAPANESE, detect_language
from bot.nlu.word_vectors import mean_vector
from bot.nlu.writing_variants import writing_variant


# Both the domain classifier and the crisis detector read these: when a resident's message is
# parsed (`keep=True`) they are computed once and kept on it, never on training data (whose
# fingerprint Rasa computes). Training data's are remembered here instead, by text and tokens,
# so the second component to train reads the first one's (half a minute of each `rasa train`).
_FEATURES = "concern_features"
_VECTOR = "concern_vector"
_GLOSSED_FEATURES = "glossed_concern_features"
_GLOSSED_VECTOR = "glossed_concern_vector"
_GLOSS_TOKENS = "gloss_tokens"


def message_features(message: Message, keep: bool = False) -> List[str]:
    return _cached(message, _FEATURES, keep, lambda: _features_of(
        message.get(TEXT) or "", message.get(TOKENS_NAMES[TEXT]) or [], remember=not keep))


def message_vector(message: Message, keep: bool = False) -> np.ndarray:
    return _cached(message, _VECTOR, keep, lambda: _vector_of(
        message.get(TOKENS_NAMES[TEXT]) or [], remember=not keep))


def glossed_features(message: Message, keep: bool = False) -> List[str]:
    """The message's features plus those of its glossary's Japanese words (bot/nlu/glossary.py),
    in the same names as a Japanese message's: `w:認知症` means the same in both."""
    def compute() -> List[str]:
        gloss = _gloss_tokens(message, keep)
        own = message_features(message, keep)
        return own + _features_of("、".join(t.text for t in gloss), gloss) if gloss else own

    return _cached(message, _GLOSSED_FEATURES, keep, compute)


def glossed_vector(message: Message, keep: bool = False) -> np.ndarray:
    """Mean word vector over the message's words and its glossary's Japanese words."""
    def compute() -> np.ndarray:
        gloss = _gloss_tokens(message, keep)
        if not gloss:
            return message_vector(message, keep)
        return _vector_of([*(message.get(TOKENS_NAMES[TEXT]) or []), *gloss])

    return _cached(message, _GLOSSED_VECTOR, keep, compute)


def _cached(message: Message, key: str, keep: bool, compute: Callable[[], Any]) -> Any:
    value = message.get(key)
    if value is None:
        value = compute()
        if keep:
            message.set(key, value)
    return value


def _features_of(text: str, tokens: Sequence, remember: bool = False) -> List[str]:
    lemmas = tuple(t.lemma for t in tokens)
    pos = tuple(t.get("pos", "") for t in tokens)
    if remember:
        return list(_remembered_features(text, lemmas, pos))
    return concern_features(text, lemmas, pos)


@functools.lru_cache(maxsize=100_000)
def _remembered_features(text: str, lemmas: tuple, pos: tuple) -> tuple:
    return tuple(concern_features(text, lemmas, pos))


def _vector_of(tokens: Sequence, remember: bool = False) -> np.ndarray:
    words = tuple((t.lemma, t.get("norm", ""), t.text, t.get("pos", "")) for t in tokens)
    return _remembered_vector(words) if remember else mean_vector(words)


@functools.lru_cache(maxsize=100_000)
def _remembered_vector(words: tuple) -> np.ndarray:
    vector = mean_vector(words)
    vector.flags.writeable = False  # shared by every caller
    return vector


def _gloss_tokens(message: Message, keep: bool) -> tuple:
    """The tokens of the glossary's Japanese words for the message (none for Japanese), looked up
    once per parsed message: both the features and the vector read them."""
    def compute() -> tuple:
        text = message.get(TEXT) or ""
        language = detect_language(text)
        if language == JAPANESE:
            return ()
        words = glossary_for(language).japanese_words(text)
        # One token list per word: a gloss is a list of words, not a sentence to re-segment.
        return tuple(token for word in words for token in _word_tokens(word))

    return _cached(message, _GLOSS_TOKENS, keep, compute)


@functools.lru_cache(maxsize=20_000)
def _word_tokens(word: str) -> tuple:
    return tuple(japanese_tokens(word))


def variant_messages(messages: List[Message]) -> List[tuple]:
    """(index of the original, tokenized variant) for each example with a kana/rōmaji rewriting.

    None for an example labelled `rewrite: false`: the concerns of the frozen sets already used
    are residents' own writing in every style already, and rewriting 17,000 of them as well took the
    domain classifier's training from 4 to 9.5 minutes (bench/read_sets_training.py)."""
    variants = []
    for index, message in enumerate(messages):
        if example_metadata(message).get("rewrite", True) is False:
            continue
        rewritten = _tokenized_variant(message.get(TEXT) or "")
        if rewritten:
            text, tokens = rewritten
            variant = Message(data={TEXT: text})
            variant.set(TOKENS_NAMES[TEXT], list(tokens))
            variants.append((index, variant))
    return variants


@functools.lru_cache(maxsize=100_000)
def _tokenized_variant(text: str) -> Optional[Tuple[str, tuple]]:
    """Both learned components rewrite the same training examples: once is enough."""
    rewritten = writing_variant(text)
    return (rewritten, tuple(japanese_tokens(rewritten))) if rewritten else None

