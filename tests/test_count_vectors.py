"""The batched featurizer gives every training message exactly the features Rasa's gives it."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.count_vectors import BatchedCountVectorsFeaturizer
from bot.nlu.japanese_tokenizer import JapaneseTokenizer

EXAMPLES = [
    ("母が認知症で、息子は10年ひきこもっています", "describe_concern"),
    ("おかねがなくて ごはんが かえません", "describe_concern"),
    ("My mother has dementia and I lost my job", "describe_concern"),
    ("ｶﾞｯｺｳ ｲｷﾀｸﾅｲ 😢", "describe_concern"),
    ("こんにちは", "greet"),
    ("ありがとう!!", "thank"),
    ("はい", "affirm"),
    ("", "deny"),  # no tokens: neither featurizer gives it features
]


def _tokenized():
    tokenizer = JapaneseTokenizer(JapaneseTokenizer.get_default_config())
    messages = [Message.build(text, intent) for text, intent in EXAMPLES]
    return tokenizer.process_training_data(TrainingData(messages))


def _features(featurizer_class, config, tmp_path):
    data = _tokenized()
    settings = {**featurizer_class.get_default_config(), **config}
    context = ExecutionContext(GraphSchema({}), "test")
    featurizer = featurizer_class.create(settings, LocalModelStorage(tmp_path), Resource("cvf"), context)
    featurizer.train(data)
    featurizer.process_training_data(data)
    return [
        {(f.type, f.attribute): f.features for f in message.features}
        for message in data.training_examples
    ]


@pytest.mark.parametrize("config", [{}, {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 3}],
                         ids=["lemma words", "character n-grams"])
def test_the_same_features_as_rasas_featurizer(tmp_path, config):
    (tmp_path / "rasa").mkdir()
    (tmp_path / "batched").mkdir()
    expected = _features(CountVectorsFeaturizer, config, tmp_path / "rasa")
    found = _features(BatchedCountVectorsFeaturizer, config, tmp_path / "batched")
    assert [sorted(m) for m in found] == [sorted(m) for m in expected]
    assert any(expected), "the examples were featurized"
    for mine, theirs in zip(found, expected):
        for key, matrix in theirs.items():
            assert matrix.shape == mine[key].shape
            assert matrix.dtype == mine[key].dtype
            assert np.array_equal(matrix.row, mine[key].row) and np.array_equal(matrix.col, mine[key].col)
            assert np.array_equal(matrix.data, mine[key].data)
    # The word featurizer also featurizes the intents (Rasa's label features).
    if not config:
        assert any((("sentence", INTENT) in m or ("sequence", INTENT) in m) for m in found)
    assert all(("sentence", TEXT) in m for m, (text, _) in zip(found, EXAMPLES) if text)


def test_feature_fingerprints_follow_the_matrices(tmp_path):
    """`rasa train` keys its cache on the features' fingerprints: equal matrices share one,
    and any changed entry gives a new one."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _features_objects(tmp_path / "a")
    second = _features_objects(tmp_path / "b")
    assert [f.fingerprint() for f in first] == [f.fingerprint() for f in second]
    assert len({f.fingerprint() for f in first}) == len({(f.type, f.attribute, str(f.features)) for f in first})
    changed = first[0]
    changed.features.data[0] += 1
    assert changed.fingerprint() != second[0].fingerprint()


def _features_objects(path):
    data = _tokenized()
    settings = BatchedCountVectorsFeaturizer.get_default_config()
    context = ExecutionContext(GraphSchema({}), "test")
    featurizer = BatchedCountVectorsFeaturizer.create(settings, LocalModelStorage(path), Resource("cvf"), context)
    featurizer.train(data)
    featurizer.process_training_data(data)
    return [f for message in data.training_examples for f in message.features]
