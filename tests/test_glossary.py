"""The glossaries that let a message in another language be read with Japanese words."""
from pathlib import Path

import pytest

from bot.nlu.glossary import Glossary, glossary_for


@pytest.fixture
def tiny(tmp_path: Path) -> Glossary:
    path = tmp_path / "xx.tsv"
    path.write_text("care\t介護\nnursing home\t老人ホーム\nnursing\t看護\nworry\t心配\ncant\tできない\n"
                    "car\t車\nstop\t止める\n", encoding="utf-8")
    return Glossary.read(path)


def test_the_longest_phrase_wins_over_its_first_word(tiny):
    assert tiny.japanese_words("Mum moved to a Nursing Home") == ["老人ホーム"]
    assert tiny.japanese_words("nursing school") == ["看護"]


def test_inflected_words_find_their_dictionary_form(tiny):
    assert tiny.japanese_words("caring, worries, worried, stopped") == ["介護", "心配", "心配", "止める"]


def test_apostrophes_and_full_width_letters_do_not_hide_a_word(tiny):
    assert tiny.japanese_words("I can’t ＳＴＯＰ") == ["できない", "止める"]


def test_words_without_an_entry_add_nothing(tiny):
    assert tiny.japanese_words("hello there") == []
    assert tiny.japanese_words("母の介護") == []


def test_a_language_without_a_file_has_an_empty_glossary():
    assert glossary_for("ja").japanese_words("dementia") == []
    assert glossary_for("zz").japanese_words("dementia") == []


@pytest.mark.parametrize("text, expected", [
    ("My mother has dementia", "認知症"),
    ("We are behind on rent", "家賃"),
    ("my son is being bullied at school", "いじめ"),
    ("I lost my job", "仕事"),
    ("my husband hits me", "暴力"),
])
def test_the_english_glossary_knows_the_words_residents_use(text, expected):
    assert expected in glossary_for("en").japanese_words(text)
