"""Multi-label classification of a resident's concern into welfare domains.

One independent logistic regression per taxonomy domain over TF-IDF weighted lemma and
character n-gram features (scaled for each domain by their log-count ratio, as in NB-SVM) plus
the mean word vector of the message, so any combination
of domains can come out, including ones no training example had; blended with the domains of
the most similar training concerns (bot/nlu/similar_examples.py). The model is stored as
plain arrays and JSON (no pickle).
"""
from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterable, List, Optional, Text

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bot.nlu.concern_people import ABOUT, extract_people
from bot.nlu.concern_features import lexicon_features, reading_features, written_domains
from bot.nlu.domain_choice import ConcernContext, DomainChoice
from bot.nlu.message_features import (
    glossed_features, glossed_vector, message_features, message_vector, variant_messages)
from bot.nlu.similar_examples import SimilarExamples
from bot.nlu.tfidf import tfidf_row
from bot.nlu.concern_labels import labelled_domains
from bot.nlu.dialogue_acts import SOCIAL_ACTS
from bot.nlu.language import JAPANESE, detect_language
from bot.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

DOMAINS = "domains"
OUT_OF_SCOPE = "out_of_scope"
DOMAIN_SCORES = "domain_scores"
OTHER = "other"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class DomainClassifier(GraphComponent):
    """Writes `domains` (codes over threshold, best first) and `domain_scores` on a message."""

    @classmethod
    def required_components(cls) -> List[type]:
        # It also reads the intent when an intent classifier runs before it (config.yml), but
        # cannot declare one: Rasa checks requirements along the training graph's data flow,
        # where the intent classifier's training is not upstream of this component's.
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # "auto": the threshold that gives the best micro-F1 out of fold on the training
            # concerns (chosen when training, stored with the model); or a fixed number.
            "threshold": "auto",
            "threshold_folds": 2,
            # A second domain must score at least this share of the first. Out of fold, the
            # training examples (each batch from one writer, short and clear) favour lower shares
            # than messages from writers never seen: there, second domains scoring half the first
            # were mostly scene-setting words (unseen sets 2026-11b and -c, BENCHMARKS.md).
            "min_share_of_best": 0.7,
            # Which scored domains a message names, decided by a regression fitted on the
            # out-of-fold scores (bot/nlu/domain_choice.py) instead of the threshold and share
            # above; a domain is named when that regression gives it at least `choice_cut`. On
            # the unseen sets already read, 0.5 gave micro-F1 0.866 against 0.858 for the fixed
            # rule (0.45: 0.865, 0.55: 0.866, 0.6: 0.863); `bench.domain_variants`.
            "domain_choice": True,
            "choice_cut": 0.5,
            "choice_C": 0.3,
            # A message the intent classifier reads as a concern gets its best domain when that scores at
            # least this much, so a resident who wrote a worry is never left with none.
            "concern_floor": 0.3,
            # Each domain's regression reads the sparse features scaled by how much more often
            # they occur in that domain's examples than in the rest (log-count ratio, as in
            # Wang & Manning's NB-SVM). Raw scores on the 33 unseen sets already read: micro-F1
            # 0.862 → 0.870, better on 31; through the learned choice on sets o–ah 0.864 → 0.869
            # (`bench.domain_variants`); then on fresh sets al, am, an +0.014, +0.007, +0.013.
            # The scale is folded into the stored weights: reading a message costs the same.
            "log_count_ratio": True,
            # Inverse regularisation strength of each per-domain regression (8 was best without
            # the scaling above, 20 with it: 3 and 50 did worse).
            "C": 20.0,
            "min_df": 1,
            # Weight of the mean word vector next to the TF-IDF features (0 turns it off).
            "word_vector_weight": 1.0,
            # Share of each domain's score taken from the most similar training concerns (0 turns
            # it off), and how many of them. On the unseen sets already read, 0.3 gave micro-F1
            # 0.856 against 0.847 without (0.2 and 0.5 did no better): `bench.domain_variants`.
            "neighbour_weight": 0.3,
            "neighbours": 15,
            # Character n-grams over the message's kana reading as well as over its text, so a
            # worry typed in hiragana (or rōmaji, read as kana) meets the examples written in
            # kanji. Off: on the 23 sets already read (o–ah, al–an; 8,970 concerns) micro-F1
            # 0.869 → 0.871, but on fresh sets ao and ap 0.886 → 0.887 and 0.870 → 0.864
            # (hiragana 0.884 → 0.884, 0.819 → 0.786), for a quarter more model (88 → 113 MB).
            "reading_ngrams": False,
            # Train on a hiragana or rōmaji rewriting of every concern as well.
            "writing_variants": True,
            # Regressions fitted at once when training (one per core of the machine CI has).
            "training_threads": 2,
            # How each regression is solved: liblinear's dual (over the examples instead of the
            # ~200,000 features: the same regularised problem) to a looser tolerance, and two
            # folds instead of three for the out-of-fold scores that fit the threshold and the
            # choice. On the 24 sets already read, micro-F1 0.886 as before (Japanese 0.890,
            # English 0.878), and this component trains in 250 s instead of 511 s (BENCHMARKS.md,
            # "Domain regressions: solver, tolerance and folds"); fresh sets az and ba measured it.
            "dual": True,
            "tolerance": 1e-3,
            # Read a message in another language with its glossary's Japanese words as well
            # (bot/nlu/glossary.py).
            "glossary": True,
            # Intents whose messages get no welfare domain (a question about 粗大ゴミ is not one).
            "no_domain_intents": ["out_of_scope"],
            # A concern-looking message this likely to be about no welfare matter at all is
            # answered as out of scope (the office's number), not asked to clarify.
            "out_of_scope_threshold": 0.5,
            # A short worry the intent classifier mistook for a social act (「仕事をクビに
            # なりました」 read as thanks) is a concern when a domain is this certain.
            "concern_over_social_act": 0.9,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Optional[Dict[str, int]] = None,
        idf: Optional[np.ndarray] = None,
        weights: Optional[np.ndarray] = None,
        biases: Optional[np.ndarray] = None,
        domain_codes: Optional[List[str]] = None,
        thresholds: Optional[Dict[str, List[float]]] = None,
        similar: Optional[SimilarExamples] = None,
        choice: Optional[DomainChoice] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        configured = self._config["threshold"]
        # A fixed number in the config wins; "auto" uses what training chose per language
        # ([threshold, share of the best score]; 0.5 and no share untrained).
        self._thresholds: Dict[str, List[float]] = (
            {"*": [float(configured), 0.0]} if configured != "auto" else (thresholds or {"*": [0.5, 0.0]})
        )
        self._model_storage = model_storage
        self._resource = resource
        self._domain_codes = domain_codes or list(load_taxonomy().domain_codes)
        self._vocabulary = vocabulary
        self._idf = idf
        self._weights = weights
        self._biases = biases
        self._similar = similar
        self._choice = choice if self._config["domain_choice"] else None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DomainClassifier":
        return cls(config, model_storage, resource)

    # ---- training -------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.nlu_examples if m.get(TEXT)]
        groups = list(range(len(examples)))
        if self._config["writing_variants"]:
            # The same worry in hiragana or rōmaji, labelled as the original (concerns only:
            # a greeting's label does not depend on the script).
            concern_rows = [i for i, m in enumerate(examples) if m.get(INTENT) == "describe_concern"]
            concerns = [examples[i] for i in concern_rows]
            for i, variant in variant_messages(concerns):
                examples.append(_labelled_like(concerns[i], variant))
                groups.append(concern_rows[i])
        # One more column after the domains: the message is not about welfare at all
        # (粗大ゴミ, 住民票…). The intent classifier sees few such examples among thousands of concerns; a
        # balanced regression over the same features tells them apart far better.
        labels = np.array(
            [[code in labelled_domains(m) for code in self._domain_codes] + [m.get(INTENT) == OUT_OF_SCOPE]
             for m in examples],
            dtype=bool,
        )
        vectorizer = TfidfVectorizer(
            analyzer=lambda features: features,
            sublinear_tf=True,
            min_df=self._config["min_df"],
        )
        matrix = self._with_vector(
            vectorizer.fit_transform([self._features(m) for m in examples]), examples
        )
        is_concern = np.array([m.get(INTENT) == "describe_concern" for m in examples])
        width = len(vectorizer.vocabulary_)
        with ThreadPoolExecutor(max_workers=1) as background:
            # The final regressions fit while the folds are scored and the choice is fitted: those
            # steps run on one core in Python and would leave the other idle. The model is the same.
            final = background.submit(self._fit, matrix, labels, width)
            if self._config["threshold"] == "auto" or self._config["domain_choice"]:
                languages = np.array([detect_language(m.get(TEXT)) for m in examples])
                scores = self._out_of_fold_scores(matrix, labels, np.array(groups), is_concern, width)
                if self._config["threshold"] == "auto":
                    self._thresholds = self._best_thresholds(scores, labels, is_concern, languages)
                    logger.info("DomainClassifier thresholds chosen out of fold: %s", self._thresholds)
                if self._config["domain_choice"]:
                    self._choice = self._fit_choice(scores, labels, is_concern, examples, languages)
            weights, biases = final.result()
        self._similar = self._fit_similar(matrix, labels, np.flatnonzero(is_concern), width)
        self._vocabulary = {k: int(v) for k, v in vectorizer.vocabulary_.items()}
        self._idf = vectorizer.idf_.astype(np.float32)
        self._weights, self._biases = weights, biases
        self._persist()
        return self._resource

    def _fit(self, matrix: sp.csr_matrix, labels: np.ndarray, width: int) -> tuple:
        """One regression per column of `labels`; `width`: how many of the matrix's columns are
        sparse features (the word vector follows them)."""
        weights = np.zeros((labels.shape[1], matrix.shape[1]), dtype=np.float32)
        biases = np.full(labels.shape[1], -10.0, dtype=np.float32)
        present = matrix[:, :width].astype(bool).astype(np.float32) if self._config["log_count_ratio"] else None

        def fit_one(index: int) -> None:
            positives = labels[:, index]
            if positives.all() or not positives.any():
                code = (self._domain_codes + [OUT_OF_SCOPE])[index]
                logger.warning("Domain '%s' has no contrasting examples; it stays off.", code)
                return
            scale = (np.ones(matrix.shape[1], dtype=np.float32) if present is None
                     else log_count_ratio(present, positives, matrix.shape[1]))
            model = LogisticRegression(C=self._config["C"], class_weight="balanced", max_iter=3000,
                                       solver="liblinear", dual=self._config["dual"],
                                       tol=self._config["tolerance"], random_state=0)
            model.fit(matrix @ sp.diags(scale), positives)
            # Reading the scaled features with these weights is reading the raw ones with
            # weights × scale.
            weights[index] = model.coef_[0] * scale
            biases[index] = model.intercept_[0]

        # liblinear leaves the GIL while it fits, so the domains' regressions share the cores:
        # most of this component's training time, the longest of `rasa train` in CI.
        with ThreadPoolExecutor(max_workers=self._config["training_threads"]) as pool:
            list(pool.map(fit_one, range(labels.shape[1])))
        return weights, biases

    def _fit_similar(self, matrix: sp.csr_matrix, labels: np.ndarray, rows: np.ndarray,
                     width: int) -> Optional[SimilarExamples]:
        if not self._config["neighbour_weight"] or not len(rows):
            return None
        domains = len(self._domain_codes)
        return SimilarExamples.fit(matrix[rows], width, labels[rows, :domains], self._config["neighbours"])

    def _blend(self, regression: np.ndarray, shares: np.ndarray) -> np.ndarray:
        weight = self._config["neighbour_weight"]
        return (1.0 - weight) * regression + weight * shares

    def _out_of_fold_scores(self, matrix: sp.csr_matrix, labels: np.ndarray, groups: np.ndarray,
                            is_concern: np.ndarray, width: int) -> np.ndarray:
        """Every training row's scores from models that never saw it; a variant stays in its
        original's fold."""
        scores = np.zeros(labels.shape, dtype=np.float32)
        folds = GroupKFold(n_splits=self._config["threshold_folds"])
        for train_rows, test_rows in folds.split(matrix, groups=groups):
            weights, biases = self._fit(matrix[train_rows], labels[train_rows], width)
            logits = matrix[test_rows] @ weights.T + biases
            scores[test_rows] = 1.0 / (1.0 + np.exp(-logits))
            similar = self._fit_similar(matrix, labels, train_rows[is_concern[train_rows]], width)
            if similar is not None:
                concern_rows = test_rows[is_concern[test_rows]]
                domains = len(self._domain_codes)
                scores[concern_rows, :domains] = self._blend(
                    scores[concern_rows, :domains], similar.label_shares(matrix[concern_rows]))
        return scores

    def _best_thresholds(self, scores: np.ndarray, labels: np.ndarray, is_concern: np.ndarray,
                         languages: np.ndarray) -> Dict[str, List[float]]:
        """Per language, the (threshold, share of the best score) pair with the best micro-F1
        of out-of-fold scores on the concerns.

        The share drops a domain scoring far below the message's best one: residents'
        concerns name one or two domains, and English scores run high on every domain."""
        chosen: Dict[str, List[float]] = {}
        domains = len(self._domain_codes)
        for language in sorted(set(languages[is_concern])):
            rows = is_concern & (languages == language)
            gold, found_scores = labels[rows, :domains], scores[rows, :domains]
            top = found_scores.max(axis=1, keepdims=True)
            best, best_f1 = [0.5, 0.0], -1.0
            for threshold in np.arange(0.30, 0.91, 0.05):
                for share in (c for c in (0.0, 0.5, 0.6, 0.7, 0.8, 0.9) if c >= self._config["min_share_of_best"]):
                    found = (found_scores >= threshold) & (found_scores >= share * top)
                    tp = float((found & gold).sum())
                    wrong = float((found & ~gold).sum()) + float((~found & gold).sum())
                    f1 = 2 * tp / (2 * tp + wrong) if tp else 0.0
                    if f1 > best_f1:
                        best, best_f1 = [round(float(threshold), 3), share], f1
            chosen[language] = best
        return chosen

    def _fit_choice(self, scores: np.ndarray, labels: np.ndarray, is_concern: np.ndarray,
                    examples: List[Message], languages: np.ndarray) -> DomainChoice:
        domains = len(self._domain_codes)
        rows = np.flatnonzero(is_concern & labels[:, :domains].any(axis=1))
        contexts = [self._context(examples[i], str(languages[i])) for i in rows]
        return DomainChoice.fit(self._domain_codes, scores[rows, :domains], labels[rows, :domains], contexts,
                                cut=self._config["choice_cut"], C=self._config["choice_C"])

    @staticmethod
    def _context(message: Message, language: str, written: Optional[Iterable[str]] = None) -> ConcernContext:
        text = message.get(TEXT) or ""
        about = message.get(ABOUT)
        if about is None:  # training data, or a pipeline without ConcernPeopleExtractor
            about = extract_people(text, message.get(TOKENS_NAMES[TEXT]))[0]
        if written is None:  # training data: its features are not kept, so search the text once
            written = written_domains(lexicon_features(text))
        return ConcernContext.of(text, language, about, written)

    def _with_vector(self, sparse_rows: sp.csr_matrix, messages: List[Message]) -> sp.csr_matrix:
        weight = self._config["word_vector_weight"]
        if not weight:
            return sparse_rows
        dense = np.vstack([self._vector(m) for m in messages]) * weight
        return sp.hstack([sparse_rows, sp.csr_matrix(dense)]).tocsr()

    def _persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "vocabulary.json").write_text(
                json.dumps(
                    {"domains": self._domain_codes, "vocabulary": self._vocabulary,
                     "thresholds": self._thresholds},
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            np.savez_compressed(
                directory / "weights.npz", idf=self._idf, weights=self._weights, biases=self._biases
            )
            if self._similar is not None:
                self._similar.save(directory)
            if self._choice is not None:
                self._choice.save(directory)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "DomainClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
                arrays = np.load(directory / "weights.npz", allow_pickle=False)
                return cls(
                    config,
                    model_storage,
                    resource,
                    vocabulary=meta["vocabulary"],
                    idf=arrays["idf"],
                    weights=arrays["weights"],
                    biases=arrays["biases"],
                    domain_codes=meta["domains"],
                    thresholds=meta.get("thresholds"),
                    similar=SimilarExamples.load(directory),
                    choice=DomainChoice.load(directory),
                )
        except ValueError:
            logger.warning("DomainClassifier has no trained model; it will predict nothing.")
            return cls(config, model_storage, resource)

    # ---- inference ------------------------------------------------------------------
    def scores(self, message: Message) -> Dict[str, float]:
        """Probability per domain code, independent of each other (and of `out_of_scope`)."""
        if self._weights is None or not (message.get(TEXT) or "").strip():
            return {code: 0.0 for code in self._domain_codes + [OUT_OF_SCOPE]}
        columns, values = self._tfidf(self._features(message, keep=True))
        # Only the message's own columns of the weight matrix: a few dozen of ~200,000
        # (the profile showed a sparse-by-dense product over all of them as the NLU hot spot).
        logits = self._weights[:, columns] @ values + self._biases
        weight = self._config["word_vector_weight"]
        vector = self._vector(message, keep=True) * weight if weight else None
        if vector is not None:
            logits = logits + self._weights[:, len(self._idf):] @ vector
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        if self._similar is not None and self._config["neighbour_weight"]:
            domains = len(self._domain_codes)
            probabilities[:domains] = self._blend(
                probabilities[:domains], self._similar.label_shares_of_one(columns, values, vector))
        return {code: round(float(p), 4) for code, p in zip(self._domain_codes + [OUT_OF_SCOPE], probabilities)}

    def _features(self, message: Message, keep: bool = False) -> List[str]:
        features = glossed_features(message, keep) if self._config["glossary"] else message_features(message, keep)
        if self._config["reading_ngrams"]:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            features = features + reading_features([t.get("reading") or "" for t in tokens])
        return features

    def _vector(self, message: Message, keep: bool = False) -> np.ndarray:
        return glossed_vector(message, keep) if self._config["glossary"] else message_vector(message, keep)

    def _tfidf(self, features: List[str]) -> tuple:
        return tfidf_row(features, self._vocabulary, self._idf)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            scores = self.scores(message)
            outside = scores.pop(OUT_OF_SCOPE, 0.0)
            top = max(scores.values(), default=0.0)
            language = detect_language(message.get(TEXT) or "")
            threshold, share = self._thresholds_for(language)
            # 「その他」 also holds everyday trouble that is a municipal question (ゴミの分別).
            welfare_top = max((score for code, score in scores.items() if code != OTHER), default=0.0)
            self._settle_intent(message, outside, top, welfare_top, threshold)
            if self._choice is not None and top > 0:
                chosen = self._chosen_by_choice(message, scores, language)
            else:
                chosen = sorted(
                    (code for code, score in scores.items() if score >= threshold and score >= share * top),
                    key=lambda code: -scores[code],
                )
            best = max(scores, key=scores.get)
            intent = self._intent_name(message)
            # A thanks or a greeting that stayed one (no domain was near-certain) names no need:
            # 「今までありがとうございました」 in a farewell lends thanks a trace of mental_health.
            if intent in self._config["no_domain_intents"] or intent in SOCIAL_ACTS:
                chosen = []
            elif not chosen and self._is_concern(message) and scores[best] >= self._config["concern_floor"]:
                chosen = [best]
            message.set(DOMAIN_SCORES, scores, add_to_output=True)
            message.set(DOMAINS, chosen, add_to_output=True)
        return messages

    def _chosen_by_choice(self, message: Message, scores: Dict[str, float], language: str) -> List[str]:
        row = np.array([scores[code] for code in self._domain_codes], dtype=np.float32)
        # The curated terms were found when the message's features were built (kept on it while
        # it is parsed): read there, not searched for again.
        written = written_domains(message_features(message, keep=True))
        # As under the fixed rule, a domain the regressions barely see is never named, however
        # the rest of the message reads (a question about 粗大ゴミ that says 母).
        indices = self._choice.choose(row, self._context(message, language, written),
                                      floor=self._config["concern_floor"])
        return [self._domain_codes[i] for i in indices]

    def _settle_intent(self, message: Message, outside: float, top: float, welfare_top: float,
                       threshold: float) -> None:
        """Concern or not, where the intent classifier and the domain scores disagree.

        Out of scope only when this component's own out-of-scope score says so (it was trained
        against every concern) and no welfare need scores higher: 「where is the nearest food
        bank」 is worded like a question about the library, but it asks for food. A concern when a
        domain is clearly named, even if the intent classifier leaned towards out of scope, read a
        short worry as a social act, or hesitated between the two."""
        intent = self._intent_name(message)
        if (outside >= self._config["out_of_scope_threshold"] and outside >= welfare_top
                and intent in ("describe_concern", "nlu_fallback", OUT_OF_SCOPE)):
            _settle(message, OUT_OF_SCOPE, max(outside, _confidence(message)))
        elif intent == OUT_OF_SCOPE and top >= threshold:
            _settle(message, "describe_concern", top)
        elif intent == "describe_concern" and top >= threshold:
            _settle(message, "describe_concern", max(top, _confidence(message)))
        elif intent in SOCIAL_ACTS and top >= self._config["concern_over_social_act"]:
            _settle(message, "describe_concern", top)

    def _thresholds_for(self, language: str) -> List[float]:
        if "*" in self._thresholds:
            return self._thresholds["*"]
        return self._thresholds.get(language) or self._thresholds.get(JAPANESE) or [0.5, 0.0]

    @classmethod
    def _is_concern(cls, message: Message) -> bool:
        return cls._intent_name(message) == "describe_concern"

    @staticmethod
    def _intent_name(message: Message) -> Optional[str]:
        return (message.get(INTENT) or {}).get("name")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def log_count_ratio(present: sp.csr_matrix, positives: np.ndarray, columns: int) -> np.ndarray:
    """Per column, log of how much likelier a feature is among one domain's examples than among
    the others (each count plus one); 1 for the columns after the sparse features."""
    in_domain = np.asarray(present[positives].sum(axis=0)).ravel() + 1.0
    elsewhere = np.asarray(present[~positives].sum(axis=0)).ravel() + 1.0
    ratio = np.log((in_domain / in_domain.sum()) / (elsewhere / elsewhere.sum()))
    return np.concatenate([ratio, np.ones(columns - present.shape[1])]).astype(np.float32)


def _settle(message: Message, intent: str, confidence: float) -> None:
    """Sets the intent this component decided, first in the ranking as well: Rasa's
    FallbackClassifier, which runs next, reads the ranking and would otherwise undo the decision
    when the intent classifier's two best guesses were close."""
    # The others keep their order, within what the decided confidence leaves of 1.
    ranking = [{**entry, "confidence": min(float(entry.get("confidence") or 0.0), 1.0 - confidence)}
               for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != intent]
    message.set(INTENT, {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}, *ranking], add_to_output=True)


def _confidence(message: Message) -> float:
    return float((message.get(INTENT) or {}).get("confidence") or 0.0)


def _labelled_like(original: Message, variant: Message) -> Message:
    variant.set(INTENT, original.get(INTENT))
    variant.set("metadata", original.get("metadata"))
    return variant
