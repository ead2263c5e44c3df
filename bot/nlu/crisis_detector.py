"""The Rasa component that judges danger now, in layers.

1. The rules (bot/nlu/crisis_rules.yml) are the floor: what they catch always reaches the
   crisis lines, and they say which phrase fired. Shown at once, unless the model is all
   but sure the words are not about danger now (「書類多すぎて死ぬ」) or the message speaks of
   a story or an animal (the rules' `doubts`: a novel, a parrot): then the safety question
   comes first, and anything but a clear no still gives the lines.
2. A learned model (bot/nlu/crisis_model.py) scores every message; above its high threshold
   the message is crisis as well, exactly as if a rule had fired; only a greeting, closing,
   thanks, yes or no read with confidence is asked the safety question instead (leaving and
   thanking are also the words of farewell notes), and so is a line of one or two content words
   (腰いたい), too little for the model to be sure of. A question about the service
   itself (「何時まで開いてますか」, read as such with confidence) is left to the rules: its few
   words carry no evidence either way.
3. Between its low and high thresholds the message is uncertain (unless it has only one or two
   content words): `safety_check` is set and
   the dialogue asks the resident one direct safety question before anything else. So are the
   rules' `ask` words (「生きている意味がわからない」), whatever the score.

Output on every message (numbers and codes only, never text): `crisis`, `crisis_categories`
(best first), `crisis_source` ("rules" | "model" | null), `crisis_score`, `crisis_evidence`
(what this message adds to a conversation's risk, read by CrisisPolicy), `crisis_bands`
(the thresholds, so the policy judges a conversation on the model's own scale) and
`safety_check`.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from bot.nlu.concern_labels import example_metadata, for_domains_only, labelled_crisis
from bot.nlu.crisis_rules import RULES_PATH, CrisisFinding, CrisisRules, load_crisis_rules
from bot.nlu.crisis_model import CATEGORIES, CrisisModel, CrisisModelSettings
from bot.nlu.dialogue_acts import PLAIN_ACT_CONFIDENCE, PLAIN_DIALOGUE_ACTS, SERVICE_QUESTIONS
from bot.nlu.language import JAPANESE, detect_language
from bot.nlu.language_detector import LANGUAGE
from bot.nlu.message_features import message_features, message_vector, variant_messages

logger = logging.getLogger(__name__)
RULES_FILE = "crisis_rules.yml"

CRISIS = "crisis"
CRISIS_CATEGORIES = "crisis_categories"
CRISIS_SOURCE = "crisis_source"
CRISIS_SCORE = "crisis_score"
CRISIS_EVIDENCE = "crisis_evidence"
CRISIS_BANDS = "crisis_bands"
SAFETY_CHECK = "safety_check"
DANGER_ENTITY = "danger"
_CONTENT_POS = {"名詞", "代名詞", "動詞", "形容詞", "形状詞", "副詞"}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class CrisisDetector(GraphComponent):
    """Sits last in the pipeline so nothing after it can change the flag; the dialogue reads
    the flag before the intent."""

    @classmethod
    def required_components(cls) -> List[type]:
        # It also reads the intent when an intent classifier runs before it (config.yml), but
        # cannot declare one: Rasa checks requirements along the training graph's data flow,
        # where the intent classifier's training is not upstream of this component's.
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # False keeps the rules alone (the floor), as before the learned layer existed.
            "learned": True,
            "C": 4.0,
            "folds": 5,
            # Thresholds are set when training so that, out of fold on the training data's
            # calm examples, about this share raise the banner and this share more are asked.
            "target_alarm_rate": 0.03,
            "target_question_rate": 0.06,
            "category_floor": 0.25,
            "word_vector_weight": 1.0,
            # At most this share of the training data's rule-caught danger may be asked about
            # first instead of shown at once (sets the model's `rule_doubt` threshold).
            "rule_doubt_rate": 0.02,
            # The thresholds above per language (ja, en), each from its own calm examples. English
            # calm messages raise the banner more often than the rest (fresh sets ai–ap: 1–8 % against
            # 2–4 % of all; set 2026-11ar: 13 %). Off: on the 24 read sets (1,920 danger-now, 11,040 calm;
            # `bench.crisis_variants`, session 20) English banners went 0.045 → 0.037 and questions
            # 0.110 → 0.083, but English danger reached 0.988 → 0.982 and directly 0.935 → 0.925, and
            # all danger reached 0.995 → 0.993: fewer people in danger reached, for targets already met.
            "per_language_thresholds": False,
            "writing_variants": True,
            # Regressions fitted at once when training (one per core of the machine CI has).
            "training_threads": 2,
            "no_question_intents": list(PLAIN_DIALOGUE_ACTS),
            "no_question_confidence": PLAIN_ACT_CONFIDENCE,
            # Judged by the rules alone (no learned score, no evidence for the conversation).
            "service_question_intents": list(SERVICE_QUESTIONS),
            # A line of fewer content words than this (腰いたい, It's so hot today) is too little
            # evidence for the learned model either way: above its high threshold it asks the
            # safety question instead of showing the banner, and in its uncertain band it asks
            # nothing. On the 19,610 messages of the unseen sets read by session 16 (783 lines of
            # two words or fewer), the model alone bannered 32 calm lines and 2 danger-now lines
            # of that size, and asked 37 calm and no danger-now ones in its band; asking four words
            # would have moved 10 danger-now lines (たすけて夫が包丁) for 50 calm ones. The rules
            # still show the lines at once, and their `ask` words are still asked.
            "model_min_words": 3,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[CrisisModel] = None,
        rules: Optional[CrisisRules] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._rules = rules or load_crisis_rules()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisDetector":
        return cls(config, model_storage, resource)

    # ---- training -------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        # The rules travel with the model: an archive answers as it was evaluated, whatever
        # crisis_rules.yml says later.
        with self._model_storage.write_to(self._resource) as directory:
            (directory / RULES_FILE).write_text(RULES_PATH.read_text(encoding="utf-8"), encoding="utf-8")
        if not self._config["learned"]:
            return self._resource
        self._model = self.fit_model([m for m in training_data.nlu_examples if m.get(TEXT)])
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    def fit_model(self, messages: List[Message]) -> CrisisModel:
        """The learned model from tokenized, labelled messages (also bench.crisis_variants' way to
        try a setting without `rasa train`)."""
        examples = [m for m in messages if not for_domains_only(m)]
        groups = list(range(len(examples)))
        if self._config["writing_variants"]:
            for index, variant in variant_messages(examples):
                variant.set("metadata", examples[index].get("metadata"))
                examples.append(variant)
                groups.append(index)
        findings = [self._rules_on(m) for m in examples]
        danger = np.array([labelled_crisis(m) for m in examples], dtype=bool)
        categories = [self._category_label(m, f) for m, f in zip(examples, findings)]
        features = [self._features(m, f) for m, f in zip(examples, findings)]
        vectors = np.vstack([message_vector(m) for m in examples])
        settings = CrisisModelSettings(
            C=self._config["C"], folds=self._config["folds"],
            target_alarm_rate=self._config["target_alarm_rate"],
            target_question_rate=self._config["target_question_rate"],
            category_floor=self._config["category_floor"],
            word_vector_weight=self._config["word_vector_weight"],
            rule_doubt_rate=self._config["rule_doubt_rate"],
            per_language_thresholds=self._config["per_language_thresholds"],
            training_threads=self._config["training_threads"],
        )
        rule_hits = np.array([f.is_crisis for f in findings], dtype=bool)
        languages = ([detect_language(m.get(TEXT) or "") for m in examples]
                     if self._config["per_language_thresholds"] else None)
        model = CrisisModel.fit(features, vectors, danger, categories, settings, np.array(groups), rule_hits,
                                languages)
        logger.info("Crisis model: %d examples (%d danger); thresholds high %.3f, low %.3f, rule doubt %.3f; "
                    "per language %s", len(examples), int(danger.sum()), model.high, model.low, model.rule_doubt,
                    model.language_bands)
        return model

    @staticmethod
    def _category_label(message: Message, finding: CrisisFinding) -> Optional[str]:
        """The trainer's `crisis_category`, else the category the rules name for the example."""
        if not labelled_crisis(message):
            return None
        stated = example_metadata(message).get("crisis_category")
        if stated in CATEGORIES:
            return stated
        return finding.categories[0] if finding.categories else None

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CrisisDetector":
        model, rules = None, None
        try:
            with model_storage.read_from(resource) as directory:
                if (directory / "crisis_model.json").exists():
                    model = CrisisModel.load(directory)
                if (directory / RULES_FILE).exists():
                    rules = CrisisRules(yaml.safe_load((directory / RULES_FILE).read_text(encoding="utf-8")))
        except ValueError:
            pass
        if model is None and {**cls.get_default_config(), **config}["learned"]:
            logger.warning("CrisisDetector has no learned model; the rules alone decide.")
        return cls(config, model_storage, resource, model, rules)

    # ---- inference ------------------------------------------------------------------
    def _rules_on(self, message: Message) -> CrisisFinding:
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        return self._rules.detect(message.get(TEXT) or "", [(t.text, t.lemma, t.start) for t in tokens])

    @staticmethod
    def _features(message: Message, finding: CrisisFinding, keep: bool = False) -> List[str]:
        # Which rule families fired is a cue the model may weigh, never a veto.
        return message_features(message, keep) + [f"rule:{code}" for code in finding.categories]

    def judge(self, message: Message) -> Dict[str, Any]:
        result = self._judge_danger(message)
        text = (message.get(TEXT) or "").strip()
        if not result[CRISIS] and not result[SAFETY_CHECK] and text and not text.startswith("/") \
                and self._rules.asks(text):
            # The rules' `ask` words: asked whatever the learned score, so the question does not
            # come and go with each training run.
            result.update({SAFETY_CHECK: True, CRISIS_CATEGORIES: ["suicide_self_harm"]})
        return result

    def _judge_danger(self, message: Message) -> Dict[str, Any]:
        finding = self._rules_on(message)
        result: Dict[str, Any] = {
            CRISIS: finding.is_crisis,
            CRISIS_CATEGORIES: list(finding.categories),
            CRISIS_SOURCE: "rules" if finding.is_crisis else None,
            CRISIS_SCORE: 1.0 if finding.is_crisis else 0.0,
            CRISIS_EVIDENCE: 0.0,
            CRISIS_BANDS: None,
            SAFETY_CHECK: False,
        }
        text = (message.get(TEXT) or "").strip()
        if self._model is None or not text or text.startswith("/"):
            return result  # a button payload carries no words to judge
        estimate = self._model.estimate(self._features(message, finding, keep=True), message_vector(message, keep=True))
        result[CRISIS_EVIDENCE] = estimate.evidence
        high, low = self._bands(message, text)
        result[CRISIS_BANDS] = {"high": high, "low": low, "bias": self._model.danger_bias}
        if finding.is_crisis:
            model_doubts = estimate.score < self._model.rule_doubt and not self._rules.plainly_stated(text)
            if model_doubts or self._rules.doubted(text):
                result.update({CRISIS: False, CRISIS_SOURCE: None, SAFETY_CHECK: True, CRISIS_SCORE: estimate.score})
            return result
        if self._is_service_question(message):
            # Its evidence is zeroed too, so that the conversation's risk does not add it up.
            result.update({CRISIS_EVIDENCE: 0.0, CRISIS_SCORE: self._model.probability(0.0)})
            return result
        result[CRISIS_SCORE] = estimate.score
        plain_act = self._plain_dialogue_act(message)
        # Counted only where it can change the answer: most messages score under the band.
        thin = estimate.score >= low and content_words(message) < self._config["model_min_words"]
        if estimate.score >= high and not plain_act and not thin:
            result.update({CRISIS: True, CRISIS_SOURCE: "model", CRISIS_CATEGORIES: list(estimate.categories)})
        elif estimate.score >= high or (estimate.score >= low and not plain_act and not thin):
            result.update({SAFETY_CHECK: True, CRISIS_CATEGORIES: list(estimate.categories)})
        return result

    def _bands(self, message: Message, text: str) -> Tuple[float, float]:
        """(high, low) for this message. The language is looked up only when the model has
        thresholds per language, and then as LanguageDetector already set it."""
        if not self._model.language_bands:
            return self._model.high, self._model.low
        return self._model.bands(message.get(LANGUAGE) or detect_language(text))

    def _plain_dialogue_act(self, message: Message) -> bool:
        """「ありがとう」 or 「はい」 (any of `no_question_intents`) read with confidence. Short words
        score in the uncertain band for want of evidence either way, and are not asked about. One
        scoring high on the learned model alone (a closing or thanks: leaving and thanking are also
        words of farewell notes) is asked the safety question instead of shown the banner; a rule
        hit still shows the lines, whatever the intent."""
        return self._read_as(message, self._config["no_question_intents"])

    def _is_service_question(self, message: Message) -> bool:
        """「何時まで開いてますか」, 「米子市です」: a question or answer about the service itself,
        read with confidence; the rules still read its words."""
        return self._read_as(message, self._config["service_question_intents"])

    def _read_as(self, message: Message, intents: List[str]) -> bool:
        intent = message.get(INTENT) or {}
        return (intent.get("name") in intents
                and float(intent.get("confidence") or 0.0) >= self._config["no_question_confidence"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            result = self.judge(message)
            for key, value in result.items():
                message.set(key, value, add_to_output=True)
            level = "crisis" if result[CRISIS] else "uncertain" if result[SAFETY_CHECK] else None
            if level:
                # Also as an entity over the whole message: test stories state it, and
                # `rasa test` checks that the NLU really finds it.
                text = message.get(TEXT) or ""
                entity = {"entity": DANGER_ENTITY, "value": level, "start": 0, "end": len(text),
                          "confidence": 1.0, "extractor": self.__class__.__name__}
                message.set(ENTITIES, (message.get(ENTITIES) or []) + [entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def content_words(message: Message) -> int:
    """Words that carry meaning: nouns, verbs, adjectives and adverbs in Japanese; in English
    (which the tokenizer reads as nouns throughout), words of two letters or more outside
    scikit-learn's English stop words."""
    text = message.get(TEXT) or ""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if detect_language(text) == JAPANESE:
        return sum(1 for token in tokens if token.get("pos") in _CONTENT_POS)
    return sum(1 for token in tokens
               if token.text.isascii() and token.text.isalpha() and len(token.text) > 1
               and token.text.lower() not in ENGLISH_STOP_WORDS)
