"""The nearest training concerns lend their domains; one message and many give the same shares."""
import numpy as np
import scipy.sparse as sp

from bot.nlu.similar_examples import SimilarExamples

# Four training concerns over five sparse features and a two-dimensional vector part;
# labels: [elderly, poverty].
SPARSE = np.array([
    [1.0, 0.5, 0.0, 0.0, 0.0],
    [0.9, 0.0, 0.4, 0.0, 0.0],
    [0.0, 0.0, 0.0, 1.0, 0.6],
    [0.0, 0.2, 0.0, 0.8, 0.7],
], dtype=np.float32)
DENSE = np.array([[0.1, 0.0], [0.2, 0.1], [0.0, 0.3], [0.0, 0.2]], dtype=np.float32)
LABELS = np.array([[1, 0], [1, 0], [0, 1], [1, 1]], dtype=bool)


def neighbours(k: int) -> SimilarExamples:
    matrix = sp.csr_matrix(np.hstack([SPARSE, DENSE]))
    return SimilarExamples.fit(matrix, SPARSE.shape[1], LABELS, k)


def test_a_message_like_one_training_concern_takes_its_domains():
    query = sp.csr_matrix(np.hstack([SPARSE[2:3], DENSE[2:3]]))
    assert neighbours(1).label_shares(query).tolist() == [[0.0, 1.0]]


def test_shares_are_weighted_by_similarity_among_the_nearest():
    query = sp.csr_matrix(np.hstack([SPARSE[3:4], DENSE[3:4]]))
    shares = neighbours(2).label_shares(query)[0]
    # The two nearest are rows 3 (elderly + poverty) and 2 (poverty): poverty certain, elderly partly.
    assert shares[1] == 1.0 and 0.3 < shares[0] < 0.7


def test_one_message_scored_alone_matches_the_batch():
    examples = neighbours(3)
    query = np.hstack([np.array([[0.7, 0.0, 0.3, 0.2, 0.0]], dtype=np.float32), [[0.1, 0.1]]])
    batch = examples.label_shares(sp.csr_matrix(query))[0]
    columns = np.array([0, 2, 3])
    one = examples.label_shares_of_one(columns, query[0, columns].astype(np.float32), query[0, 5:].astype(np.float32))
    np.testing.assert_allclose(one, batch, rtol=1e-5)


def test_saved_and_loaded_without_pickle_the_shares_stay(tmp_path):
    examples = neighbours(2)
    examples.save(tmp_path)
    np.load(tmp_path / "similar_examples.npz", allow_pickle=False)  # plain arrays only
    loaded = SimilarExamples.load(tmp_path)
    query = sp.csr_matrix(np.hstack([SPARSE[:2], DENSE[:2]]))
    np.testing.assert_allclose(loaded.label_shares(query), examples.label_shares(query))


def test_no_stored_neighbours_loads_as_none(tmp_path):
    assert SimilarExamples.load(tmp_path) is None


def test_common_and_rare_features_together_give_the_plain_nearest_neighbours():
    # 300 training rows: a few features in most rows (read densely when scoring many messages),
    # many in one or two (read sparsely); the shares must be those of the plain cosine product.
    random = np.random.default_rng(7)
    common = (random.random((300, 4)) < 0.8) * random.random((300, 4))
    rare = sp.random(300, 400, density=0.005, random_state=7).toarray()
    sparse = np.hstack([common, rare]).astype(np.float32)
    dense = random.random((300, 3)).astype(np.float32)
    labels = random.random((300, 5)) < 0.3
    examples = SimilarExamples.fit(sp.csr_matrix(np.hstack([sparse, dense])), sparse.shape[1], labels, 7)
    queries = np.hstack([sparse[:40] + 0.1 * (sparse[40:80] > 0), dense[:40]]).astype(np.float32)

    shares = examples.label_shares(sp.csr_matrix(queries))

    training = np.hstack([sparse, dense])
    similarity = (queries @ training.T) / np.linalg.norm(training, axis=1)
    for row, expected in zip(similarity, shares):
        nearest = np.argsort(-row)[:7]
        weights = np.maximum(row[nearest], 0)
        np.testing.assert_allclose(expected, weights @ labels[nearest] / weights.sum(), rtol=1e-4, atol=1e-6)
