import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.japanese_tokenizer import JapaneseTokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return JapaneseTokenizer(JapaneseTokenizer.get_default_config())


def tokens_of(tokenizer, text):
    return tokenizer.tokenize(Message(data={"text": text}), "text")


@pytest.mark.parametrize(
    "text",
    [
        "母が認知症で、毎日の介護に悩んでいます。",
        "ｶｲｺﾞ ﾂｶﾚﾀ ﾀﾞﾚﾓ ﾀｽｹﾃｸﾚﾅｲ",
        "８０歳の母とＡＢＣ銀行の借金",
        "つらい😢 もう無理🙏",
        "I need help with rent",
        "ははが にんちしょうで こまってます",
        "<b>家賃</b>が払えない",
    ],
)
def test_offsets_point_at_what_the_resident_wrote(tokenizer, text):
    tokens = tokens_of(tokenizer, text)
    assert tokens, text
    for token in tokens:
        assert text[token.start:token.end] == token.text
    starts = [t.start for t in tokens]
    assert starts == sorted(starts)


def test_lemma_is_the_dictionary_form(tokenizer):
    lemmas = {t.text: t.lemma for t in tokens_of(tokenizer, "将来のことで悩んでいます")}
    assert lemmas["悩ん"] == "悩む"


def test_kana_and_kanji_spellings_of_hikikomori_meet(tokenizer):
    kanji = [t.lemma for t in tokens_of(tokenizer, "兄が引きこもりです")]
    kana = [t.lemma for t in tokens_of(tokenizer, "兄がひきこもりです")]
    assert kanji == kana


def test_half_width_katakana_reads_like_ordinary_writing(tokenizer):
    half = [t.lemma for t in tokens_of(tokenizer, "ｼﾆﾀｲ")]
    assert half == ["死ぬ", "たい"]


def test_full_width_digits_become_ascii_lemmas(tokenizer):
    tokens = tokens_of(tokenizer, "８０歳")
    assert tokens[0].text == "８０" and tokens[0].lemma == "80"


def test_loanword_lemma_loses_the_english_gloss(tokenizer):
    lemmas = [t.lemma for t in tokens_of(tokenizer, "ケアマネに相談した")]
    assert "ケアマネ" in lemmas and not any("-" in lemma for lemma in lemmas)


def test_punctuation_is_not_a_token_but_emoji_are(tokenizer):
    texts = [t.text for t in tokens_of(tokenizer, "つらい。😢")]
    assert "。" not in texts and "😢" in texts


def test_emoji_only_message_keeps_one_token(tokenizer):
    tokens = tokens_of(tokenizer, "🙏")
    assert [t.text for t in tokens] == ["🙏"]


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_has_no_tokens(tokenizer, text):
    assert tokens_of(tokenizer, text) == []


def test_huge_message_is_tokenized_with_valid_offsets(tokenizer):
    text = "母の介護で疲れています。" * 5000
    tokens = tokens_of(tokenizer, text)
    assert len(tokens) > 5000
    last = tokens[-1]
    assert text[last.start:last.end] == last.text


def test_fingerprints_tell_tokens_apart_as_rasas_do(tokenizer):
    """`rasa train` keys its cache on these: two tokens share one only when Rasa's own Token
    would give them the same, and a changed token gets a new one."""
    from rasa.nlu.tokenizers.tokenizer import Token

    tokens = tokens_of(tokenizer, "母が母の家で母と話した。はは") + tokens_of(tokenizer, "母が")

    def rasas(t):
        return Token(t.text, t.start, t.end, data=dict(t.data), lemma=t.lemma).fingerprint()

    for a in tokens:
        for b in tokens:
            assert (a.fingerprint() == b.fingerprint()) == (rasas(a) == rasas(b)), (a.text, b.text)
    token = tokens[0]
    before = token.fingerprint()
    token.set("pos", "名詞 changed")
    assert token.fingerprint() != before
