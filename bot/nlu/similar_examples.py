"""The domains of the training concerns most like a message (cosine nearest neighbours).

The per-domain regressions weigh each word on its own; a resident's story that reads like a
handful of training stories taken whole (a long English story, a care manager's report) is
often better judged by what those stories were labelled. Blended with the regressions'
scores in DomainClassifier; chosen by measurement on earlier unseen sets (BENCHMARKS.md).

Stored as plain arrays (no pickle): the training rows' sparse TF-IDF part by feature, their
dense word-vector part, one norm per row and the labels.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import scipy.sparse as sp

# Rows compared at once when scoring many messages (training folds): bounds the dense
# similarity block to CHUNK × training rows.
CHUNK = 512
# Scoring many messages, a feature in at least this share of the training rows (single kana,
# particles) is read from a dense copy: a sparse product spends most of its time on those few
# hundred columns, which a dense one does in a tenth of the time. The other ~99 % stay sparse.
DENSE_FEATURE_SHARE = 0.05


class SimilarExamples:
    def __init__(self, sparse_features: sp.spmatrix, dense_rows: np.ndarray, labels: np.ndarray, neighbours: int) -> None:
        # Features × training rows, by feature: one message reads only its own features' rows.
        # float32 as stored: the training folds compare in the precision the model answers in.
        self._sparse = sparse_features.tocsr().astype(np.float32)
        self._dense = dense_rows.astype(np.float32)
        self._labels = labels.astype(np.float32)
        self._neighbours = neighbours
        squared = np.asarray(self._sparse.multiply(self._sparse).sum(axis=0)).ravel()
        squared = squared + (self._dense ** 2).sum(axis=1)
        self._inverse_norms = (1.0 / np.sqrt(np.maximum(squared, 1e-12))).astype(np.float32)

    @classmethod
    def fit(cls, matrix: sp.csr_matrix, sparse_width: int, labels: np.ndarray, neighbours: int) -> "SimilarExamples":
        """matrix: one training concern per row, its first `sparse_width` columns TF-IDF and the
        rest the weighted word vector, as the classifier builds it."""
        return cls(matrix[:, :sparse_width].T, matrix[:, sparse_width:].toarray(), labels, neighbours)

    def label_shares(self, matrix: sp.csr_matrix) -> np.ndarray:
        """For each row of matrix: per label, the similarity-weighted share of its nearest
        training rows that carry it (0 to 1)."""
        width = self._sparse.shape[0]
        frequent, rare = self._features_by_frequency()
        frequent_rows = np.ascontiguousarray(self._sparse[frequent].toarray())
        rare_rows = self._sparse[rare]
        shares = np.zeros((matrix.shape[0], self._labels.shape[1]), dtype=np.float32)
        for start in range(0, matrix.shape[0], CHUNK):
            block = matrix[start:start + CHUNK].astype(np.float32)
            sparse_part = block[:, :width]
            similarity = (sparse_part[:, frequent].toarray() @ frequent_rows
                          + (sparse_part[:, rare] @ rare_rows).toarray()
                          + block[:, width:].toarray() @ self._dense.T)
            shares[start:start + CHUNK] = self._shares(similarity * self._inverse_norms)
        return shares

    def _features_by_frequency(self) -> tuple:
        rows_with_feature = np.diff(self._sparse.indptr)
        common = rows_with_feature >= max(1, DENSE_FEATURE_SHARE * self._sparse.shape[1])
        return np.flatnonzero(common), np.flatnonzero(~common)

    def label_shares_of_one(self, columns: np.ndarray, values: np.ndarray, dense: Optional[np.ndarray]) -> np.ndarray:
        """The same for one message given as its TF-IDF columns and values and its weighted
        vector: only the message's own columns are read."""
        similarity = np.asarray(self._sparse[columns, :].T @ values).ravel()
        if dense is not None:
            similarity = similarity + self._dense @ dense
        return self._shares((similarity * self._inverse_norms)[None, :])[0]

    def _shares(self, similarity: np.ndarray) -> np.ndarray:
        k = min(self._neighbours, similarity.shape[1])
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        weights = np.maximum(np.take_along_axis(similarity, nearest, axis=1), 0.0)
        totals = weights.sum(axis=1, keepdims=True)
        shares = np.einsum("qk,qkl->ql", weights, self._labels[nearest])
        return np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)

    def save(self, directory: Path) -> None:
        np.savez_compressed(
            directory / "similar_examples.npz",
            data=self._sparse.data.astype(np.float32), indices=self._sparse.indices, indptr=self._sparse.indptr,
            shape=np.array(self._sparse.shape), dense=self._dense, labels=self._labels.astype(bool),
            neighbours=np.array(self._neighbours),
        )

    @classmethod
    def load(cls, directory: Path) -> Optional["SimilarExamples"]:
        path = directory / "similar_examples.npz"
        if not path.exists():
            return None
        arrays = np.load(path, allow_pickle=False)
        sparse = sp.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"]))
        return cls(sparse, arrays["dense"], arrays["labels"], int(arrays["neighbours"]))
