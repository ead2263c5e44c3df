"""The dialogue-act classifier: stored as arrays, it answers exactly as the regression it trained."""
import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.count_vectors import BatchedCountVectorsFeaturizer
from bot.nlu.intent_classifier import DialogueActClassifier
from bot.nlu.japanese_tokenizer import JapaneseTokenizer
from bot.paths import PROJECT_ROOT

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
    # As config.yml: lemma words, then character n-grams.
    featurizers = [BatchedCountVectorsFeaturizer.create({**BatchedCountVectorsFeaturizer.get_default_config(), **settings},
                                                        storage, Resource(f"featurizer-{index}"), context)
                   for index, settings in enumerate([{}, {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 3}])]
    data = TrainingData([Message.build(text, intent) for intent, texts in EXAMPLES.items() for text in texts])
    tokenizer.process_training_data(data)
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)
    config = {**DialogueActClassifier.get_default_config(), **_project_settings()}
    classifier = DialogueActClassifier.create(config, storage, Resource("acts"), context)
    classifier.train(data)
    loaded = DialogueActClassifier.load(config, storage, Resource("acts"), context)

    def parse(component, text):
        message = Message(data={"text": text})
        tokenizer.process([message])
        for featurizer in featurizers:
            featurizer.process([message])
        return component.process([message])[0]

    return classifier, loaded, parse, config, storage, context, data


def _project_settings():
    """The classifier's settings in config.yml."""
    pipeline = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    entry, = (c for c in pipeline if c["name"].endswith("DialogueActClassifier"))
    return {key: value for key, value in entry.items() if key != "name"}


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
    _, loaded, parse, config, storage, context, _ = trained
    assert parse(loaded, "   ").get("intent") == {"name": None, "confidence": 0.0}
    untrained = DialogueActClassifier.load(config, storage, Resource("never-trained"), context)
    assert parse(untrained, "こんにちは").get("intent") == {"name": None, "confidence": 0.0}


def test_the_configured_solver_finds_the_regression_rasas_default_finds(trained):
    # config.yml names a faster solver of the same regularised regression: the acts and their
    # confidences must be those of Rasa's default (lbfgs), or the speed would cost residents.
    classifier, _, parse, config, storage, context, data = trained
    assert config["solver"] != "lbfgs"
    default = DialogueActClassifier.create({**config, "solver": "lbfgs"}, storage, Resource("acts-lbfgs"), context)
    default.train(data)
    for text in ["こんばんは", "はい、そうです", "父の介護がつらい", "Goodbye!", "家賃が払えなくて困っています"]:
        ours, rasas = parse(classifier, text), parse(default, text)
        assert ours.get("intent")["name"] == rasas.get("intent")["name"]
        confidences = {r["name"]: r["confidence"] for r in rasas.get("intent_ranking")}
        for ranked in ours.get("intent_ranking"):
            assert abs(ranked["confidence"] - confidences[ranked["name"]]) < 0.01


def test_the_training_matrix_is_rasas(trained):
    classifier, *_, data = trained
    examples = [m for m in data.intent_examples if m.get("intent") and m.get("text")]
    ours = classifier._create_X(examples)
    rasas = LogisticRegressionClassifier._create_X(classifier, examples)
    assert ours.shape == rasas.shape
    assert (ours.tocsr() != rasas.tocsr()).nnz == 0


def test_examples_for_the_domain_classifier_only_leave_the_acts_as_they_were(trained):
    _, _, parse, config, storage, context, data = trained
    # A flood of "greet" examples would pull every reading towards greet, were they learned.
    flood = [Message.build(f"母の介護が限界です {n}", "greet") for n in range(60)]
    for message in flood:
        message.set("metadata", {"example": {"domains": ["elderly"], "domains_only": True}})
    with_flood = TrainingData(data.training_examples + flood)
    JapaneseTokenizer(JapaneseTokenizer.get_default_config()).process_training_data(with_flood)
    classifier = DialogueActClassifier.create(config, storage, Resource("acts-flooded"), context)
    classifier.train(with_flood)
    assert parse(classifier, "父の介護がつらい").get("intent")["name"] == "describe_concern"
    assert classifier.clf.coef_.shape[0] == len(EXAMPLES)
