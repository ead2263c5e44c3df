"""The domain classifier: a component test on tiny data, then the trained model on compound concerns."""
import numpy as np
import pytest
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.concern_labels import UnknownDomainError
from bot.nlu.domain_classifier import DomainClassifier, log_count_ratio
from bot.nlu.japanese_tokenizer import JapaneseTokenizer
from bot.taxonomy import load_taxonomy

TINY = [
    ("母が認知症で心配です", ["elderly"]),
    ("父の介護保険の申請をしたい", ["elderly"]),
    ("祖母が物忘れがひどい", ["elderly"]),
    ("借金が返せない", ["poverty"]),
    ("お金がなくて食べ物が買えない", ["poverty"]),
    ("給料が減って生活費が足りない", ["poverty"]),
    ("こんにちは", []),
    ("ありがとう", []),
    ("さようなら", []),
]


def _train(tmp_path, examples, config=None):
    tokenizer = JapaneseTokenizer(JapaneseTokenizer.get_default_config())
    messages = [
        Message.build(text, "describe_concern" if domains else "greet", example_metadata={"domains": domains})
        for text, domains in examples
    ]
    data = tokenizer.process_training_data(TrainingData(messages))
    storage = LocalModelStorage(tmp_path)
    resource = Resource("domain_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    settings = {**DomainClassifier.get_default_config(), **(config or {})}
    classifier = DomainClassifier.create(settings, storage, resource, context)
    classifier.train(data)
    loaded = DomainClassifier.load(settings, storage, resource, context)

    def classify(text, intent=None):
        message = tokenizer.process([Message(data={"text": text})])[0]
        if intent:
            ranking = sorted(intent.items(), key=lambda item: -item[1])
            message.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]})
            message.set("intent_ranking", [{"name": name, "confidence": value} for name, value in ranking])
        return loaded.process([message])[0]

    return classify


def test_predicts_a_combination_no_example_had(tmp_path):
    classify = _train(tmp_path, TINY, {"threshold": 0.3, "domain_choice": False})
    message = classify("認知症の母がいて、借金も返せない")
    assert {"elderly", "poverty"} <= set(message.get("domains"))


def test_the_configured_threshold_reaches_prediction(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    fixed_rule = {"domain_choice": False}
    scores = _train(tmp_path / "a", TINY, {"threshold": 0.3, **fixed_rule})("認知症の母がいて、借金も返せない").get("domain_scores")
    between = [code for code, score in scores.items() if 0.3 <= score < 0.99]
    strict = _train(tmp_path / "b", TINY, {"threshold": 0.99, **fixed_rule})("認知症の母がいて、借金も返せない")
    assert between and not set(between) & set(strict.get("domains"))


COMPOUND = [
    ("認知症の母がいて、借金も返せない", ["elderly", "poverty"]),
    ("祖母の介護保険の申請をしたいがお金が足りない", ["elderly", "poverty"]),
    ("父が物忘れがひどく、生活費も足りない", ["elderly", "poverty"]),
    ("母が認知症で、給料が減って食べ物も買えない", ["elderly", "poverty"]),
]


def test_the_learned_choice_names_both_needs_of_a_compound_concern_after_a_save_and_load(tmp_path):
    (tmp_path / "single").mkdir()
    (tmp_path / "compound").mkdir()
    text = "父の物忘れがひどくて、生活費が足りない"
    # Taught only single needs, it names one; taught that they come together, it names both.
    # Three folds for the out-of-fold scores: on nine sentences written three times each, two
    # folds already teach the choice to name both (on the real data two folds give the same
    # figures as three: BENCHMARKS.md, "Domain regressions: solver, tolerance and folds").
    folds = {"threshold_folds": 3}
    single = _train(tmp_path / "single", TINY * 3, folds)(text).get("domains")
    both = _train(tmp_path / "compound", TINY * 3 + COMPOUND * 3, folds)(text).get("domains")
    assert len(single) == 1
    assert set(both) == {"elderly", "poverty"}


def test_an_automatic_threshold_is_chosen_from_the_training_data_and_kept(tmp_path):
    classify = _train(tmp_path, TINY * 3)
    message = classify("祖母が物忘れがひどい")
    assert message.get("domains") == ["elderly"]


def test_scores_every_taxonomy_domain_after_a_save_and_load(tmp_path):
    classify = _train(tmp_path, TINY)
    scores = classify("お金がない").get("domain_scores")
    assert set(scores) == set(load_taxonomy().domain_codes)
    assert scores["poverty"] > scores["elderly"]


def test_the_most_similar_training_concerns_move_the_scores_and_are_kept_with_the_model(tmp_path):
    (tmp_path / "off").mkdir()
    (tmp_path / "on").mkdir()
    text = "祖母の物忘れがひどくて心配"
    alone = _train(tmp_path / "off", TINY, {"neighbour_weight": 0.0})(text).get("domain_scores")
    blended = _train(tmp_path / "on", TINY, {"neighbour_weight": 0.5, "neighbours": 3})(text).get("domain_scores")
    # Its three nearest training concerns are all elderly: after a save and load the blend
    # raises elderly and lowers poverty against the regressions alone.
    assert blended["elderly"] > alone["elderly"] and blended["poverty"] < alone["poverty"]


def test_a_feature_found_only_in_one_domains_examples_is_scaled_up_for_it():
    # Columns: seen only with the domain, only elsewhere, everywhere; then one word-vector column.
    present = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]], dtype=np.float32))
    scale = log_count_ratio(present, np.array([True, True, False, False]), columns=4)
    assert scale[0] > 0 > scale[1]
    assert scale[2] == pytest.approx(0.0, abs=1e-6) and scale[3] == 1.0


