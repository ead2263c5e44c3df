"""Nothing personal reaches disk: a conversation with a name, a phone number and an address,
then every file the system wrote is searched for them."""
import pytest

from bot.paths import MODELS_DIR, PROJECT_ROOT
from bot.privacy.redactor import redact

NAME = "山田花子"
PHONE = "090-4321-8765"
ADDRESS = "恵庭市京町3丁目7番12号"
SECRETS = [NAME, PHONE, "09043218765", "4321-8765", ADDRESS, "京町3丁目"]


def files_under(*roots):
    for root in roots:
        if root.exists():
            yield from (p for p in root.rglob("*") if p.is_file())


def test_no_personal_detail_is_written_anywhere(live_bot):
    sender = "privacy-check"
    live_bot.say(sender, f"{NAME}といいます。{ADDRESS}に住んでいて、母の介護で困っています。電話は{PHONE}です",
                 {"municipality": "eniwa"})
    live_bot.say(sender, f"連絡先は{PHONE}、{NAME}です。人と話したい", {"municipality": "eniwa"})
    live_bot.say(sender, f"{NAME}", {"municipality": "eniwa"})
    written = list(files_under(live_bot.workdir, MODELS_DIR, PROJECT_ROOT / "var"))
    assert any(p.suffix == ".sqlite3" for p in written), "the demand log was written"
    assert any(p.name == "rasa.log" for p in written)
    for path in written:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode("utf-8") not in data, f"{secret} found in {path}"


@pytest.mark.parametrize("text, kept, gone", [
    ("田中花子です。電話は０９０－１２３４－５６７８", "です", ["田中", "花子", "１２３４"]),
    ("連絡先: hanako.tanaka@example.jp", "連絡先", ["hanako", "example"]),
    ("〒061-1444 恵庭市京町1丁目2番3号に住んでいます", "に住んでいます", ["061-1444", "京町1丁目", "3号"]),
    ("マイナンバーは1234 5678 9012です", "マイナンバーは", ["1234 5678 9012"]),
    ("恵庭市黄金南3-2-1のアパートで一人暮らし", "のアパートで一人暮らし", ["3-2-1"]),
    ("(0123)33-3131に電話しました", "に電話しました", ["33-3131"]),
    ("ｶﾞｲｺｸｼﾞﾝ ﾃﾞｽ 080 1111 2222", "ﾃﾞｽ", ["1111"]),
])
def test_redactor_removes_identifying_details_and_keeps_the_worry(text, kept, gone):
    redacted = redact(text).text
    assert kept in redacted
    for piece in gone:
        assert piece not in redacted


def test_redactor_leaves_an_ordinary_worry_alone():
    text = "80歳の母と3人暮らしで、介護と仕事の両立がつらいです"
    assert redact(text).text == text


def test_log_guard_keeps_resident_words_out_of_other_packages_lines(caplog):
    """Rasa and its libraries log through `logging` and structlog; the guard (installed by the
    REST channel and the action server) withholds what could quote a resident."""
    import logging

    import structlog

    from bot.privacy.log_guard import install_log_guard, redact_event, remember_resident_text

    install_log_guard()
    words = "母の秘密の相談をここに書いています"
    remember_resident_text(words)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.processor").debug("Received user message '%s'", words)
        logging.getLogger("sanic.error").error("handler failed on %s", words)
        logging.getLogger("sanic.error").error("a plain failure")
        logging.getLogger("bot.web.server").warning("chat relay failed: %s", "TimeoutError")
    rendered = "\n".join(record.getMessage() for record in caplog.records)
    assert words not in rendered
    assert "a plain failure" in rendered and "chat relay failed: TimeoutError" in rendered
    event = redact_event(None, "debug", {"event": "processor.message.parse", "parse_data_text": words,
                                         "parse_data_entities": [{"value": words}], "confidence": 0.9})
    assert event == {"event": "processor.message.parse", "parse_data_text": "[redacted]",
                     "parse_data_entities": "[redacted]", "confidence": 0.9}
    assert redact_event in structlog.get_config()["processors"]
