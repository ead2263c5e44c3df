"""The dialogue-act classifier: stored as arrays, it answers exactly as the regression it trained."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.count_vectors import BatchedCountVectorsFeaturizer
from bot.nlu.intent_classifier import DialogueActClassifier
from bot.nlu.japanese_tokenizer import JapaneseTokenizer

EXAMPLES = {
    "greet": ["こんにちは", "おはようございます", "Hello", "はじめまして"],
    "goodbye": ["さようなら", "またね", "Bye", "失礼します"],
    "affirm": ["はい", "そうです", "Yes", "うん"],
    "describe_concern": ["母が認知症で心配です", "家賃が払えない", "I lost my job", "息子が学校に行かない"],
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tokenizer = JapaneseTokenizer(JapaneseTokenizer.get_default_config())
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    context = ExecutionContext(GraphSchema({}), "test")
    featurizer = BatchedCountVectorsFeaturizer.create(
        {**BatchedCountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 3},
        storage, Resource("featurizer"), context)
    data = TrainingData([Message.build(text, intent) for intent, texts in EXAMPLES.items() for text in texts])
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    config = {**DialogueActClassifier.get_default_config(), "max_iter": 1000}
    classifier = DialogueActClassifier.create(config, storage, Resource("acts"), context)
    classifier.train(data)
    loaded = DialogueActClassifier.load(config, storage, Resource("acts"), context)

    def parse(component, text):
        message = Message(data={"text": text})
        tokenizer.process([message])
        featurizer.process([message])
        return component.process([message])[0]

    return classifier, loaded, parse, config, storage, context


@pytest.mark.parametrize("text", ["こんばんは", "はい、そうです", "父の介護がつらい", "Goodbye!", "🙏"])
def test_the_stored_classifier_answers_as_the_trained_one(trained, text):
    classifier, loaded, parse, *_ = trained
    fresh, stored = parse(classifier, text), parse(loaded, text)
    assert stored.get("intent")["name"] == fresh.get("intent")["name"]
    assert [(r["name"], r["confidence"]) for r in stored.get("intent_ranking")] == \
        [(r["name"], r["confidence"]) for r in fresh.get("intent_ranking")]


def test_it_tells_the_acts_apart(trained):
    _, loaded, parse, *_ = trained
    assert parse(loaded, "さようなら").get("intent")["name"] == "goodbye"
    assert parse(loaded, "認知症の母が心配").get("intent")["name"] == "describe_concern"


def test_an_empty_message_or_an_untrained_model_gives_no_intent(trained):
    _, loaded, parse, config, storage, context = trained
    assert parse(loaded, "   ").get("intent") == {"name": None, "confidence": 0.0}
    untrained = DialogueActClassifier.load(config, storage, Resource("never-trained"), context)
    assert parse(untrained, "こんにちは").get("intent") == {"name": None, "confidence": 0.0}
