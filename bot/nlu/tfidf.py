"""One message's TF-IDF row, as scikit-learn's TfidfVectorizer makes it, without the whole matrix."""
from __future__ import annotations

from typing import List

import numpy as np


def tfidf_row(features: List[str], vocabulary: dict, idf: np.ndarray) -> tuple:
    """Column indices and values of one message as TfidfVectorizer(sublinear_tf=True, norm="l2")
    makes them, for the message's own columns only (checked against scikit-learn in the tests):
    a few dozen of ~200,000, so scoring never touches the whole weight matrix."""
    counts: dict = {}
    for feature in features:
        column = vocabulary.get(feature)
        if column is not None:
            counts[column] = counts.get(column, 0) + 1
    columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    if len(values):
        values = (1.0 + np.log(values)) * idf[columns]
        values = values / np.linalg.norm(values)
    return columns, values
