"""Training concerns rewritten as residents without kanji write them (bot/nlu/writing_variants.py)."""
import pytest
from rasa.shared.nlu.constants import METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.message_features import variant_messages
from bot.nlu.writing_variants import hiragana_form, romaji_form, writing_variant


def test_hiragana_rewriting_reads_every_word_as_the_dictionary_does():
    assert hiragana_form("母が認知症で心配です") == "ははがにんちしょうでしんぱいです"


def test_spaced_hiragana_breaks_between_phrases_as_residents_type_it():
    # Particles and endings stay with their word, a compound noun and a helping verb after て too.
    assert hiragana_form("娘が子どもを連れて出ていった", spaced=True) == "むすめが こどもを つれて でていった"
    assert hiragana_form("生活保護を受けたい", spaced=True) == "せいかつほごを うけたい"


def test_most_hiragana_rewritings_are_spaced_and_some_are_not():
    texts = [f"{n}歳の母が認知症で、介護の相談をしたいです" for n in range(60, 100)]
    hiragana = [v for v in map(writing_variant, texts) if v and not v.isascii()]
    spaced = sum(" " in v for v in hiragana)
    assert 0 < spaced < len(hiragana)
    assert spaced > len(hiragana) / 2


def test_romaji_spells_particles_as_they_sound():
    assert romaji_form("母は家へ帰る") == "haha wa ie e kaeru"


def test_family_words_are_rewritten_as_residents_say_them_not_kanji_by_kanji():
    # The dictionary reads お母さん as お + 母 (はは) + さん; residents write おかあさん.
    assert hiragana_form("お母さんとお父さんが明日来る") == "おかあさんとおとうさんがあしたくる"
    assert romaji_form("母ちゃんが心配") == "kaachan ga shinpai"


def test_romaji_keeps_a_word_and_its_endings_together_with_the_doubled_consonant():
    # 困っ + て + い + ます is typed "komatte imasu", not "koma te i masu".
    assert romaji_form("お金に困っています") == "okane ni komatte imasu"


@pytest.mark.parametrize("text", ["My mother has dementia", "ははが しんぱいです", ""])
def test_no_rewriting_without_kanji_to_take_away(text):
    assert writing_variant(text) is None


@pytest.mark.parametrize("text", ["母が認知症で心配です", "家賃が払えず退去を求められています", "息子が学校に行かない"])
def test_a_concern_with_kanji_gets_one_kanji_free_rewriting(text):
    rewritten = writing_variant(text)
    assert rewritten in (hiragana_form(text), hiragana_form(text, spaced=True), romaji_form(text))
    assert not any(0x4E00 <= ord(c) <= 0x9FFF for c in rewritten)


def test_an_example_labelled_rewrite_false_is_learned_only_as_written():
    def concern(text, **labels):
        return Message(data={TEXT: text, METADATA: {METADATA_EXAMPLE: {"domains": ["elderly"], **labels}}})

    examples = [concern("母が認知症で心配です"), concern("父の介護で仕事を辞めました", rewrite=False),
                concern("祖母が施設に入りたがっています", rewrite=True)]
    assert [index for index, _ in variant_messages(examples)] == [0, 2]
