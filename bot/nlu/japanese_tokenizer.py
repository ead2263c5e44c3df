"""A Rasa tokenizer for Japanese: fugashi + unidic-lite, lemmas as dictionary forms."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.morphology import analyze

# Punctuation and spaces carry no meaning for the classifiers; emoji do (😢), so they stay.
_DROPPED_POS = {"空白"}
_PUNCTUATION = set("、。，．,.!！?？・…‥「」『』（）()[]［］【】〈〉《》〔〕{}〜~ー-―:：;；'\"／/")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class JapaneseTokenizer(Tokenizer):
    """Splits Japanese text into words with correct character offsets.

    `Token.text` is the surface form exactly as the resident wrote it
    (`text[token.start:token.end] == token.text`); `Token.lemma` is the dictionary form
    (悩んで → 悩む, ひきこもり and 引きこもり → 引き籠もり), so the featurizers see one
    word where residents write many. `Token.data` also keeps the part of speech (`pos`,
    `pos_detail`: 地名, 数詞 …), the normalised surface (`norm`) and the dictionary's kana
    reading (`reading`: 母 and ハハ → はは), which ConcernPeopleExtractor reads.
    """

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["ja"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["fugashi", "unidic_lite"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "JapaneseTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        return self._apply_token_pattern(japanese_tokens(message.get(attribute) or ""))


class JapaneseToken(Token):
    """A token whose fingerprint is one hash of its fields, kept until a field is set.

    `rasa train` fingerprints the training data again after every component that changes it,
    and Rasa's Token hashes each field and each `data` entry separately, every time: 36 seconds
    of each training went there (three passes over 440,000 tokens)."""

    _fingerprint: Optional[Text] = None

    def set(self, prop: Text, info: Any) -> None:
        self._fingerprint = None
        super().set(prop, info)

    def fingerprint(self) -> Text:
        if self._fingerprint is None:
            fields = [self.text, self.start, self.end, self.lemma, self.data]
            serialised = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
            self._fingerprint = hashlib.sha256(serialised.encode("utf-8")).hexdigest()
        return self._fingerprint


def japanese_tokens(text: str) -> List[Token]:
    """The tokens of `text` as the pipeline sees them (also for rewritten training examples)."""
    tokens = [
        JapaneseToken(
            m.text, m.start, m.end, lemma=m.lemma,
            data={"pos": m.pos, "norm": m.norm, "reading": m.reading, "pos_detail": m.pos_detail},
        )
        for m in analyze(text)
        if m.pos not in _DROPPED_POS and not set(m.norm) <= _PUNCTUATION
    ]
    if not tokens and text.strip():
        # Rasa's featurizers need at least one token: keep the whole text, as
        # WhitespaceTokenizer does for a message that is only symbols.
        stripped = text.strip()
        start = text.index(stripped)
        tokens = [JapaneseToken(stripped, start, start + len(stripped))]
    return tokens
