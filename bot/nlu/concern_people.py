"""Who a concern is about, how old they are, and where the person cared for lives.

`ConcernPeopleExtractor` writes two output properties on every message (bot/people.py holds the
contract):

- `about`: a list of {"relation", "age_group", "age_text"}, one per person the concern is
  about, in the order they are first named: 母 / はは / ハハ / haha / おかん / おふくろ / お母様 and
  "my mum" are all `mother`; 利用者・患者・生徒・ご本人 are a professional's `client`; 近所の人
  is a `neighbour`. `self` is the writer, included only when the concern is about them too (they
  speak of themself, are worn out caring, or name nobody else). Ages come from what is written
  (80代, 85歳, 八十代, 中2, 高校生, JK, アラフィフ, 年金生活, "she is 82", "my 14 year old son")
  attached to the person they describe, or from the word itself where a caseworker would read one
  (祖母 → older, 児童 → child, a writer who talks about their 部活 → child). A number of years that
  is a duration (20年ひきこもり, 3歳下, 20歳の時から) gives no age.
- `lives_in`: the place written for where the person cared for lives (札幌に住んでいる母 →
  "札幌", 実家の函館の父 → "函館", 母は長岡で一人暮らし → "長岡", 長野県松本市に住む母 → "松本市",
  "my mother in Osaka" → "Osaka"), or None. The writer's own place (恵庭に住んでいます) is not it.
  A place is a 地名 of the dictionary, a noun or unknown word glued to 市/町/村/区 (高値市) or
  before 在住, a name of the window directory or its reading (くりやまちょう, "hakodate"), or, right
  before a living word (に住む, で一人暮らし, の実家, の施設), a proper noun the dictionary calls a
  surname, a name in kana (ひろさき, アサヒカワ) or in Latin letters.

Rules over the tokenizer's tokens (lemma, kana reading, part of speech), with the words in
`concern_people.yml`: nothing is trained or pickled. Every step is linear in the message: a word
is looked up from each token over at most six tokens, an age or a place looks at most a dozen
tokens ahead or back, and everything else walks the tokens once.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.japanese_tokenizer import japanese_tokens
from bot.nlu.language import ENGLISH, detect_language
from bot.nlu.normalize import fold_for_matching
from bot.nlu.place_names import PlaceNames, place_names, simple_romaji
from bot.people import AGE_GROUPS, RELATIONS, SELF, UNKNOWN_AGE

ABOUT = "about"
LIVES_IN = "lives_in"
LEXICON_PATH = Path(__file__).with_name("concern_people.yml")

CHILD, ADULT, OLDER = "child", "adult", "older"
_MAX_SPAN_TOKENS = 6
_MAX_KEY_CHARS = 14
_FAMILY = {"mother", "father", "parent", "spouse", "partner", "son", "daughter", "child", "brother",
           "sister", "grandparent", "grandchild", "other_family"}
_PARENTS = {"mother", "father", "parent"}
_CHILDREN = {"son", "daughter", "child"}
_SIBLINGS = {"brother", "sister"}
_COUPLE = {"spouse", "partner"}
# Who can be at school: a school word in their clause makes them a child.
_SCHOOL_AGE = {"son", "daughter", "child", "grandchild", "brother", "sister", "client", "friend",
               SELF}
# Whose age a school stage (中学生です) is when the clause names nobody: the last person named if
# they are one of these, otherwise the writer.
_CHILDISH = {"son", "daughter", "child", "grandchild", "client"}
_CANNOT_BE_CHILD = {"mother", "father", "parent", "spouse", "grandparent"}
_CANNOT_BE_OLDER = {"grandchild"}

_HONORIFIC_SUFFIXES = {"さん", "さま", "様", "ちゃん", "くん", "君", "たち", "達", "ら", "殿", "氏", "がた",
                       "方", "ども", "共"}
_PREFIXES = {"お", "ご", "御"}
_SUBJECT_PARTICLES = {"が"}
_TOPIC_PARTICLES = {"は", "も", "って", "わ"}
_PARTICLE_READINGS = {"が", "は", "の", "に", "を", "も", "と", "へ", "で", "や", "って", "から", "より",
                      "まで", "ね", "よ", "な", "わ", "か", "さ"}
# After a noun predicate (認知症で) or a conjunction (けど, ので): the clause's が-subject ends.
_CLAUSE_JOINS = {"けど", "けれど", "けれども", "ので", "から", "し", "のに", "が"}
_ENDINGS = {"ね", "よ", "な", "わ", "けど", "けれど", "し", "ので", "から", "が", "か", "。", "さ", "ん",
            "の"}
_AGE_FILLERS = {"の", "に", "なる", "を", "過ぎる", "過ぎ", "超える", "迎える", "た", "だ", "て", "いる",
                "居る", "近い", "前後", "後半", "前半", "半ば", "通う", "行く", "在籍", "入る", "ばかり",
                "位", "くらい", "ぐらい", "程", "ほど", "で", "独り暮らし", "一人暮らし", "独居", "暮らし",
                "為る", "する", "てる", "とる", "ちょっと", "ほど", "目前", "手前", "越え", "超え", "すぎ"}
_AGE_UNITS_PAST = {"時", "とき", "頃", "ころ", "当時", "から", "まで", "以来", "以上", "以下", "未満", "差",
                   "違い", "下", "上", "年下", "年上", "以降", "前", "前後から"}
_NEIGHBOUR_PATH = {"の", "に", "住む", "居る", "いる", "おる", "家", "部屋", "宅", "お", "ご", "独り暮らし",
                   "一人暮らし", "独居", "暮らす", "て", "た", "てる", "とる", "高齢", "年配", "一人", "独り",
                   "で", "ひとり"}
_LATIN_WORD = re.compile(r"[A-Za-z]")
_KANJI_NUMERALS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                   "八": 8, "九": 9}


# ---- the word lists ------------------------------------------------------------------------
@dataclass
class _Entry:
    relation: Optional[str] = None
    intrinsic: Optional[str] = None
    self_word: bool = False
    uchi: bool = False
    pronoun: bool = False
    generic: bool = False
    marker: bool = False
    stage: Optional[str] = None
    school: bool = False
    profession: bool = False
    strain: bool = False
    deceased: bool = False
    deceased_before: bool = False
    medical: bool = False


class _Lexicon:
    def __init__(self, data: Dict[str, Any]) -> None:
        self.surface: Dict[str, _Entry] = {}
        self.lemma: Dict[str, _Entry] = {}
        intrinsic = data.get("intrinsic_age") or {}
        older_relations = set(intrinsic.get("older") or ())
        child_words = {fold_for_matching(w) for w in intrinsic.get("child") or ()}
        for relation, words in (data.get("relations") or {}).items():
            if relation not in RELATIONS:
                raise ValueError(f"{LEXICON_PATH.name}: unknown relation {relation!r}")
            for word in words.get("words") or ():
                entry = self._add(word, relation=relation)
                if relation in older_relations:
                    entry.intrinsic = OLDER
                if fold_for_matching(word) in child_words:
                    entry.intrinsic = CHILD
            for word in words.get("lemma_only") or ():
                self._add(word, lemma_only=True, relation=relation)
        for word in data.get("pronouns") or ():
            self._add(word, pronoun=True)
        for word in data.get("self") or ():
            self._add(word, self_word=True)
        for word in data.get("self_uchi") or ():
            self._add(word, uchi=True)
        for word in data.get("generic_people") or ():
            self._add(word, generic=True)
        for word in data.get("neighbour_markers") or ():
            self._add(word, marker=True)
        for group, words in (data.get("stage") or {}).items():
            if group not in AGE_GROUPS:
                raise ValueError(f"{LEXICON_PATH.name}: unknown age group {group!r}")
            for word in words:
                entry = self._add(str(word), stage=group)
                if entry.relation or entry.generic:
                    entry.intrinsic = entry.intrinsic or group
        for word in data.get("school_cues") or ():
            self._add(word, school=True)
        for word in data.get("professions") or ():
            self._add(word, profession=True)
        for word in data.get("writer_strain") or ():
            self._add(word, strain=True)
        for word in data.get("deceased") or ():
            self._add(word, deceased=True)
        for word in data.get("deceased_before") or ():
            self._add(word, deceased_before=True, lemma_only=True)
        for word in data.get("medical") or ():
            self._add(word, medical=True)
        fold = fold_for_matching

        def folded(key: str) -> set:
            return {fold(w) for w in data.get(key) or ()}

        self.strain_needs_after = {fold(k): {fold(v) for v in vs}
                                   for k, vs in (data.get("strain_needs_after") or {}).items()}
        self.hearsay = folded("hearsay")
        self.school_past = folded("school_past")
        self.past = self.school_past | _AGE_UNITS_PAST
        self.place_suffixes = folded("place_suffixes")
        self.place_links = folded("place_links")
        self.place_lives = folded("place_lives")
        self.family_home = folded("family_home")
        self.place_lives_more = folded("place_lives_more")
        self.place_homes = folded("place_homes")
        self.place_name_lives = folded("place_name_lives")
        self.place_name_homes = folded("place_name_homes")
        self.town_suffixes = folded("place_town_suffixes")
        self.kana_suffixes = folded("place_kana_suffixes")
        self.region_suffixes = folded("place_region_suffixes")
        self.not_places = folded("not_places")
        self.not_place_readings = _readings(data.get("not_places") or ()) | self.not_places
        self.place_name_lives_readings = _readings(data.get("place_name_lives") or ()) - {"いる", "おる"}
        self.place_name_home_readings = _readings(data.get("place_name_homes") or ())
        self.occupations = folded("occupations")
        self.role_after = folded("role_after")
        self.copulas = folded("copulas")
        self.english = _EnglishLexicon(data.get("english") or {})

    def _add(self, word: str, lemma_only: bool = False, **flags: Any) -> _Entry:
        key = fold_for_matching(str(word))
        entry = self.lemma.get(key) or self.surface.get(key) or _Entry()
        for name, value in flags.items():
            if name == "relation" and entry.relation:
                continue  # the first list a word appears in names its relation
            setattr(entry, name, value)
        self.lemma[key] = entry
        if not lemma_only:
            self.surface[key] = entry
        return entry


class _EnglishLexicon:
    def __init__(self, data: Dict[str, Any]) -> None:
        self.relations: Dict[str, str] = {}
        for relation, words in (data.get("relations") or {}).items():
            if relation not in RELATIONS:
                raise ValueError(f"{LEXICON_PATH.name}: unknown English relation {relation!r}")
            for word in words:
                self.relations.setdefault(str(word).lower(), relation)
        self.child_words = {w.lower() for w in data.get("child_words") or ()}
        self.older_words = {w.lower() for w in data.get("older_words") or ()}
        self.self_words = {w.lower().replace("'", "") for w in data.get("self") or ()}
        self.school_cues = {w.lower() for w in data.get("school_cues") or ()}
        self.stage: Dict[Tuple[str, ...], str] = {}
        for group, phrases in (data.get("stage") or {}).items():
            for phrase in phrases:
                self.stage[tuple(str(phrase).lower().split())] = group
        self.strain = {w.lower() for w in data.get("strain") or ()}
        self.hearsay = {w.lower() for w in data.get("hearsay") or ()}
        self.lives = {w.lower() for w in data.get("lives") or ()}
        self.professions: Dict[Tuple[str, ...], bool] = {
            tuple(str(p).lower().split()): True for p in data.get("professions") or ()
        }


def _readings(words) -> Set[str]:
    """The kana readings of `words` (施設 → しせつ), so a word spelt in kana is still known."""
    readings: Set[str] = set()
    for word in words:
        tokens = japanese_tokens(str(word))
        reading = "".join((t.data or {}).get("reading") or "" for t in tokens)
        if reading and all((t.data or {}).get("reading") for t in tokens):
            readings.add(_fold(reading))
    return readings


@functools.lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    return _Lexicon(yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8")) or {})


# ---- the component -------------------------------------------------------------------------
@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class ConcernPeopleExtractor(GraphComponent):
    """Writes `about` and `lives_in` (output properties, so they reach the parse and the actions)."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ConcernPeopleExtractor":
        lexicon()  # a broken word list fails when the model is built, not on a resident's message
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button payload: the conversation's people stay as they were
            about, lives_in = extract_people(text, message.get(TOKENS_NAMES[TEXT]))
            message.set(ABOUT, about, add_to_output=True)
            message.set(LIVES_IN, lives_in, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def extract_people(text: str, tokens: Optional[Sequence[Any]] = None) -> Tuple[List[Dict[str, Any]], Optional[str]]:
    """(`about`, `lives_in`) of one message; `tokens` are the JapaneseTokenizer's, if at hand."""
    if not text or not text.strip():
        return [], None
    if detect_language(text) == ENGLISH:
        return _English(text, lexicon()).run()
    if not tokens or any(not isinstance(getattr(t, "data", None), dict) or "reading" not in t.data for t in tokens):
        tokens = japanese_tokens(text)
    return _Japanese(text, tokens, lexicon()).run()


# ---- shared pieces -------------------------------------------------------------------------
@dataclass
class _Mention:
    relation: str
    start: int  # first token (prefixes included)
    core: int  # the token the word starts at
    end: int  # one past the last token (suffixes included)
    text: str
    generic: bool = False
    pronoun: bool = False
    intrinsic: Optional[str] = None
    age: Optional[Tuple[str, str]] = None  # (group, words) as stated
    cue_age: Optional[Tuple[str, str]] = None  # (group, words) read from school words
    reference: bool = False  # A in 「A の B」: only says whose B it is
    possessive: bool = False  # 私の / うちの before a person
    role: bool = False  # the writer naming their own role (母親として, 娘です)
    deceased: bool = False
    alias: Optional[int] = None  # a pronoun or 本人: the person it points back to
    materialized: bool = True  # generic words count only once placed (近所の女性, 80代の男性)
    place: Optional[str] = None

    @property
    def is_self(self) -> bool:
        return self.relation == SELF


@dataclass
class _Age:
    start: int
    end: int
    group: str
    text: str
    kind: str  # number | stage
    consumed: bool = False  # became a person of its own (近所の中学生)


def _age_of_years(years: int) -> Optional[str]:
    if years < 0 or years > 120:
        return None
    return CHILD if years < 18 else ADULT if years < 65 else OLDER


def _age_of_decade(decade: int, half: str) -> Optional[str]:
    if decade <= 0 or decade > 110 or decade % 10:
        return None
    if decade == 10:
        return CHILD
    if decade == 60:
        return {"前半": ADULT, "後半": OLDER}.get(half, UNKNOWN_AGE)
    return ADULT if decade < 60 else OLDER


def _compatible(relation: str, group: str) -> bool:
    if group == CHILD:
        return relation not in _CANNOT_BE_CHILD
    if group == OLDER:
        return relation not in _CANNOT_BE_OLDER
    return True


def _kanji_number(text: str) -> Optional[int]:
    if not text or len(text) > 6:
        return None  # no age has more digits; a pasted number string is not parsed
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _KANJI_NUMERALS:
            current = current * 10 + _KANJI_NUMERALS[char] if current else _KANJI_NUMERALS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _numeral(tok: _Tok) -> str:
    """A number word as digits or kanji: はち or ハチ are read by their lemma 八, so an age
    typed in kana (はちじゅっさい, ななじゅうきゅう さい) counts like 80歳 or 七十九歳."""
    if tok.flemma and all(c in _KANJI_NUMERALS or c in "十百" for c in tok.flemma):
        return tok.flemma
    return tok.fold


_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def _fold(text: str) -> str:
    """bot.nlu.normalize.fold_for_matching, for whole short strings at once: NFKC, lower case,
    katakana as hiragana, no spaces."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_KATAKANA_TO_HIRAGANA)
    return "".join(folded.split()) if any(c.isspace() for c in folded) else folded


def _names_someone(entry: _Entry) -> bool:
    return bool(entry.relation or entry.self_word or entry.uchi or entry.pronoun or entry.generic)


def _is_hiragana(key: str) -> bool:
    return bool(key) and all("\u3041" <= c <= "\u309f" or c == "ー" for c in key)


def _has_kanji(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" or c in "々〆" for c in text)


class _Result:
    """Collects people in order of first mention and merges repeated relations."""

    def __init__(self) -> None:
        self.items: List[Tuple[int, Dict[str, Any]]] = []

    def add(self, position: int, relation: str, age: Optional[Tuple[str, str]]) -> None:
        group, words = age if age else (UNKNOWN_AGE, None)
        for index, (at, item) in enumerate(self.items):
            if item["relation"] != relation:
                continue
            if item["age_group"] == group or group == UNKNOWN_AGE:
                return
            if item["age_group"] == UNKNOWN_AGE:
                self.items[index] = (min(at, position), {"relation": relation, "age_group": group, "age_text": words})
                return
        self.items.append((position, {"relation": relation, "age_group": group, "age_text": words}))

    def about(self) -> List[Dict[str, Any]]:
        return [item for _, item in sorted(self.items, key=lambda pair: pair[0])]


# ---- Japanese ------------------------------------------------------------------------------
@dataclass
class _Tok:
    start: int
    end: int
    text: str
    lemma: str
    reading: str
    pos: str
    detail: str
    fold: str
    flemma: str


@dataclass
class _Place:
    start: int  # first token of the name
    end: int  # one past its last token (suffixes included)
    text: str  # as written
    weak: bool = False  # found by its shape only: a place only before a living word (長岡に住む)
    glued: Optional[str] = None  # the particle MeCab read into the name's last token (ひろさきに)
    prefecture: bool = False


_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'\-]+")
_PROPER_DETAILS = {"人名", "地名", "一般", "国"}  # pos_detail of 固有名詞 (名詞 otherwise gives 普通名詞, 数詞)
_NOT_NAME_POS = {"副詞", "連体詞", "接続詞", "感動詞", "代名詞", "動詞", "助動詞", "接頭辞", "助詞"}
# Words between a name and its living word: 長岡に一人で住む, 小樽で今も暮らす.
_NAME_FILLERS = {"一人", "独り", "ひとり", "で", "も", "は", "今", "いま", "ずっと", "まだ", "現在", "今も"}


def _is_kana(key: str) -> bool:
    return bool(key) and all("\u3041" <= c <= "\u309f" or "\u30a1" <= c <= "\u30fa" or c == "ー" for c in key)


def _is_katakana(text: str) -> bool:
    return bool(text) and all("\u30a1" <= c <= "\u30fa" or c == "ー" or "\uff66" <= c <= "\uff9f" for c in text)


class _Japanese:
    def __init__(self, text: str, tokens: Sequence[Any], lex: _Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.toks: List[_Tok] = []
        folded: Dict[str, str] = {}  # one message's words repeat: fold each once

        def fold(word: str) -> str:
            if word not in folded:
                folded[word] = _fold(word)
            return folded[word]

        for token in tokens:
            data = token.data if isinstance(getattr(token, "data", None), dict) else {}
            surface = token.text
            self.toks.append(_Tok(
                token.start, token.end, surface, token.lemma or surface, data.get("reading") or "",
                data.get("pos") or "", data.get("pos_detail") or "", fold(surface), fold(token.lemma or surface),
            ))
        if not _has_kanji(text) and any(c.isspace() for c in text):
            self.toks = self._split_kana_topics(text)
        n = len(self.toks)
        # What lies between token i-1 and token i (dropped punctuation, spaces, ー).
        self.gap: List[str] = [text[self.toks[i - 1].end:self.toks[i].start] if i else text[:self.toks[0].start]
                               for i in range(n)] if n else []
        self.gap_fold = [fold(g) if len(g) <= _MAX_KEY_CHARS else "\x00" for g in self.gap]
        self.owner: List[int] = [-1] * n  # token → mention index
        self.mentions: List[_Mention] = []
        self.ages: List[_Age] = []
        self.places: List[_Place] = []
        self.placed: List[bool] = [False] * n
        self.markers: List[int] = []
        self.school: List[Tuple[int, int]] = []
        self.strain: List[int] = []
        self.professions: List[int] = []
        self.deceased: List[Tuple[int, bool]] = []
        self.medical_clauses: Set[int] = set()

    def _split_kana_topics(self, text: str) -> List["_Tok"]:
        """ははは ひろさきに すんでいます: written in kana with spaces, MeCab reads ははは as laughter;
        a relation word glued to は / が / も and followed by a space is the person and the particle
        (ははは、 with a comma stays laughter)."""
        out: List[_Tok] = []
        for index, tok in enumerate(self.toks):
            following = self.toks[index + 1].start if index + 1 < len(self.toks) else None
            spaced = following is not None and text[tok.end:following].strip() == "" and tok.end < following
            key, particle = tok.fold[:-1], tok.fold[-1:]
            entry = self.lex.surface.get(key) if spaced and particle in ("は", "が", "も") else None
            if entry is None or not entry.relation or tok.pos not in ("感動詞", "名詞", "副詞") \
                    or len(tok.text) != len(tok.fold) or not _is_hiragana(tok.fold):
                out.append(tok)
                continue
            cut = tok.end - 1
            out.append(_Tok(tok.start, cut, tok.text[:-1], key, key, "名詞", "普通名詞", key, key))
            detail = "係助詞" if particle in ("は", "も") else "格助詞"
            out.append(_Tok(cut, tok.end, tok.text[-1], particle, particle, "助詞", detail, particle, particle))
        return out

    # -- small helpers
    def _hard_gap(self, i: int) -> bool:
        return any(c in "。．.！!？?\n\r" for c in self.gap[i]) if 0 < i < len(self.toks) else i == 0

    def _soft_gap(self, i: int) -> bool:
        return any(c in "、，,；;：:" for c in self.gap[i]) if 0 < i < len(self.toks) else False

    # -- pass 1: words, ages, places
    def _match(self, i: int) -> Optional[Tuple[_Entry, int]]:
        toks, n = self.toks, len(self.toks)
        key, reading_key = "", ""
        readable = True
        candidates: List[Tuple[str, int]] = []
        for k in range(1, min(_MAX_SPAN_TOKENS, n - i) + 1):
            j = i + k - 1
            if k > 1:
                key += self.gap_fold[j]
            key += toks[j].fold
            if len(key) > _MAX_KEY_CHARS:
                break
            readable = readable and not _has_kanji(toks[j].text) and bool(toks[j].reading)
            reading_key = reading_key + toks[j].reading if readable else ""
            candidates.append((key, k))
            if reading_key and reading_key != key:
                candidates.append((reading_key, k))
        for key, k in reversed(candidates):  # longest first
            entry = self.lex.surface.get(key)
            if entry and (not _names_someone(entry) or self._stands_alone(key, i, k)):
                return entry, k
        entry = self.lex.lemma.get(toks[i].flemma)
        if entry and (not _names_someone(entry) or self._stands_alone(toks[i].flemma, i, 1)):
            return entry, 1
        return None

    def _stands_alone(self, key: str, i: int, k: int) -> bool:
        """A kana word is a word, not a piece of a longer one (はは in ははは, おい in おいしい)."""
        toks, n = self.toks, len(self.toks)
        after = i + k
        if not _is_hiragana(key):
            # 主人 in 主人公: a suffix that is no honorific makes another word.
            if after < n and not self.gap[after] and toks[after].pos == "接尾辞" and toks[after].fold not in _HONORIFIC_SUFFIXES \
                    and toks[after].text not in _HONORIFIC_SUFFIXES and toks[after].flemma not in ("者", "生"):
                return False
            return True
        if after < n and not self.gap[after]:
            nxt = toks[after]
            if not (nxt.pos in ("助詞", "助動詞", "接尾辞") or nxt.reading in _PARTICLE_READINGS
                    or nxt.fold in _HONORIFIC_SUFFIXES or nxt.text in "、。！？!?"):
                return False
        if i > 0 and not self.gap[i]:
            prev = toks[i - 1]
            if prev.pos in ("感動詞", "副詞", "記号") or (prev.pos == "名詞" and _is_hiragana(prev.fold)):
                return False
        return True

    def _recognise(self) -> None:
        toks, lex, n = self.toks, self.lex, len(self.toks)
        i = 0
        while i < n:
            tok = toks[i]
            if tok.detail == "数詞":
                town = self._town_at(i)  # 十日町市
                if town:
                    self._add_place(i, town)
                    i = town
                    continue
                i = self._number(i)
                continue
            if tok.fold in ("中", "小", "高") and i + 1 < n and not self.gap[i + 1] and toks[i + 1].detail == "数詞":
                value = _kanji_number(toks[i + 1].fold)
                if value is not None and 1 <= value <= 6:
                    self._add_age(i, i + 2, CHILD, "stage")
                    i += 2
                    continue
            if tok.detail == "地名":
                j = i + 1
                while j < n and not self.gap[j] and (toks[j].detail == "地名" or toks[j].fold in lex.place_suffixes
                                                     or self._kana_suffix(i, j)):
                    j += 1
                self._add_place(i, j)
                i = j
                continue
            town = self._town_at(i)
            if town:
                self._add_place(i, town)
                i = town
                continue
            if tok.flemma == "在住" and i > 0:
                start = self._name_run_before(i)
                if start is not None:
                    self._add_place(start, i)
            found = self._match(i)
            if not found:
                i += 1
                continue
            entry, k = found
            self._recognised(entry, i, k)
            i += k

    # -- places by their shape
    def _add_place(self, start: int, end: int, weak: bool = False, text: Optional[str] = None,
                   glued: Optional[str] = None) -> None:
        if text is None:
            text = self.text[self.toks[start].start:self.toks[end - 1].end]
        self.places.append(_Place(start, end, text, weak, glued))
        for t in range(start, end):
            self.placed[t] = True

    def _kana_suffix(self, start: int, j: int) -> bool:
        """オオイタ+シ, クシロ+シ: a town's suffix in kana after a name in kana."""
        tok = self.toks[j]
        if tok.fold not in self.lex.kana_suffixes or tok.pos in ("助詞", "助動詞"):
            return False
        return all(_is_kana(self.toks[t].fold) for t in range(start, j + 1))

    def _plain_noun(self, tok: "_Tok") -> bool:
        """A word that can be (part of) a place's name: a noun, a word in kana, an unknown word;
        not a person, a pronoun or a word that names no place (田舎, 隣, 海外)."""
        lex = self.lex
        if tok.pos not in ("名詞", "接尾辞") and not _is_katakana(tok.text) and not _LATIN_NAME.fullmatch(tok.text):
            return False
        if tok.pos in ("助詞", "助動詞", "代名詞", "記号", "補助記号") or tok.text in _HONORIFIC_SUFFIXES:
            return False
        if tok.flemma in lex.not_places or tok.fold in lex.not_places or tok.fold in lex.not_place_readings:
            return False
        entry = lex.surface.get(tok.fold) or lex.lemma.get(tok.flemma)
        return not (entry and _names_someone(entry))

    def _town_at(self, i: int) -> Optional[int]:
        """高値市, ヌプリケシオマップ町, 十日町市: one to three nouns glued to 市 / 町 / 村 / 区."""
        toks, n, lex = self.toks, len(self.toks), self.lex
        if self.placed[i]:
            return None
        for k in range(i + 1, min(i + 4, n)):
            if self.gap[k] or not self._plain_noun(toks[k - 1]):
                return None
            tok = toks[k]
            if tok.fold in lex.town_suffixes and tok.pos in ("名詞", "接尾辞"):
                run = toks[i:k]
                if run[0].pos == "接尾辞" or any(c.isdigit() and c.isascii() for t in run for c in t.text):
                    return None
                if all(t.detail == "数詞" for t in run):
                    return None  # 三町, 二十三区: a count
                end = k + 1
                while end < n and not self.gap[end] and toks[end].fold in lex.place_suffixes \
                        and toks[end].fold not in lex.region_suffixes:
                    end += 1  # 市内
                return end
        return None

    def _name_run_before(self, j: int) -> Optional[int]:
        """Where the nouns glued before token j start (矢巾在住, 胎内在住): up to three of them."""
        start = j
        while start > 0 and j - start < 3 and not self.gap[start] and self.owner[start - 1] < 0 \
                and not self.placed[start - 1] and self._plain_noun(self.toks[start - 1]) \
                and self.toks[start - 1].detail != "数詞":
            start -= 1
        if start == j or self.toks[start].pos == "接尾辞":
            return None
        return start

    def _recognised(self, entry: _Entry, i: int, k: int) -> None:
        toks, n = self.toks, len(self.toks)
        if entry.relation or entry.generic or entry.pronoun or entry.self_word or entry.uchi:
            if entry.uchi and not self._uchi_is_writer(i, k):
                return
            if entry.relation == "child" and toks[i].fold == "子" and toks[i].pos != "名詞":
                return
            start = i
            while start > 0 and not self.gap[start] and toks[start - 1].fold in _PREFIXES and toks[start - 1].pos == "接頭辞":
                start -= 1
            end = i + k
            while end < n and not self.gap[end] and toks[end].pos == "接尾辞" and (
                    toks[end].fold in _HONORIFIC_SUFFIXES or toks[end].text in _HONORIFIC_SUFFIXES):
                end += 1
            relation = SELF if (entry.self_word or entry.uchi) else entry.relation or "other"
            mention = _Mention(
                relation, start, i, end, self.text[toks[i].start:toks[i + k - 1].end],
                generic=entry.generic and not entry.relation, pronoun=entry.pronoun and not entry.relation,
                intrinsic=entry.intrinsic,
                materialized=not (entry.generic and not entry.relation),
            )
            if relation == "other" and entry.generic and not entry.relation and entry.stage:
                mention.intrinsic = entry.stage
            self.mentions.append(mention)
            for t in range(start, end):
                self.owner[t] = len(self.mentions) - 1
            return
        if entry.stage:
            if not self._past(i + k):
                self._add_age(i, i + k, entry.stage, "stage")
            return
        if entry.marker:
            self.markers.append(i + k)
        if entry.school:
            self.school.append((i, k))
        if entry.profession:
            self.professions.append(i + k)
        if entry.strain:
            self.strain.append(i)
        if entry.deceased or entry.deceased_before:
            self.deceased.append((i, entry.deceased_before))
        if entry.medical:
            self.medical_clauses.add(i)

    def _uchi_is_writer(self, i: int, k: int) -> bool:
        toks, n = self.toks, len(self.toks)
        if i > 0 and not self.gap[i] and toks[i - 1].fold in ("その", "この", "あの", "の", "ご", "お"):
            return False
        after = i + k
        if k > 1:  # うちら
            return True
        if after >= n or self._hard_gap(after) or self._soft_gap(after):
            return True
        return toks[after].fold in ("は", "が", "も", "って", "ら", "の", "な", "ん", "にも", "だって")

    def _past(self, after: int) -> bool:
        """20歳の時, 中学から, 高校を中退: a past or a limit, not how old someone is now."""
        toks, n = self.toks, len(self.toks)
        past = self.lex.past
        for j in range(after, min(after + 3, n)):
            if j > after and self._hard_gap(j):
                return False
            tok = toks[j]
            if tok.fold in past or tok.flemma in past:
                return True
            if tok.fold not in ("の", "を", "に", "は", "で", "ま", "も"):
                return False
        return False

    def _number(self, i: int) -> int:
        toks, n = self.toks, len(self.toks)
        j = i
        digits = ""
        while j < n and toks[j].detail == "数詞" and (j == i or not self.gap[j]):
            digits += _numeral(toks[j])
            j += 1
        value = _kanji_number(digits)
        if value is None or j >= n or self.gap[j].strip():
            if value is not None and self._paren_number(i, j, value):
                return j
            return j
        unit = toks[j]
        if i > 0 and toks[i - 1].flemma in ("享年", "没年"):
            return j + 1
        if unit.flemma in ("歳", "才") or unit.fold in ("歳", "才", "さい"):
            if not self._past(j + 1):
                group = _age_of_years(value)
                if group:
                    self._add_age(i, j + 1, group, "number")
            return j + 1
        if unit.flemma == "代" or unit.fold == "代":
            end = j + 1
            half = toks[end].fold if end < n and toks[end].fold in ("前半", "後半", "半ば") else ""
            end += 1 if half else 0
            if not self._past(end):
                group = _age_of_decade(value, half)
                if group:
                    self._add_age(i, end, group, "number")
            return end
        if unit.flemma in ("箇月", "ヶ月", "か月", "カ月", "ヵ月") or unit.fold in ("かげつ", "ヶ月", "か月", "ヵ月"):
            if i > 0 and toks[i - 1].flemma == "生後":
                self._add_age(i - 1, j + 1, CHILD, "number")
            elif j + 2 < n and toks[j + 1].fold == "の" and self.lex.lemma.get(toks[j + 2].flemma, _Entry()).intrinsic == CHILD:
                self._add_age(i, j + 1, CHILD, "number")
            return j + 1
        if unit.flemma == "年":
            grade = j + 1 < n and toks[j + 1].fold == "生" and not self.gap[j + 1]
            school = toks[i - 1].fold if i > 0 and not self.gap[i] else ""
            university = school in ("大学", "大", "院", "短大", "大学院")
            if grade or school in ("中学", "小学", "高校", "小学校", "中学校", "高等学校", "小", "中", "高") or university:
                end = j + 2 if grade else j + 1
                self._add_age(i - 1 if school else i, end, ADULT if university else CHILD, "stage")
                return end
            return j + 1
        if unit.fold in ("過ぎ", "すぎ", "近い", "近く", "手前", "前後", "超え", "越え") and value >= 10 and value % 5 == 0:
            group = _age_of_years(value)
            if group:
                self._add_age(i, j + 1, group, "number")
            return j + 1
        self._paren_number(i, j, value)
        return j

    def _paren_number(self, i: int, j: int, value: int) -> bool:
        """母（85）: a bare number in brackets right after a person is their age."""
        if not (0 < i and j <= len(self.toks)) or not any(c in "(（" for c in self.gap[i]):
            return False
        closing = self.gap[j] if j < len(self.toks) else self.text[self.toks[j - 1].end:]
        if not any(c in ")）" for c in closing[:3]) or not 0 < value <= 110:
            return False
        group = _age_of_years(value)
        if group:
            self._add_age(i, j, group, "number")
        return True

    def _add_age(self, start: int, end: int, group: str, kind: str) -> None:
        text = self.text[self.toks[start].start:self.toks[end - 1].end]
        self.ages.append(_Age(start, end, group, text, kind))

    # -- clauses
    def _clauses(self) -> None:
        n = len(self.toks)
        self.clause = [0] * n
        self.sentence = [0] * n
        clause = sentence = 0
        for i in range(1, n):
            if self._hard_gap(i):
                clause += 1
                sentence += 1
            elif self._soft_gap(i):
                prev = self.toks[i - 1]
                joined = prev.fold in ("は", "が", "も", "って") and prev.pos == "助詞" or self.owner[i - 1] >= 0
                if not joined:
                    clause += 1
            elif any(c in "(（)）" for c in self.gap[i]) and self.owner[i - 1] < 0:
                clause += 1
            self.clause[i] = clause
            self.sentence[i] = sentence

    def _same_clause(self, a: int, b: int) -> bool:
        return 0 <= a < len(self.toks) and 0 <= b < len(self.toks) and self.clause[a] == self.clause[b]

    # -- pass 2
    def run(self) -> Tuple[List[Dict[str, Any]], Optional[str]]:
        if not self.toks:
            return [], None
        self._recognise()
        self._clauses()
        self._neighbours()
        self._pairs_and_roles()
        self._deceased()
        self._aliases()
        self._subjects()
        self._professional = self._writer_is_professional()
        writer_ages = self._attach_ages()
        writer_school = self._attach_school()
        strained = self._strain()
        lives_in = self._lives_in()
        return self._assemble(writer_ages, writer_school, strained), lives_in

    def _writer_is_professional(self) -> bool:
        """ケアマネジャーです / 民生委員をしている者です / 教員をしております; or a client named."""
        toks, n = self.toks, len(self.toks)
        for end in self.professions:
            who = self.topic_at[end - 1] or self.subject_at[end - 1]
            if who and who[0] == "person":
                continue  # 母は看護師です: someone else's job
            for j in range(end, min(end + 5, n)):
                if j > end and (self._hard_gap(j) or self._soft_gap(j)):
                    break
                if toks[j].fold in self.lex.copulas or toks[j].flemma in ("為る", "やる", "務める", "勤める") \
                        or toks[j].fold == "として" or (toks[j].fold == "者" and toks[j].pos == "名詞"):
                    return True
                if toks[j].fold == "と" and j + 1 < n and toks[j + 1].flemma == "為る":
                    return True
        return any(m.relation == "client" and not m.generic for m in self.mentions)

    def _neighbours(self) -> None:
        """近所の人, 隣の家のおばあさん, 近所に住む80代の女性: the next person named is a neighbour."""
        toks, n = self.toks, len(self.toks)
        age_at = {age.start: age for age in self.ages}
        for end in self.markers:
            j = end
            while j < min(end + 9, n) and self._same_clause(end - 1, j):
                if self.owner[j] >= 0:
                    mention = self.mentions[self.owner[j]]
                    direct = j > 0 and toks[j - 1].fold in ("に", "で") and self.owner[j] >= 0 and j - 1 == end
                    if not mention.is_self and not direct and not toks[j - 1].fold in ("で",):
                        mention.relation = "neighbour"
                        mention.generic = False
                        mention.materialized = True
                    break
                if j in age_at:
                    age = age_at[j]
                    if age.end >= n or (self.owner[age.end] < 0 and toks[age.end].fold != "の"):
                        self.mentions.append(_Mention("neighbour", age.start, age.start, age.end, age.text, age=(age.group, age.text)))
                        age.consumed = True
                        break
                    j = age.end
                    continue
                if toks[j].fold not in _NEIGHBOUR_PATH and toks[j].flemma not in _NEIGHBOUR_PATH:
                    break
                j += 1
        self.mentions.sort(key=lambda m: m.start)
        self.owner = [-1] * n
        for index, mention in enumerate(self.mentions):
            for t in range(mention.start, mention.end):
                self.owner[t] = index

    def _pairs_and_roles(self) -> None:
        toks, n = self.toks, len(self.toks)
        for index, b in enumerate(self.mentions):
            # 私の母 / うちの子: the writer only says whose; 息子の嫁 / 母の姉: another relation.
            a_index = self.owner[b.start - 2] if b.start >= 2 and toks[b.start - 1].fold == "の" else -1
            if a_index >= 0 and a_index != index and not self.gap[b.start] and not self.gap[b.start - 1]:
                a = self.mentions[a_index]
                if a.is_self:
                    a.possessive = True
                elif not b.is_self and not b.pronoun and not b.generic and not a.generic and not a.pronoun:
                    self._pair(a, b)
            # 母親として / 中学生の娘の母です: the writer's own role.
            after = b.end
            if after < n and not b.is_self and not b.generic:
                if toks[after].fold in self.lex.role_after or (
                        toks[after].fold == "と" and after + 2 < n and toks[after + 1].flemma == "為る" and toks[after + 2].fold == "て"):
                    b.role = True
                elif toks[after].fold in self.lex.copulas and self._ends_clause(after + 1) and self._introduces(b):
                    b.role = True

    def _pair(self, a: _Mention, b: _Mention) -> None:
        ra, rb = a.relation, b.relation
        if ra in _FAMILY and rb in _FAMILY:
            a.reference = True
            if ra in _PARENTS and rb in _PARENTS:
                b.relation, b.intrinsic = "grandparent", OLDER
            elif ra in _CHILDREN and rb in _CHILDREN:
                b.relation = "grandchild"
            elif ra in _COUPLE and rb in _CHILDREN:
                pass  # 夫の息子: the writer's household still
            else:
                b.relation = "other_family"
        elif ra in _FAMILY and rb in ("friend", "neighbour", "other", "client"):
            a.reference = True
        elif ra == "neighbour":
            a.reference = True
            b.relation = "neighbour"
        elif ra in ("friend", "other"):
            a.reference = True
            b.relation = "other"
        elif ra == "client" and rb in _FAMILY:
            b.relation = "other"

    def _ends_clause(self, i: int) -> bool:
        n = len(self.toks)
        for j in range(i, min(i + 3, n)):
            if self._hard_gap(j) or self._soft_gap(j):
                return True
            if self.toks[j].fold not in _ENDINGS and self.toks[j].pos != "助詞":
                return False
        return i + 3 > n or self._hard_gap(min(i + 3, n - 1)) or i >= n

    def _introduces(self, mention: _Mention) -> bool:
        """娘です。 / 私は長女です / 中学生の娘の母です: the writer saying who they are."""
        i = mention.start
        if i == 0 or self.clause[i] != self.clause[i - 1] and self.sentence[i] != self.sentence[i - 1]:
            return True
        prev = self.toks[i - 1]
        if prev.fold == "の":
            return True
        if prev.fold in ("は", "が") and i >= 2 and self.owner[i - 2] >= 0 and self.mentions[self.owner[i - 2]].is_self:
            return True
        return self._hard_gap(i)

    def _deceased(self) -> None:
        toks, n = self.toks, len(self.toks)
        for i, before in self.deceased:
            target = -1
            for j in range(i + 1, min(i + 3, n)):
                if not self._same_clause(j - 1, j):
                    break
                if self.owner[j] >= 0:
                    target = self.owner[j]
                    break
                if toks[j].fold not in ("た", "だ", "の"):
                    break
            if target < 0 and not before:
                for j in range(i - 1, max(i - 4, -1), -1):
                    if not self._same_clause(j, i):
                        break
                    if self.owner[j] >= 0:
                        target = self.owner[j]
                        break
            if target >= 0 and not self.mentions[target].is_self:
                self.mentions[target].deceased = True

    def _aliases(self) -> None:
        """彼女は82歳 after 母 / 本人は拒否: the person named before, not a new one."""
        last = -1
        for index, mention in enumerate(self.mentions):
            points_back = mention.pronoun or (mention.relation == "client" and self.toks[mention.core].flemma == "本人")
            if points_back and last >= 0:
                mention.alias = last
                continue
            if mention.pronoun:
                word = self.toks[mention.core].fold
                if word in ("かのじょ", "彼女", "かれ", "彼"):
                    mention.relation, mention.pronoun = "partner", False
                else:
                    mention.materialized = False
                    continue
            if not mention.is_self and not mention.reference and not mention.role and mention.materialized:
                last = index

    def _target(self, index: int) -> _Mention:
        mention = self.mentions[index]
        return self.mentions[mention.alias] if mention.alias is not None else mention

    def _subjects(self) -> None:
        """Per token: whom the clause is about so far (は topic, が subject)."""
        toks, n = self.toks, len(self.toks)
        self.topic_at: List[Optional[Tuple[str, Any]]] = [None] * n
        self.subject_at: List[Optional[Tuple[str, Any]]] = [None] * n
        self.clause_topic_at: List[Optional[Tuple[str, Any]]] = [None] * n
        self.sentence_topic: Dict[int, Optional[Tuple[str, Any]]] = {}  # a sentence's last は topic
        topic = subject = clause_topic = None
        for i in range(n):
            if i and self.sentence[i] != self.sentence[i - 1]:
                self.sentence_topic[self.sentence[i - 1]] = topic
                topic = subject = clause_topic = None
            elif i and self.clause[i] != self.clause[i - 1]:
                subject = clause_topic = None
            self.topic_at[i], self.subject_at[i], self.clause_topic_at[i] = topic, subject, clause_topic
            tok = toks[i]
            particle = tok.fold if tok.pos == "助詞" or _LATIN_WORD.search(tok.text) else ""
            if _LATIN_WORD.search(tok.text):
                particle = tok.reading
            if i and particle and (
                    (particle in _TOPIC_PARTICLES and tok.detail in ("係助詞", "副助詞", "格助詞", "終助詞", "")) or
                    (particle in _SUBJECT_PARTICLES and tok.detail in ("格助詞", "")) or
                    (particle in _SUBJECT_PARTICLES and _LATIN_WORD.search(tok.text))):
                before = self.owner[i - 1]
                if before < 0 and any(c in ")）" for c in self.gap[i]):
                    before = self._bracketed_after(i)  # 母（80）は: the person before the brackets
                if before >= 0:
                    mention = self._target(before)
                    what = ("self", None) if mention.is_self else ("person", mention)
                else:
                    what = ("thing", toks[i - 1].flemma)
                if particle == "も" and what[0] == "thing" and topic and topic[0] != "thing":
                    pass  # 母は今も…, 母は家事も…: still the mother's clause
                elif particle in _TOPIC_PARTICLES:
                    topic = clause_topic = what
                else:
                    subject = what
            elif tok.fold in _CLAUSE_JOINS and tok.detail == "接続助詞" or (tok.fold == "で" and tok.flemma == "だ"):
                subject = None
        if n:
            self.sentence_topic[self.sentence[n - 1]] = topic

    def _bracketed_after(self, i: int) -> int:
        """The mention right before the brackets that close before token i (母（80）は), or -1."""
        for k in range(i - 1, max(i - 6, 0), -1):
            if any(c in ")）" for c in self.gap[k]):
                return -1
            if any(c in "(（" for c in self.gap[k]):
                return self.owner[k - 1]
        return -1

    def _attach_ages(self) -> List[Tuple[int, Tuple[str, str]]]:
        """Each age to the person it describes; ages of the writer are returned."""
        toks, n = self.toks, len(self.toks)
        writer: List[Tuple[int, Tuple[str, str]]] = []
        mention_order = sorted(range(len(self.mentions)), key=lambda k: self.mentions[k].start)
        cursor, last_person = 0, None
        for age in self.ages:
            if age.consumed:
                continue
            while cursor < len(mention_order) and self.mentions[mention_order[cursor]].end <= age.start:
                index = mention_order[cursor]
                mention = self.mentions[index]
                if self._counts(mention):
                    target = self._target(index)
                    if not target.is_self:
                        last_person = target
                cursor += 1
            found = self._age_target(age)
            if found is None and last_person is not None and _compatible(last_person.relation, age.group):
                # 母が認知症で、85歳です → the mother; 兄がひきこもり。中学生です → the writer, who
                # says their school year, unless the last person is a child (息子のことで。中2です).
                if self._professional or age.kind == "number" or age.group == OLDER or last_person.relation in _CHILDISH:
                    found = last_person
            if found is None:
                if not self._professional:
                    writer.append((age.start, (age.group, age.text)))
                continue
            if found.is_self:
                writer.append((found.start, (age.group, age.text)))
            elif found.age is None:
                found.age = (age.group, age.text)
                found.materialized = True
        return writer

    def _counts(self, mention: _Mention) -> bool:
        return mention.materialized and not mention.reference and not mention.role and not mention.possessive

    def _age_target(self, age: _Age) -> Optional[_Mention]:
        toks, n = self.toks, len(self.toks)
        # 利用者様（85歳女性）: the person before the bracket.
        if age.start > 0 and any(c in "(（" for c in self.gap[age.start]) and self.owner[age.start - 1] >= 0:
            if age.end < n and self.owner[age.end] >= 0 and self.mentions[self.owner[age.end]].generic:
                self.mentions[self.owner[age.end]].materialized = False
                self.mentions[self.owner[age.end]].reference = True
            return self._target(self.owner[age.start - 1])
        # 80代の父, 14歳になる息子, 80代男性: the person right after.
        for j in range(age.end, min(age.end + 5, n)):
            if j > age.end and not self._same_clause(j - 1, j):
                break
            if self.owner[j] >= 0:
                mention = self.mentions[self.owner[j]]
                if mention.possessive:
                    break  # 中学生の私の… is rare; 85歳の私の母 is the writer
                if not mention.role:
                    return self._target(self.owner[j])
                break
            if toks[j].fold not in _AGE_FILLERS and toks[j].flemma not in _AGE_FILLERS:
                break
        # 父は80代です, 息子は中学生: the person named before it in the clause.
        for j in range(age.start - 1, max(age.start - 13, -1), -1):
            if not self._same_clause(j, age.start):
                break
            if self.owner[j] >= 0:
                index = self.owner[j]
                mention = self.mentions[index]
                if mention.reference or mention.role:
                    continue
                if mention.generic and not mention.materialized:
                    continue
                return self._target(index)
        # The clause's topic from an earlier clause of the sentence (母は、85歳で…).
        topic = self.topic_at[age.start]
        if topic and topic[0] == "person" and _compatible(topic[1].relation, age.group):
            return topic[1]
        if topic and topic[0] == "self":
            return self._self_stub(age.start)
        return None

    def _self_stub(self, position: int) -> _Mention:
        return _Mention(SELF, position, position, position + 1, "")

    def _attach_school(self) -> List[Tuple[int, Tuple[str, str]]]:
        """学校に行けない, 息子が不登校, 部活が…: a child, if nothing says their age already."""
        toks, n = self.toks, len(self.toks)
        writer: List[Tuple[int, Tuple[str, str]]] = []
        medical = {self.clause[i] for i in self.medical_clauses}
        last_person: Optional[_Mention] = None
        order = sorted(range(len(self.mentions)), key=lambda k: self.mentions[k].start)
        cursor = 0
        for i, k in self.school:
            while cursor < len(order) and self.mentions[order[cursor]].end <= i:
                mention = self.mentions[order[cursor]]
                if self._counts(mention) and not self._target(order[cursor]).is_self:
                    last_person = self._target(order[cursor])
                cursor += 1
            word = toks[i]
            if self._past(i + k) or (word.fold == "先生" and self.clause[i] in medical):
                continue
            if i > 0 and toks[i - 1].fold in ("大", "大学", "専門", "短大", "夜間"):
                continue
            cue = (CHILD, self.text[word.start:toks[i + k - 1].end])
            target = self._school_target(i)
            if target is None and last_person is not None and last_person.relation in _CHILDISH:
                target = last_person
            if target is None:
                if not self._professional:
                    writer.append((i, cue))
                continue
            if target.is_self:
                writer.append((target.start, cue))
            elif target.age is None and target.cue_age is None:
                target.cue_age = cue
        return writer

    def _school_target(self, i: int) -> Optional[_Mention]:
        subject = self.subject_at[i] or self.topic_at[i]
        if subject and subject[0] == "person":
            return subject[1] if subject[1].relation in _SCHOOL_AGE else None
        if subject and subject[0] == "self":
            return self._self_stub(i)
        for j in range(i - 1, max(i - 10, -1), -1):
            if not self._same_clause(j, i):
                break
            if self.owner[j] >= 0:
                named = self.mentions[self.owner[j]]
                mention = self._target(self.owner[j])
                after = named.end
                modifier = after < len(self.toks) and self.toks[after].fold == "の" and not named.reference
                if mention.relation in _SCHOOL_AGE and not mention.role and not modifier and (
                        self._counts(named) or named.reference):
                    return mention
        return None

    def _strain(self) -> List[int]:
        """Positions where the writer speaks of their own strain (介護がしんどい, 疲れました)."""
        toks, n = self.toks, len(self.toks)
        found: List[int] = []
        for i in self.strain:
            tok = toks[i]
            needs = self.lex.strain_needs_after.get(tok.flemma)
            if needs is not None:
                following = {toks[j].fold for j in range(i + 1, min(i + 3, n))} | {toks[j].flemma for j in range(i + 1, min(i + 3, n))}
                if not following & needs:
                    continue
            if self._hearsay(i):
                continue
            # しんどい, 大変: a feeling said plainly is the writer's own unless a person is the
            # clause's topic; a verb or a noun (疲れた, DV) is whoever the clause is about.
            emotional = tok.pos in ("形容詞", "形状詞")
            who = self.clause_topic_at[i] if emotional else (self.topic_at[i] if self.topic_at[i] and self.topic_at[i][0] != "thing" else self.subject_at[i])
            if who and who[0] == "person":
                continue
            if self._professional and not (who and who[0] == "self"):
                continue
            found.append(i)
        return found

    def _hearsay(self, i: int) -> bool:
        """辛そう, 疲れているみたい, 死にたいと言っている: someone else's state, seen or reported.

        Only what hangs on the word itself counts (its auxiliaries): in 介護疲れで倒れそう the
        そう belongs to 倒れる, the writer's own."""
        toks, n = self.toks, len(self.toks)
        own = self.lex.strain_needs_after.get(toks[i].flemma, set())
        for j in range(i + 1, min(i + 6, n)):
            if self._hard_gap(j) or self._soft_gap(j):
                return False
            tok = toks[j]
            if (tok.fold in self.lex.hearsay or tok.flemma in self.lex.hearsay) and tok.fold not in own:
                return True
            if tok.fold == "と" and j + 1 < n and toks[j + 1].flemma in ("言う", "いう", "話す", "漏らす", "訴える"):
                return True
            attached = tok.pos in ("助動詞", "助詞") or tok.detail in ("非自立可能", "助動詞語幹")
            if not attached:
                return False
        return False

    # -- where the person cared for lives
    def _lives_in(self) -> Optional[str]:
        """The place written for where a person named (not the writer) lives; a town over its
        prefecture when both are written for them."""
        self._age_ends = {age.start: age.end for age in self.ages}
        names = place_names()
        self._find_name_places(names)
        self.places.sort(key=lambda p: p.start)
        for place in self.places:
            self._most_specific(place, names)
        self._place_starts = {p.start for p in self.places}
        self._carried = self._carried_topics()
        chosen: Optional[Tuple[_Mention, _Place]] = None
        for place in self.places:
            owner = self._place_owner(place)
            if owner is None:
                continue
            if chosen is None:
                chosen = (owner, place)
                if not place.prefecture:
                    break
            elif owner is chosen[0] and not place.prefecture:
                chosen = (owner, place)  # 母は長野県に住んでいます。松本市です
                break
        if chosen is None:
            return None
        owner, place = chosen
        owner.place = owner.place or place.text
        return place.text

    def _place_owner(self, place: _Place) -> Optional[_Mention]:
        owner = self._place_owner_after(place)
        if owner is None:
            owner = self._place_owner_before(place)
        if owner is None:
            owner = self._place_owner_bracket(place)
        return owner

    # -- names known by their shape only
    def _find_name_places(self, names: PlaceNames) -> None:
        """Names the dictionary does not tag 地名, found where a living word follows them."""
        toks, n = self.toks, len(self.toks)
        start = 0
        for end in range(1, n + 1):  # ひろさきに すんでいて: kana written with spaces
            if end < n and not self.gap[end]:
                continue
            self._spaced_kana_place(start, end, names)
            start = end
        for j in range(1, n):  # 長岡に住む, アサヒカワに住んでいる, Osakaに住んでいます
            tok = toks[j]
            if self.gap[j] or self.placed[j - 1] or self.owner[j - 1] >= 0 or self.placed[j]:
                continue
            if tok.fold not in ("に", "で", "の") or tok.pos not in ("助詞", "助動詞"):
                continue
            first = self._name_before(j)
            # イオンにいる, Costcoにいる: where someone is now; a katakana or Latin name needs 住む, 暮らす
            loose = first is not None and self._name_kind(toks[first]) in ("katakana", "latin")
            if first is not None and self._lives_next(j + 1, tok.fold, strict=loose):
                self._add_place(first, j, weak=True)
        if names.names:
            self._directory_places(names)

    def _name_kind(self, tok: "_Tok") -> Optional[str]:
        if tok.pos in ("助詞", "助動詞", "補助記号", "記号") or tok.text in _HONORIFIC_SUFFIXES:
            return None
        if _LATIN_NAME.fullmatch(tok.text):
            return "latin" if tok.text.lower() not in _EN_NOT_PLACES else None
        if _is_katakana(tok.text):
            return "katakana"
        if _is_hiragana(tok.fold) and tok.fold == tok.text:
            return "hiragana"
        if tok.pos == "名詞" and tok.detail in _PROPER_DETAILS:
            return "proper"
        return None

    def _name_before(self, j: int) -> Optional[int]:
        """Where a name that ends right before token j starts, or None: a proper noun the dictionary
        does not call a place (長岡 as a surname), a kana name (ひろさき, アサヒカワ), a word in Latin
        letters (Osaka). Common words (田舎, いなか, シェアハウス) are not names."""
        toks, lex = self.toks, self.lex
        kind = self._name_kind(toks[j - 1])
        if kind is None:
            return None
        start = j - 1
        while start > 0 and j - start < 5 and not self.gap[start] and self.owner[start - 1] < 0 \
                and not self.placed[start - 1] and self._name_kind(toks[start - 1]) == kind:
            start -= 1
        run = toks[start:j]
        if kind == "latin":
            return start
        if kind in ("proper", "katakana"):
            if kind == "katakana" and any(t.pos == "名詞" and t.detail == "普通名詞" and not _has_kanji(t.lemma)
                                          for t in run):
                return None  # a loanword (ケアハウス, デイサービス), not a place written in katakana
            if len(run) == 1 and (run[0].flemma in lex.not_places or run[0].fold in lex.not_place_readings):
                return None
            return start
        # hiragana: a name MeCab cut into pieces (ひろ+さき), not the end of a longer word
        if start > 0 and not self.gap[start] and toks[start - 1].pos != "助詞":
            return None
        while start < j and (toks[start].pos in _NOT_NAME_POS or toks[start].flemma in lex.not_places
                             or (toks[start].pos == "形容詞" and toks[start].text.endswith("い"))):
            start += 1
        run = toks[start:j]
        key = "".join(t.fold for t in run)
        if len(key) < 2 or key in lex.not_place_readings or any(t.flemma in lex.not_places for t in run):
            return None
        entry = lex.surface.get(key)
        if entry and _names_someone(entry):
            return None
        if len(run) == 1 and run[0].detail not in _PROPER_DETAILS:
            return None  # one word the dictionary knows: いなか, まち
        return start

    def _spaced_kana_place(self, a: int, b: int, names: PlaceNames) -> None:
        """ははは ひろさきに すんでいます: a word written in kana between spaces, ending in に / で / の
        (MeCab may have read the particle into the word), before a living word."""
        toks, n, lex = self.toks, len(self.toks), self.lex
        if b >= n or b - a > 8 or not any(c.isspace() for c in self.gap[b]):
            return
        if a and not any(c.isspace() or c in "、。，．,.!！?？「」『』（）()" for c in self.gap[a]):
            return
        if any(self.placed[t] or self.owner[t] >= 0 for t in range(a, b)):
            return
        key = "".join(toks[t].fold for t in range(a, b))
        if not _is_hiragana(key) or len(key) > 16 or key[-1] not in ("に", "で", "の"):
            return
        stem, particle = key[:-1], key[-1]
        if len(stem) < 2 or stem in lex.not_place_readings:
            return
        entry = lex.surface.get(stem)
        if entry and _names_someone(entry):
            return
        if toks[a].fold == stem and toks[a].detail not in _PROPER_DETAILS and stem not in names.names:
            return  # one word the dictionary knows: いなかに, しせつに
        if not self._lives_next(b, particle):
            return
        written = self.text[toks[a].start:toks[b - 1].end]
        self._add_place(a, b, weak=True, text=written[:-1] if len(written) == len(key) else stem, glued=particle)

    def _directory_places(self, names: PlaceNames) -> None:
        """The directory's municipality names and their readings (くりやまちょう, えにわ, 栗山)."""
        toks, n = self.toks, len(self.toks)
        i = 0
        while i < n:
            if self.placed[i] or self.owner[i] >= 0 or not (i == 0 or self.gap[i] or toks[i - 1].pos == "助詞"
                                                            or _is_kana(toks[i - 1].fold) != _is_kana(toks[i].fold)):
                i += 1
                continue
            key, best = "", None
            for k in range(i, min(i + _MAX_SPAN_TOKENS, n)):
                if k > i and (self.gap[k] or self.placed[k] or self.owner[k] >= 0):
                    break
                key += toks[k].fold
                if len(key) > names.longest:
                    break
                if key in names.names:
                    best = (k + 1, key)
            if best is None:
                i += 1
                continue
            end, key = best
            after = toks[end] if end < n else None
            if key in names.full:
                ok = after is None or bool(self.gap[end]) or after.pos in ("助詞", "助動詞")
            else:
                ok = after is not None and not self.gap[end] and after.fold in ("に", "で", "の") \
                    and self._lives_next(end + 1, after.fold)
            if ok:
                self._add_place(i, end, weak=key not in names.full)
                i = end
            else:
                i += 1

    def _lives_next(self, after: int, link: str, strict: bool = False) -> bool:
        """A living word right after a name and its particle: に住む, で一人暮らし, の実家, の施設
        (with `strict`, not いる / おる alone)."""
        toks, n, lex = self.toks, len(self.toks), self.lex
        if after >= n or self._hard_gap(after):
            return False
        homes = link == "の"
        words = lex.place_name_homes if homes else lex.place_name_lives
        readings = lex.place_name_home_readings if homes else lex.place_name_lives_readings
        ahead = ""
        for k in range(after, min(after + 4, n)):
            if k > after and (self._hard_gap(k) or self._soft_gap(k)):
                break
            tok = toks[k]
            ahead += tok.fold
            if any(ahead.startswith(r) for r in readings):
                return True  # すんでいて, じっか read as じっ+か
            if any(r.startswith(ahead) for r in readings):
                continue
            if self.owner[k] >= 0:
                break
            if (tok.flemma in words or tok.fold in words) and not (strict and tok.flemma in ("居る", "おる")):
                return not (k + 1 < n and toks[k + 1].fold == "たい")  # 住みたい: a wish
            if homes or (tok.fold not in _NAME_FILLERS and tok.flemma not in _NAME_FILLERS):
                break
            ahead = ""
        return False

    def _most_specific(self, place: _Place, names: PlaceNames) -> None:
        """長野県松本市 is 松本市, 東京都世田谷区 is 世田谷区; and whether the name is a prefecture's."""
        toks, lex = self.toks, self.lex
        if place.glued is None:
            cut = None
            named_after = False  # a name (not only 市, 内) follows token t in the place
            for t in range(place.end - 1, place.start - 1, -1):
                tok = toks[t]
                region = (tok.fold in lex.region_suffixes and tok.pos in ("名詞", "接尾辞") and t > place.start) \
                    or (tok.detail == "地名" and tok.fold in names.prefectures)
                if region and named_after:
                    cut = t + 1
                    break
                named_after = named_after or tok.fold not in lex.place_suffixes
            if cut is not None:
                place.start = cut
                place.text = self.text[toks[cut].start:toks[place.end - 1].end]
        last = toks[place.end - 1]
        place.prefecture = _fold(place.text) in names.prefectures or (
            place.end - place.start > 1 and last.fold in lex.region_suffixes)

    # -- whose place it is
    def _place_owner_after(self, place: _Place) -> Optional[_Mention]:
        """札幌に住んでいる母, 函館在住の父, 大阪で一人暮らしの母, 函館の実家の父, 小樽でうちの母さんと二人暮らし."""
        toks, n, lex = self.toks, len(self.toks), self.lex
        j, steps = place.end, 0
        last = place.glued or ""
        while j < n and steps < 10:
            steps += 1
            if not self._same_clause(j - 1, j):
                return None
            if j in self._place_starts:
                return None  # 長野県の松本市に住む母: the nearer name is where they live
            if j in self._age_ends:  # 札幌に住んでいる80代の母
                j = self._age_ends[j]
                continue
            if self.owner[j] >= 0:
                named = self.mentions[self.owner[j]]
                mention = self._target(self.owner[j])
                if named.is_self and named.possessive:
                    j = named.end + (1 if named.end < n and toks[named.end].fold == "の" else 0)
                    continue  # 小樽でうちの母さんと: says whose mother, not who lives there
                if named.generic and not named.materialized and toks[j].fold == "方" and last == "の":
                    last = "方"
                    j += 1
                    continue  # 札幌の方に住む
                if mention.is_self or mention.role or named.possessive:
                    return None
                if last in ("に", "で", "は", "も") and not self._lives_after(j):
                    return None  # 札幌に母が行った: a place visited, unless they live there
                return mention if mention.materialized else None
            tok = toks[j]
            if tok.fold in ("て", "で") and tok.pos == "助詞" and tok.detail == "接続助詞":
                if not (j + 1 < n and toks[j + 1].flemma in ("居る", "いる", "おる", "とる", "てる")):
                    return None
            else:
                width = self._link_width(j)
                if not width:
                    return None
                j += width - 1
            last = toks[j].fold
            j += 1
        return None

    def _link_width(self, j: int) -> int:
        """How many tokens the link word at j takes (グループ+ホーム, 介護+施設 are one), or 0."""
        toks, lex = self.toks, self.lex
        if toks[j].fold in lex.place_links or toks[j].flemma in lex.place_links:
            return 1
        if j + 1 < len(toks) and not self.gap[j + 1] and toks[j].fold + toks[j + 1].fold in lex.place_links:
            return 2
        return 0

    def _living(self, j: int) -> bool:
        """A word of living somewhere at token j (住む, 一人暮らし, 在住, いる as a verb, not the
        いる of 通っている)."""
        tok = self.toks[j]
        if not self._living_word(tok) or (j + 1 < len(self.toks) and self.toks[j + 1].fold == "たい"):
            return False  # 札幌に住みたい: a wish
        if tok.flemma in ("居る", "おる") and j > 1 and self.toks[j - 1].fold in ("て", "で") \
                and self.toks[j - 1].pos == "助詞" and not self._living_word(self.toks[j - 2]):
            return False
        return True

    def _living_word(self, tok: "_Tok") -> bool:
        lex = self.lex
        return tok.flemma in lex.place_lives or tok.fold in lex.place_lives \
            or tok.flemma in lex.place_lives_more or tok.fold in lex.place_lives_more

    def _lives_after(self, j: int) -> bool:
        toks, n = self.toks, len(self.toks)
        for k in range(j, min(j + 8, n)):
            if k > j and not self._same_clause(k - 1, k):
                return False
            if self._living(k):
                return True
        return False

    def _place_owner_before(self, place: _Place) -> Optional[_Mention]:
        """母は札幌で一人暮らし, 父は函館に住んでいます, 実家は函館で…, 母の家は札幌です, 母が住んでいる
        函館, 私は札幌、母は函館; a sentence that names nobody continues the last one's topic
        (母は85歳です。函館で一人暮らしです)."""
        toks, n, lex = self.toks, len(self.toks), self.lex
        start, end = place.start, place.end
        relative = self._relative_owner(start)
        if relative is not None:
            return relative
        who = self.subject_at[start] or self.topic_at[start]
        if who is None and self._carried.get(self.sentence[start]) is not None:
            who = ("person", self._carried[self.sentence[start]])
        if not who or who[0] == "self":
            return None
        home = who[0] == "thing" and (_fold(who[1]) in lex.family_home or _fold(who[1]) in lex.place_homes)
        lives = False
        linked = True  # only links so far: 母は函館の施設です
        skip_to = end
        for j in range(end, min(end + 8, n)):
            if not self._same_clause(j - 1, j):
                break
            if j < skip_to:
                continue
            if j in self._place_starts:
                return None  # 母は北海道の函館に住んでいる: 函館
            tok = toks[j]
            if self._living(j) or (home and tok.flemma in ("有る", "ある")):
                lives = True
                break
            if linked and (tok.fold in lex.copulas or tok.flemma == "だ") and self._ends_clause(j + 1):
                lives = True  # 母は函館です (not 夫は仙台に単身赴任中です: what they do there)
                break
            width = self._link_width(j)
            linked = linked and bool(width)
            skip_to = j + max(width, 1)
        if not lives and who[0] == "person" and start > 0 and toks[start - 1].fold in ("は", "も") \
                and (end >= n or self._hard_gap(end) or self._soft_gap(end)):
            lives = True  # 私は札幌、母は函館
        if not lives:
            return None
        if who[0] == "person":
            return None if who[1].is_self else who[1]
        if who[0] == "thing" and _fold(who[1]) in lex.family_home:
            return self._first_family()
        if home:
            return self._home_owner(start)
        return None

    def _relative_owner(self, start: int) -> Optional[_Mention]:
        """母が住んでいる函館, 母の住む函館, 父のいる函館: the place is where the clause's person lives."""
        toks = self.toks
        k = start - 1
        for _ in range(5):
            if k < 2 or not self._same_clause(k, start):
                return None
            tok = toks[k]
            if tok.flemma in ("住む", "暮らす") or tok.fold in ("すむ", "すん", "くらす", "くらし"):
                break
            if tok.flemma in ("居る", "おる") and toks[k - 1].fold in ("が", "の"):
                break
            if tok.fold in ("て", "で", "た", "てる", "とる", "どる", "いる", "い", "おる") or tok.flemma in ("居る", "て", "た"):
                k -= 1
                continue
            return None
        else:
            return None
        if toks[k - 1].fold not in ("が", "の") or self.owner[k - 2] < 0:
            return None
        mention = self._target(self.owner[k - 2])
        if mention.is_self or mention.role or not mention.materialized:
            return None
        return mention

    def _home_owner(self, start: int) -> Optional[_Mention]:
        """母の家は札幌です: the person whose home the topic is."""
        toks = self.toks
        for k in range(start - 1, max(start - 12, 1), -1):
            if not self._same_clause(k, start) and self.sentence[k] != self.sentence[start]:
                return None
            if toks[k].fold in self.lex.place_homes and k + 1 < len(toks) and toks[k + 1].fold in ("は", "が", "も"):
                if toks[k - 1].fold == "の" and k >= 2 and self.owner[k - 2] >= 0:
                    mention = self._target(self.owner[k - 2])
                    return None if mention.is_self or not mention.materialized else mention
                return None
        return None

    def _place_owner_bracket(self, place: _Place) -> Optional[_Mention]:
        """父（85歳、函館在住）, 母（函館）: a place in brackets right after a person."""
        toks, n = self.toks, len(self.toks)
        mention = None
        for k in range(place.start, max(place.start - 8, 0), -1):
            gap = self.gap[k]
            if any(c in "(（" for c in gap):
                if self.owner[k - 1] < 0:
                    return None
                mention = self._target(self.owner[k - 1])
                break
            if any(c in ")）" for c in gap) or self._hard_gap(k):
                return None
        if mention is None or mention.is_self or mention.role or not mention.materialized:
            return None
        end = place.end
        closing = self.gap[end] if end < n else self.text[toks[end - 1].end:]
        if any(c in ")）" for c in closing[:2]) or (end < n and self._living(end)):
            return mention
        return None

    def _carried_topics(self) -> Dict[int, Optional[_Mention]]:
        """Per sentence, the person a sentence naming nobody goes on about: the last は topic of the
        sentences before, until the writer speaks of themself."""
        carried: Dict[int, Optional[_Mention]] = {}
        if not self.toks:
            return carried
        writer = {self.sentence[m.start] for m in self.mentions if m.is_self and not m.possessive}
        named = {self.sentence[m.start] for m in self.mentions if not m.is_self and self._counts(m)}
        about: Dict[int, _Mention] = {}  # 母のことで相談です: the sentence is about that person
        toks, n = self.toks, len(self.toks)
        for index, mention in enumerate(self.mentions):
            if not mention.is_self and self._counts(mention) and mention.end + 1 < n \
                    and toks[mention.end].fold == "の" and toks[mention.end + 1].flemma in ("事", "こと"):
                about.setdefault(self.sentence[mention.start], self._target(index))
        current: Optional[_Mention] = None
        for sentence in range(self.sentence[-1] + 1):
            carried[sentence] = None if sentence in writer or sentence in named else current
            topic = self.sentence_topic.get(sentence)
            if not topic and sentence in about:
                topic = ("person", about[sentence])
            if topic and topic[0] == "person" and not topic[1].is_self:
                current = topic[1]
            elif (topic and topic[0] == "self") or sentence in writer:
                current = None
        return carried

    def _first_family(self) -> Optional[_Mention]:
        """The family member named first (実家は函館で… places them there); looked for once."""
        if not hasattr(self, "_family"):
            self._family = next((m for m in self.mentions
                                 if m.relation in _FAMILY and self._counts(m) and not m.deceased), None)
        return self._family

    def _assemble(self, writer_ages, writer_school, strained) -> List[Dict[str, Any]]:
        result = _Result()
        about_writer: List[int] = []  # where the message shows the concern is the writer's too
        people_clauses = {self.clause[m.start] for m in self.mentions
                          if not m.is_self and self._counts(m) and not m.deceased and m.alias is None}
        introductions = self._introduction_clauses()
        for mention in self.mentions:
            if mention.is_self:
                clause = self.clause[mention.start]
                if not (mention.possessive or self._professional or clause in people_clauses or clause in introductions):
                    about_writer.append(mention.start)
                continue
            if mention.role:
                if mention.end < len(self.toks) and self.toks[mention.end].fold in ("として", "と"):
                    about_writer.append(mention.start)  # 母親として情けない
                continue
            if not self._counts(mention) or mention.deceased or mention.alias is not None:
                continue
            age = mention.age or mention.cue_age or (
                (mention.intrinsic, mention.text) if mention.intrinsic and mention.intrinsic != UNKNOWN_AGE else None)
            result.add(mention.start, mention.relation, age)
        # An age the writer states wins over one read from school words.
        writer_age = writer_ages[0][1] if writer_ages else writer_school[0][1] if writer_school else None
        if writer_age and writer_age[0] == CHILD:
            about_writer.append(min(p for p, _ in writer_ages + writer_school))  # a child writing is never only a messenger
        about_writer.extend(p for p, _ in writer_school)
        about_writer.extend(strained)
        if not about_writer and not result.items and not self._professional and self._has_content():
            about_writer.append(0)  # nobody else named: 借金が返せない is the writer's own
        if about_writer:
            named = [m.start for m in self.mentions if m.is_self and not m.possessive]
            result.add(min(about_writer + named + [p for p, _ in writer_ages]), SELF, writer_age)
        return result.about()

    def _introduction_clauses(self) -> Set[int]:
        """Clauses where the writer only says who they are: where they live, their job, their age."""
        lex = self.lex
        clauses: Set[int] = set()
        for i, tok in enumerate(self.toks):
            if tok.flemma in lex.place_lives or tok.fold in lex.place_lives or tok.flemma in lex.occupations \
                    or tok.fold in lex.occupations:
                clauses.add(self.clause[i])
        for end in self.professions:
            clauses.add(self.clause[end - 1])
        for age in self.ages:
            clauses.add(self.clause[age.start])
        return clauses

    def _has_content(self) -> bool:
        """Something said beyond a greeting or thanks (ありがとうございました has no content word)."""
        return any(t.pos in ("名詞", "動詞", "形容詞", "形状詞", "代名詞") and t.detail not in ("数詞", "非自立可能")
                   for t in self.toks)


# ---- English -------------------------------------------------------------------------------
_EN_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d+|[.!?;\n()]")
_EN_NUMBER_WORDS = {"teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                    "seventies": 70, "eighties": 80, "nineties": 90}
_EN_NOT_PLACES = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                  "saturday", "sunday", "english", "japanese", "the", "a", "an", "my", "her", "his", "i",
                  "hospital", "care", "a&e"}
_EN_LIVING = {"lives", "live", "living", "based", "stays", "staying", "resides", "residing", "settled"}
_EN_NOT_LIVING = {"was", "were", "trip", "holiday", "holidays", "vacation", "travelling", "traveling", "travelled",
                  "traveled", "stayed", "visiting", "visited", "born", "raised", "hospitalised", "hospitalized",
                  "admitted", "died", "passed", "buried"}
_EN_PLACE_SUFFIXES = {"shi", "ku", "cho", "machi", "mura", "son", "ken", "gun", "city", "town", "village", "ward",
                      "prefecture"}
_EN_SUBJECT_PRONOUNS = {"she", "he", "they", "shes", "hes", "theyre"}
_EN_BE = {"is", "s", "am", "aged", "turned", "turns", "im", "was", "age", "are", "just"}


@dataclass
class _EnTok:
    low: str
    raw: str
    clause: int
    start: int = 0  # offsets in the NFKC text
    end: int = 0


class _English:
    def __init__(self, text: str, lex: _Lexicon) -> None:
        self.lex = lex.english
        normalized = unicodedata.normalize("NFKC", text)
        self.toks: List[_EnTok] = []
        clause = 0
        for match in _EN_TOKEN.finditer(normalized):
            raw = match.group(0)
            if raw in ".!?;\n":
                clause += 1
                continue
            if raw in "()":
                continue
            self.toks.append(_EnTok(raw.lower().replace("’", "'"), raw, clause, match.start(), match.end()))
        self.normalized = normalized

    def _word(self, i: int) -> str:
        return self.toks[i].low.replace("'", "") if 0 <= i < len(self.toks) else ""

    def run(self) -> Tuple[List[Dict[str, Any]], Optional[str]]:
        toks, lex, n = self.toks, self.lex, len(self.toks)
        mentions: List[_Mention] = []
        owner = [-1] * n
        selves: List[int] = []
        ages: List[Tuple[int, str, str, bool]] = []  # (position, group, words, forward allowed)
        school: List[int] = []
        strain: List[int] = []
        professional = False
        for i, tok in enumerate(toks):
            word = tok.low
            base = word[:-2] if word.endswith("'s") else word
            if base in lex.relations:
                relation = lex.relations[base]
                if self._word(i + 1) == "in" and self._word(i + 2) == "law":
                    relation = "other_family"
                if relation == "client" and self._word(i - 1) in ("a", "an") and self._word(i - 2) in ("am", "im"):
                    professional = True
                    continue
                mention = _Mention(relation, i, i, i + 1, tok.raw)
                if relation == "grandparent":
                    mention.intrinsic = OLDER
                if relation == "child" and base in ("baby", "toddler", "infant", "newborn", "teenager", "teen"):
                    mention.intrinsic = CHILD
                owner[i] = len(mentions)
                mentions.append(mention)
            elif word.replace("'", "") in lex.self_words:
                if self._word(i + 1) in ("a", "an") and self._profession_at(i + 2):
                    professional = True
                selves.append(i)
            elif word in lex.school_cues:
                school.append(i)
            elif word in lex.strain or (word == "die" and self._word(i - 2) == "want") or (word == "limit" and self._word(i - 1) == "my"):
                if word == "die" and self._word(i - 2) != "want" and self._word(i - 1) != "to":
                    continue
                strain.append(i)
            if word.isdigit():
                value = int(word)
                if self._word(i + 1) in ("year", "years", "yr", "yrs") and self._word(i + 2) == "old" or self._word(i + 1) == "yo":
                    group = _age_of_years(value)
                    if group:
                        end = i + 3 if self._word(i + 2) == "old" else i + 2
                        ages.append((i, group, " ".join(t.raw for t in toks[i:end]), True))
                elif self._word(i + 1) == "s" and value % 10 == 0:
                    group = _age_of_decade(value, "")
                    if group:
                        ages.append((i, group, toks[i].raw + "s", False))
                elif self._word(i - 1) in _EN_BE and self._word(i + 1) not in ("years", "year", "months", "days", "hours", "minutes", "times", "percent", "pounds", "yen", "am", "pm", "o"):
                    group = _age_of_years(value)
                    if group:
                        ages.append((i, group, toks[i].raw, False))
            elif word in _EN_NUMBER_WORDS:
                group = _age_of_decade(_EN_NUMBER_WORDS[word], "")
                if group and self._word(i - 1) in ("her", "his", "their", "my", "the", "late", "early", "mid"):
                    ages.append((i, group, f"{toks[i - 1].raw} {toks[i].raw}", False))
            elif word in lex.child_words and base not in lex.relations:
                ages.append((i, CHILD, tok.raw, True))
            elif word in lex.older_words:
                ages.append((i, OLDER, tok.raw, True))
            for phrase, group in lex.stage.items():
                if tuple(self._word(i + k) for k in range(len(phrase))) == phrase:
                    ages.append((i, group, " ".join(t.raw for t in toks[i:i + len(phrase)]), True))
        self_people: List[Tuple[int, Optional[Tuple[str, str]]]] = []
        last_person = None
        mention_cursor = 0
        for position, group, words, forward in ages:
            while mention_cursor < len(mentions) and mentions[mention_cursor].start < position:
                last_person = mentions[mention_cursor]
                mention_cursor += 1
            target = None
            if forward:
                for j in range(position + 1, min(position + 5, n)):
                    if toks[j].clause != toks[position].clause:
                        break
                    if owner[j] >= 0:
                        target = mentions[owner[j]]
                        break
            if target is None:
                target = self._subject_before(position, owner, mentions, selves, last_person)
            if target is None and last_person is not None and _compatible(last_person.relation, group):
                target = last_person
            if target is None or target.is_self:
                if not professional:
                    self_people.append((position, (group, words)))
            elif target.age is None:
                target.age = (group, words)
        last_person = None
        mention_cursor = 0
        for position in school:
            while mention_cursor < len(mentions) and mentions[mention_cursor].start < position:
                last_person = mentions[mention_cursor]
                mention_cursor += 1
            target = self._subject_before(position, owner, mentions, selves, None)
            if target is None and last_person is not None and last_person.relation in _CHILDISH:
                target = last_person
            if target is None or target.is_self:
                if not professional:
                    self_people.append((position, (CHILD, toks[position].raw)))
            elif target.relation in _SCHOOL_AGE and target.age is None and target.cue_age is None:
                target.cue_age = (CHILD, toks[position].raw)
        people_clauses = {toks[m.start].clause for m in mentions}
        introductions = {toks[i].clause for i, tok in enumerate(toks)
                         if tok.low in ("live", "lives", "living", "work", "works", "working", "job", "retired")}
        introductions |= {toks[position].clause for position, _, _, _ in ages}
        about_writer = [i for i in selves
                        if toks[i].clause not in people_clauses and toks[i].clause not in introductions and not professional]
        for i in strain:
            if self._hearsay(i):
                continue
            who = self._subject_before(i, owner, mentions, selves, None)
            if who is None or who.is_self:
                if not professional or who is not None:
                    about_writer.append(i)
        writer_age = next((age for _, age in self_people if age), None)
        if writer_age and writer_age[0] == CHILD:
            about_writer.extend(p for p, age in self_people if age and age[0] == CHILD)
        result = _Result()
        for mention in mentions:
            age = mention.age or mention.cue_age or ((mention.intrinsic, mention.text) if mention.intrinsic else None)
            result.add(mention.start, mention.relation, age)
        if not mentions and not about_writer and not professional and any(
                t.low not in ("hi", "hello", "thanks", "thank", "you", "bye", "ok", "yes", "no", "please") for t in toks):
            about_writer.append(0)
        if about_writer:
            result.add(min(about_writer + selves[:1]), SELF, writer_age)
        return result.about(), self._lives_in(owner, mentions, selves)

    def _profession_at(self, i: int) -> bool:
        return any(tuple(self._word(i + k) for k in range(len(p))) == p for p in self.lex.professions)

    def _subject_before(self, i: int, owner, mentions, selves, last_person) -> Optional[_Mention]:
        """The nearest person (or 'I', or she/he) before token i in its clause."""
        toks = self.toks
        for j in range(i - 1, max(i - 9, -1), -1):
            if toks[j].clause != toks[i].clause:
                break
            if owner[j] >= 0:
                return mentions[owner[j]]
            word = toks[j].low.replace("'", "")
            if word in self.lex.self_words:
                return _Mention(SELF, j, j, j + 1, "")
            if word in _EN_SUBJECT_PRONOUNS:
                return last_person
        return None

    def _hearsay(self, i: int) -> bool:
        toks = self.toks
        for j in range(max(i - 4, 0), i):
            if toks[j].clause == toks[i].clause and toks[j].low in self.lex.hearsay:
                return True
        return False

    def _lives_in(self, owner: List[int], mentions: List[_Mention], selves: List[int]) -> Optional[str]:
        """my mum, who lives in Osaka; back in Kumamoto; lives in Niigata-shi; lives at Hakodate;
        a name in lower case when the directory knows its rōmaji (lives in hakodate)."""
        toks, n = self.toks, len(self.toks)
        romaji = place_names().romaji
        last_person = None
        cursor = 0
        for i, tok in enumerate(toks):
            while cursor < len(mentions) and mentions[cursor].start < i:
                last_person = mentions[cursor]
                cursor += 1
            if tok.low not in ("in", "at") or i + 1 >= n:
                continue
            before = self._word(i - 1)
            if tok.low == "at" and before not in _EN_LIVING:
                continue  # at home, at work
            if before in _EN_NOT_LIVING or (before == "up" and self._word(i - 2) in ("grew", "grown", "brought")):
                continue  # was in Osaka last week, born in Osaka, grew up in Osaka
            first, last = i + 1, None
            for j in range(first, min(first + 3, n)):
                if toks[j].clause != tok.clause or toks[j].low in _EN_NOT_PLACES:
                    break
                if toks[j].raw[:1].isupper() or (j == first and simple_romaji(toks[j].raw) in romaji):
                    last = j
                else:
                    break
            if last is None:
                continue
            if last + 1 < n and toks[last + 1].clause == tok.clause and toks[last + 1].low in _EN_PLACE_SUFFIXES:
                last += 1  # Niigata-shi, Aomori city
            place = self.normalized[toks[first].start:toks[last].end]
            who = None
            for j in range(i - 1, max(i - 8, -1), -1):
                if toks[j].clause != tok.clause:
                    break
                if owner[j] >= 0:
                    who = mentions[owner[j]]
                    break
                word = toks[j].low.replace("'", "")
                if word in self.lex.self_words or word in ("we", "us"):
                    who = "writer"
                    break
                if word in _EN_SUBJECT_PRONOUNS:
                    who = last_person
                    break
                if word in ("to", "from", "visit", "visited", "visiting", "went", "go", "moved", "travel"):
                    break  # a place someone goes to, not where they live
            if isinstance(who, _Mention):
                return place
        return None