def test_the_log_count_ratio_makes_a_domains_own_words_count_more_after_a_save_and_load(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "scaled").mkdir()
    alone = {"neighbour_weight": 0.0, "domain_choice": False, "C": 8.0}
    text = "物忘れ"
    plain = _train(tmp_path / "plain", TINY, {**alone, "log_count_ratio": False})(text).get("domain_scores")
    scaled = _train(tmp_path / "scaled", TINY, {**alone, "log_count_ratio": True})(text).get("domain_scores")
    # 物忘れ was written only in an elderly example: scaled, it leans further towards elderly.
    assert scaled["elderly"] - scaled["poverty"] > plain["elderly"] - plain["poverty"]


@pytest.mark.parametrize("text, right, wrong, gain", [
    ("haha ga ninchishou de shinpai desu", "elderly", "poverty", 0.1),
    ("ははがにんちしょうでしんぱいです", "elderly", "poverty", 0.05),
])
def test_a_worry_typed_in_romaji_or_kana_is_read_like_the_kanji_examples(tmp_path, text, right, wrong, gain):
    (tmp_path / "text").mkdir()
    (tmp_path / "reading").mkdir()
    # Every example is in kanji and no kana rewriting is made: only the reading links the two.
    kanji_only = {"writing_variants": False, "neighbour_weight": 0.0, "domain_choice": False}
    without = _train(tmp_path / "text", TINY, {**kanji_only, "reading_ngrams": False})(text).get("domain_scores")
    read = _train(tmp_path / "reading", TINY, {**kanji_only, "reading_ngrams": True})(text)
    assert read.get("domains") == [right]
    scores = read.get("domain_scores")
    assert scores[right] - scores[wrong] > without[right] - without[wrong] + gain


def test_english_is_read_with_what_the_japanese_examples_taught(tmp_path):
    (tmp_path / "off").mkdir()
    (tmp_path / "on").mkdir()
    # No English example at all: only the glossary's dementia → 認知症 links the words to elderly.
    text = "My father has dementia"
    without = _train(tmp_path / "off", TINY * 2, {"glossary": False})(text).get("domain_scores")
    glossed = _train(tmp_path / "on", TINY * 2, {"glossary": True})(text)
    assert glossed.get("domains") == ["elderly"]
    assert glossed.get("domain_scores")["elderly"] > without["elderly"] + 0.2


