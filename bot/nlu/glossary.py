"""The Japanese words for what a message in another language says, from that language's glossary.

The domain classifier learns from thousands of Japanese concerns and a few hundred English
ones. An English message that also carries the Japanese words a resident would use for the same
things (dementia → 認知症, behind on rent → 家賃 滞納) is read with everything learned from the
Japanese ones, and with the Japanese word vectors, which know almost no English.

A glossary is data: `bot/nlu/glossaries/<language code>.tsv`, one entry a line, the word or
phrase of up to four words, a tab, then one to three Japanese words in dictionary form. A
further language is a further file (and its language code in bot/nlu/language.py).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

GLOSSARY_FOLDER = Path(__file__).with_name("glossaries")

# Apostrophes go first so that "can't" and "cant" are one word, as learners also write it.
_APOSTROPHES = re.compile(r"['’`]")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Glossary:
    entries: Dict[Tuple[str, ...], Tuple[str, ...]]
    longest: int

    @classmethod
    def read(cls, path: Path) -> "Glossary":
        entries: Dict[Tuple[str, ...], Tuple[str, ...]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            source, _, target = line.partition("\t")
            key = tuple(_words(source))
            japanese = tuple(target.split())
            if key and japanese:
                entries.setdefault(key, japanese)
        return cls(entries, max((len(k) for k in entries), default=0))

    def japanese_words(self, text: str) -> List[str]:
        """The glossary's words for the text's words and phrases, in order; the longest phrase
        at each place wins. At most `longest` look-ups a word: linear in the text."""
        words = list(_words(text))
        found: List[str] = []
        position = 0
        while position < len(words):
            for size in range(min(self.longest, len(words) - position), 0, -1):
                japanese = self._lookup(tuple(words[position:position + size]))
                if japanese:
                    found.extend(japanese)
                    position += size
                    break
            else:
                position += 1
        return found

    def _lookup(self, key: Tuple[str, ...]) -> Tuple[str, ...]:
        if key in self.entries:
            return self.entries[key]
        if len(key) == 1:
            for base in _base_forms(key[0]):
                if (base,) in self.entries:
                    return self.entries[(base,)]
        return ()


def _words(text: str) -> Iterator[str]:
    folded = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).lower())
    return (match.group() for match in _WORD.finditer(folded))


def _base_forms(word: str) -> Iterator[str]:
    """Dictionary forms an inflected English word may come from (worries → worry, caring →
    care before car, stopped → stop); irregular forms are entries of their own in the glossary."""
    for suffix, replacements in (("ies", ("y",)), ("ied", ("y",)), ("es", ("e", "")), ("s", ("",)),
                                 ("ed", ("e", "")), ("ing", ("e", "")), ("ly", ("",))):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            for replacement in replacements:
                yield stem + replacement
            if len(stem) > 2 and stem[-1] == stem[-2]:
                yield stem[:-1]  # stopped → stop, running → run


@functools.lru_cache(maxsize=None)
def glossary_for(language: str) -> Glossary:
    """The language's glossary; an empty one for Japanese and for a language without a file."""
    path = GLOSSARY_FOLDER / f"{language}.tsv"
    return Glossary.read(path) if path.is_file() else Glossary({}, 0)
