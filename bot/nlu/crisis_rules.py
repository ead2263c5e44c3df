"""Deterministic crisis detection over folded text and lemmas (rules in crisis_rules.yml).

Pure functions, no model: the same text always gives the same answer, and the answer
can be explained by naming the rule that fired.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bot.nlu.morphology import analyze
from bot.nlu.normalize import fold_for_matching

RULES_PATH = Path(__file__).with_name("crisis_rules.yml")
_SENTENCE_END = re.compile(r"[。．.!！?？\n]+")
_GAP = "*"
# Negations and hedges read only the words right after a match (the longest is about 30
# characters); a fixed window keeps each check constant-time in a long unpunctuated text.
_FOLLOWING = 40
_FOLLOWING_WORDS = 16


@dataclass(frozen=True)
class CrisisFinding:
    is_crisis: bool
    categories: Tuple[str, ...] = ()
    matched: Tuple[str, ...] = field(default=(), compare=False)  # the spans that fired, for review


@dataclass(frozen=True)
class _Category:
    code: str
    now_only: bool
    hedge_veto: bool
    text_patterns: Tuple[re.Pattern, ...]
    with_distress: Tuple[re.Pattern, ...] = ()  # fire only when the message also speaks of despair
    unhedged: Tuple[re.Pattern, ...] = ()  # danger even when only suspected (a child alone for days)


class CrisisRules:
    """Compiled rules: spaCy Matcher patterns over lemmas plus regexes over folded text."""

    def __init__(self, raw: dict) -> None:
        self._vocab = Vocab()
        self._matcher = Matcher(self._vocab)
        self._categories: Dict[str, _Category] = {}
        for code, spec in raw["categories"].items():
            self._categories[code] = _Category(
                code=code,
                now_only=bool(spec.get("now_only", False)),
                hedge_veto=bool(spec.get("hedge_veto", False)),
                text_patterns=tuple(re.compile(p) for p in spec.get("text", [])),
                with_distress=tuple(re.compile(p) for p in spec.get("with_distress", [])),
                unhedged=tuple(re.compile(p) for p in spec.get("even_if_hedged", [])),
            )
            patterns = [self._token_pattern(seq) for seq in spec.get("lemmas", [])]
            if patterns:
                self._matcher.add(code, patterns)
        self._idioms = re.compile("|".join(raw.get("idioms", [])) or r"(?!x)x")
        self._negation = re.compile("^(" + "|".join(raw.get("negations", [])) + ")")
        self._past = re.compile("|".join(raw.get("past_vetoes", [])) or r"(?!x)x")
        self._hedge = re.compile("|".join(raw.get("hedges", [])) or r"(?!x)x")
        self._resolved = re.compile("|".join(raw.get("resolved", [])) or r"(?!x)x")
        self._distress = re.compile("|".join(raw.get("distress", [])) or r"(?!x)x")
        self._plain_intent = re.compile("|".join(raw.get("never_doubted", [])) or r"(?!x)x")
        self._ask = re.compile("|".join(raw.get("ask", [])) or r"(?!x)x")
        self._doubts = re.compile("|".join(re.escape(fold_for_matching(d)) for d in raw.get("doubts", [])) or r"(?!x)x")

    def plainly_stated(self, text: str) -> bool:
        """A plain statement of intent (`never_doubted`): no model score questions it."""
        return bool(self._plain_intent.search(fold_for_matching(text)))

    def asks(self, text: str) -> bool:
        """Words of a passive wish not to live (`ask`): the safety question, never the banner alone."""
        return bool(self._ask.search(self._idioms.sub("", fold_for_matching(text))))

    def doubted(self, text: str) -> bool:
        """The message speaks of a story, a screen or an animal (`doubts`): a rule hit there is
        asked about before it is shown as an emergency."""
        return bool(self._doubts.search(fold_for_matching(text)))

    @staticmethod
    def _token_pattern(sequence: Sequence[str]) -> List[dict]:
        pattern: List[dict] = []
        for lemma in sequence:
            if lemma == _GAP:
                pattern += [{"OP": "?"}, {"OP": "?"}]
            else:
                pattern.append({"NORM": fold_for_matching(lemma)})
        return pattern

    def detect(
        self, text: str, words: Optional[Sequence[Tuple[str, str, int]]] = None
    ) -> CrisisFinding:
        """`words`: (surface, lemma, start offset) from the tokenizer; analysed here when absent."""
        if not text or not text.strip():
            return CrisisFinding(False)
        if words is None:
            words = [(m.text, m.lemma, m.start) for m in analyze(text)]
        categories: Dict[str, List[str]] = {}
        whole = fold_for_matching(text)
        told_in_past = bool(self._past.search(whole))
        in_despair = bool(self._distress.search(self._idioms.sub("", whole)))
        sentences = [(fold_for_matching(s), lemmas) for s, lemmas in _sentences(text, words)]
        # A resolution (今は落ち着いています) closes only what was told before it: the last
        # sentence that says one ends the past, and intent stated after it is now again
        # (a long story's 「今は母の年金で暮らしています」 must not silence its last line).
        last_resolved = max((i for i, (folded, _) in enumerate(sentences) if self._resolved.search(folded)),
                            default=-1) if told_in_past else -1
        for index, (folded, sentence_lemmas) in enumerate(sentences):
            masked = self._idioms.sub(lambda m: "＿" * len(m.group()), folded)
            is_past = bool(self._past.search(folded))
            for code, span, following, hedgeable in (
                self._text_hits(masked, in_despair) + self._lemma_hits(sentence_lemmas, masked)
            ):
                category = self._categories[code]
                if index <= last_resolved and not category.now_only:
                    continue
                hedged = hedgeable and category.hedge_veto and bool(self._hedge.match(following))
                if (category.now_only and is_past) or hedged:
                    continue
                categories.setdefault(code, []).append(span)
        ordered = tuple(code for code in self._categories if code in categories)
        return CrisisFinding(
            bool(ordered), ordered, tuple(s for c in ordered for s in categories[c])
        )

    def _text_hits(self, masked: str, in_despair: bool) -> List[Tuple[str, str, str, bool]]:
        hits = []
        for category in self._categories.values():
            patterns = [(p, True) for p in category.text_patterns + (category.with_distress if in_despair else ())]
            patterns += [(p, False) for p in category.unhedged]
            for pattern, hedgeable in patterns:
                for match in pattern.finditer(masked):
                    following = masked[match.end():match.end() + _FOLLOWING]
                    if not self._negation.match(following):
                        hits.append((category.code, match.group(), following, hedgeable))
                        break
        return hits

    def _lemma_hits(self, lemmas: Sequence[Tuple[str, str]], masked: str) -> List[Tuple[str, str, str, bool]]:
        if not lemmas:
            return []
        surfaces = [fold_for_matching(surface) or "_" for surface, _ in lemmas]
        doc = Doc(self._vocab, words=surfaces, spaces=[False] * len(surfaces))
        for token, (_, lemma) in zip(doc, lemmas):
            token.norm_ = fold_for_matching(lemma) or token.text
        hits = []
        unmasked: Dict[str, bool] = {}  # a span not hidden by an idiom, searched once per sentence
        for match_id, start, end in self._matcher(doc):
            span = "".join(surfaces[start:end])
            following = "".join(surfaces[end:end + _FOLLOWING_WORDS])
            if span not in unmasked:
                unmasked[span] = span in masked
            if unmasked[span] and not self._negation.match(following):
                hits.append((self._vocab.strings[match_id], span, following, True))
        return hits


def _sentences(
    text: str, words: Sequence[Tuple[str, str, int]]
) -> List[Tuple[str, List[Tuple[str, str]]]]:
    """Split text and its words into sentences, so vetoes and negations stay local.

    One pass over both (words come in text order): linear in the text, however many sentences."""
    sentences: List[Tuple[str, List[Tuple[str, str]]]] = []
    ordered = sorted(words, key=lambda word: word[2])
    next_word = 0
    position = 0
    for boundary in list(_SENTENCE_END.finditer(text)) + [None]:
        end = boundary.start() if boundary else len(text)
        inside: List[Tuple[str, str]] = []
        while next_word < len(ordered) and ordered[next_word][2] < end:
            surface, lemma, start = ordered[next_word]
            if start >= position:
                inside.append((surface, lemma))
            next_word += 1
        part = text[position:end]
        if part.strip():
            sentences.append((part, inside))
        position = boundary.end() if boundary else len(text)
    return sentences


@functools.lru_cache(maxsize=1)
def load_crisis_rules(path: Path = RULES_PATH) -> CrisisRules:
    return CrisisRules(yaml.safe_load(path.read_text(encoding="utf-8")))


def detect_crisis(text: str) -> CrisisFinding:
    return load_crisis_rules().detect(text)
