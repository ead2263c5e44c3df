"""Japanese word vectors from the ja_ginza package (20,000 word2vec vectors, on PyPI).

Residents say the same worry in words no training example used (借金 / ローン / 督促);
word vectors let the domain classifier see that they are close. The vectors ship inside
the installed wheel: nothing is downloaded at run time.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterable, Tuple

import numpy as np

_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞"}


@functools.lru_cache(maxsize=1)
def _vocab():
    import ja_ginza
    from spacy.vocab import Vocab

    package = Path(ja_ginza.__file__).parent
    model_dir = next(package.glob("ja_ginza-*"))
    return Vocab().from_disk(model_dir / "vocab")


def vector_size() -> int:
    return int(_vocab().vectors.shape[1])


def mean_vector(words: Iterable[Tuple[str, str, str, str]]) -> np.ndarray:
    """Unit-length mean vector of the content words: (lemma, normalised surface, surface, pos)."""
    vocab = _vocab()
    found = []
    for lemma, norm, surface, pos in words:
        if pos not in _CONTENT_POS:
            continue
        for key in (lemma, norm, surface):
            if key and vocab.has_vector(key):
                found.append(vocab.get_vector(key))
                break
    if not found:
        return np.zeros(vector_size(), dtype=np.float32)
    mean = np.mean(found, axis=0).astype(np.float32)
    norm = np.linalg.norm(mean)
    return mean / norm if norm > 0 else mean