def test_a_clearly_named_need_is_not_undone_by_the_fallback_when_the_intents_were_close(tmp_path):
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

    classify = _train(tmp_path, TINY * 3)
    # The intent classifier hesitated between a concern and out of scope (0.52 against 0.48);
    # the domain scores leave no doubt, and Rasa's fallback, which runs next, must not ask again.
    message = classify("借金が返せない", intent={"describe_concern": 0.52, "out_of_scope": 0.48})
    fallback = FallbackClassifier({**FallbackClassifier.get_default_config(), "threshold": 0.45,
                                   "ambiguity_threshold": 0.05})
    settled = fallback.process([message])[0]
    assert settled.get("intent")["name"] == "describe_concern"
    assert settled.get("domains") == ["poverty"]


def test_empty_message_gets_no_domain(tmp_path):
    classify = _train(tmp_path, TINY)
    assert classify("").get("domains") == []


def test_unknown_domain_code_in_training_data_names_the_example(tmp_path):
    with pytest.raises(UnknownDomainError, match="借金が返せない"):
        _train(tmp_path, [("借金が返せない", ["money"])] + TINY[:3])


# ---- the trained project model ---------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("80歳の母と無職で閉じこもっている兄、母の年金だけで暮らしている", {"elderly", "hikikomori", "poverty"}),
        ("仕事をクビになって、来月の家賃が払えそうにありません", {"employment", "housing"}),
        ("認知症の父を一人で介護していて、もう限界です", {"elderly", "carer"}),
        ("中学生の娘が母親の世話をしていて学校に行けていない", {"carer", "child"}),
        ("夫の暴力から逃げたいけど、お金も住む所もない", {"abuse_dv", "poverty", "housing"}),
    ],
)
def test_compound_concerns_get_every_domain(parse, text, expected):
    result = parse(text)
    assert expected <= set(result["domains"]), result["domain_scores"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ひとり暮らしの母が最近物忘れがひどくて心配です", "elderly"),
        ("子どもが学校に行きたがらない", "child"),
        ("パチンコがやめられなくて借金が増えた", "poverty"),
        ("ご近所の騒音に悩んでいます", "other"),
        ("障害者手帳の申請について知りたい", "disability"),
    ],
)
def test_single_concerns_get_their_domain(parse, text, expected):
    assert expected in parse(text)["domains"]


def test_a_welfare_service_asked_for_like_a_municipal_one_is_a_concern(parse):
    # Residents ask for the food bank in the words they use for the library; out of scope is
    # answered only when no welfare need scores higher than out of scope does.
    food = parse("where is the nearest food bank")
    assert food["intent"]["name"] == "describe_concern" and "poverty" in food["domains"]
    library = parse("where is the nearest library")
    assert library["intent"]["name"] == "out_of_scope" and library["domains"] == []


@pytest.mark.parametrize("text", ["こんにちは", "ありがとうございました", "今日はいい天気ですね"])
def test_small_talk_gets_no_domain(parse, text):
    assert parse(text)["domains"] == []


# ---- the trained pipeline, as residents hit it -------------------------------------------------
# Measured with the model trained on this commit's data (micro-F1 over the 269 held-out concerns of
# tests/nlu_eval/, which are never trained on); the floor sits a little below it, so a change
# that loses domains fails here before it reaches residents.
HELD_OUT_DOMAIN_F1_FLOOR = 0.83  # measured 0.851 on 2026-11-29


def test_held_out_concerns_get_their_domains_through_the_whole_pipeline(parse):
    from pathlib import Path

    from bot.nlu.concern_labels import load_labelled_examples

    examples = [e for e in load_labelled_examples(Path(__file__).parent / "nlu_eval")
                if e.intent == "describe_concern" and e.domains]
    tp = fp = fn = 0
    for example in examples:
        found = set(parse(example.text).get("domains") or [])
        gold = set(example.domains)
        tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
    f1 = 2 * tp / (2 * tp + fp + fn)
    print(f"held-out domain micro-F1 {f1:.3f} on {len(examples)} concerns")
    assert f1 >= HELD_OUT_DOMAIN_F1_FLOOR
