"""Whole conversations through Rasa's REST channel and the real action server."""
import json
import subprocess

import pytest

from bot.knowledge import current_directory
from bot.paths import MODEL_PATH, PROJECT_ROOT
from tests.live_servers import RASA


def texts(messages):
    return "\n".join(m.get("text", "") for m in messages)


def payload(messages, kind="referral"):
    return next(m["custom"] for m in messages if m.get("custom", {}).get("type") == kind)


def test_8050_worry_gets_every_domain_window_and_the_coordinator(live_bot):
    messages = live_bot.say("r8050", "80歳の母と無職で閉じこもっている兄、母の年金だけで暮らしています",
                            {"municipality": "eniwa"})
    referral = payload(messages)
    assert referral["municipality"] == "eniwa" and referral["compound"] is True and referral["crisis"] is False
    assert {"elderly", "hikikomori", "poverty"} <= set(referral["domains"])
    kinds = [w["kind"] for w in referral["windows"]]
    assert "community_care" in kinds and "coordination" in kinds
    for window in referral["windows"]:
        assert set(window) == {"id", "name", "kind", "domains", "phone", "hours", "source"}
    assert "地域包括支援センター" in texts(messages)
    assert messages[-1]["text"] == "ほかにも困っていることはありますか。"


def test_crisis_overrides_a_greeting_and_comes_first(live_bot):
    messages = live_bot.say("crisis1", "こんにちは。もう死にたい")
    assert "すぐにこちらへ電話" in messages[0]["text"]
    referral = payload(messages)
    assert referral["crisis"] is True
    assert referral["windows"][0]["kind"] == "crisis_line"
    assert current_directory().by_id["yorisoi"].phone in texts(messages)


def test_crisis_mid_conversation_shows_police_first(live_bot):
    live_bot.say("crisis2", "こんにちは", {"municipality": "kamakura"})
    messages = live_bot.say("crisis2", "夫に包丁を向けられています", {"municipality": "kamakura"})
    referral = payload(messages)
    assert referral["windows"][0]["id"] == "police_110"


def test_vague_concern_gets_one_question_with_buttons_then_a_referral(live_bot):
    first = live_bot.say("vague", "ちょっと困ってて", {"municipality": "yonago"})
    buttons = [b for m in first for b in m.get("buttons", [])]
    assert len(buttons) >= 8 and all(b["payload"].startswith("/describe_concern") for b in buttons)
    chosen = next(b for b in buttons if "お金" in b["title"])
    second = live_bot.say("vague", chosen["payload"], {"municipality": "yonago"})
    assert payload(second)["domains"] == ["poverty"]


def test_unknown_municipality_is_asked_once_then_typed_freely(live_bot):
    first = live_bot.say("where", "母の介護がつらくて眠れません")
    assert "市区町村" in texts(first)
    second = live_bot.say("where", "恵庭に住んでいます")
    referral = payload(second)
    assert referral["municipality"] == "eniwa" and "elderly" in referral["domains"]


def test_a_town_named_in_the_story_is_confirmed_by_the_form(live_bot):
    first = live_bot.say("confirm", "恵庭で一人暮らしをしています。家賃が払えなくなりそうです")
    assert not any(m.get("custom", {}).get("type") == "referral" for m in first), "not taken silently"
    [question] = [m for m in first if m.get("buttons")]
    assert "恵庭市" in question["text"] and [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny"]
    second = live_bot.say("confirm", "/affirm")
    assert payload(second)["municipality"] == "eniwa"


def test_no_to_the_guessed_town_asks_plainly_and_a_reply_without_a_place_ends_the_form(live_bot):
    live_bot.say("notthere", "恵庭で一人暮らしをしています。家賃が払えなくなりそうです")
    asked = texts(live_bot.say("notthere", "/deny"))
    assert "お住まいの市区町村を教えてください" in asked
    ended = texts(live_bot.say("notthere", "ちょっと言いたくないです"))
    assert current_directory().by_id["yorisoi"].phone in ended, "the waiting concern still gets a number"
    after = live_bot.say("notthere", "仕事が見つかりません")
    assert "お住まいの市区町村を教えてください" not in texts(after), "asked once"


def test_the_household_told_over_two_turns_is_offered_the_coordinator_once(live_bot):
    coordinator = "eniwa_coordinator"
    first = live_bot.say("household", "母の介護がしんどいです", {"municipality": "eniwa"})
    second = live_bot.say("household", "あと、兄が20年ひきこもっていて、それも心配です", {"municipality": "eniwa"})
    offered = [coordinator in [w["id"] for w in payload(turn)["windows"]] for turn in (first, second)]
    assert "hikikomori" in payload(second)["domains"]
    assert offered.count(True) == 1, "offered once, when the household's worries first add up"


def test_hours_and_a_human_on_request(live_bot):
    live_bot.say("hours", "借金が返せなくて生活が苦しい", {"municipality": "yonago"})
    hours = texts(live_bot.say("hours", "何時まで開いてますか", {"municipality": "yonago"}))
    assert "8:30" in hours
    human = live_bot.say("human", "人と話したいです", {"municipality": "kamogawa"})
    assert "04-7093-1200" in texts(human)
    assert payload(human, "handoff")["windows"][0]["kind"] == "coordination"


@pytest.mark.parametrize(
    "message",
    ["", "   ", "あ" * 20000, "😢😢😢", "ｶｲｺﾞ ﾂｶﾚﾀ",
     "<script>alert('x')</script>", "'; DROP TABLE users; --", "\u0000\u0007制御文字"],
)
def test_bad_input_gets_a_kind_answer(live_bot, message):
    messages = live_bot.say("bad", message, {"municipality": "eniwa"})
    reply = texts(messages)
    assert reply.strip(), "every message gets an answer"
    assert "<script>" not in reply
    assert any("\u3040" <= ch <= "\u30ff" for ch in reply), "the answer is in Japanese"


def test_english_is_answered_in_english_with_window_names_in_japanese(live_bot):
    greeting = texts(live_bot.say("english", "Hello", {"municipality": "kamogawa"}))
    assert greeting.startswith("Hello, this is 窓口ナビ")
    messages = live_bot.say("english", "Hello, I need help with my rent. I lost my job last month.",
                            {"municipality": "kamogawa"})
    referral = payload(messages)
    assert referral["language"] == "en" and "housing" in referral["domains"]
    reply = texts(messages)
    assert "Consultation windows in" in reply and "Is there anything else that worries you?" in reply
    assert any(w["name"] in reply for w in referral["windows"]), "window names as they are in Japanese"


def test_romaji_is_read_as_japanese(live_bot):
    messages = live_bot.say("romaji", "haha ga ninchishou de kaigo ga tsurai desu", {"municipality": "eniwa"})
    referral = payload(messages)
    assert referral["language"] == "ja" and "elderly" in referral["domains"]
    assert "ほかにも困っていることはありますか。" in texts(messages)


def test_a_municipal_question_outside_welfare_gets_the_office_not_a_window(live_bot):
    messages = live_bot.say("scope", "粗大ゴミの出し方を教えてください", {"municipality": "matsudo"})
    reply = texts(messages)
    assert "お答えできません" in reply
    assert not any(m.get("custom", {}).get("type") == "referral" for m in messages)


# A passive wish not to live, with no plan: one of the crisis rules' `ask` words, so the bot asks
# whatever the learned score (0.173 against a low threshold of 0.169, then 0.158 against 0.168, in two
# training runs of 2026-11-30).
UNSURE_DANGER = "生きている意味がわからない"


def test_the_safety_question_then_a_clear_no_continues_to_the_referral(live_bot):
    first = live_bot.say("safety-no", UNSURE_DANGER, {"municipality": "eniwa"})
    [question] = [m for m in first if m.get("buttons")]
    assert "死にたい" in question["text"]
    assert [b["title"] for b in question["buttons"]] == ["はい", "いいえ", "わからない"]
    second = live_bot.say("safety-no", "/deny", {"municipality": "eniwa"})
    referral = payload(second)
    assert referral["crisis"] is False and "mental_health" in referral["domains"]


def test_the_safety_question_answered_yes_gives_the_lines_first(live_bot):
    live_bot.say("safety-yes", UNSURE_DANGER, {"municipality": "eniwa"})
    second = live_bot.say("safety-yes", "はい", {"municipality": "eniwa"})
    referral = payload(second)
    assert referral["crisis"] is True and referral["windows"][0]["kind"] == "crisis_line"
    assert second[0]["text"].startswith("いま危険があるときは")


def test_the_safety_question_is_not_asked_twice_for_the_same_danger(live_bot):
    first = live_bot.say("safety-once", UNSURE_DANGER, {"municipality": "eniwa"})
    assert any(m.get("buttons") and "死にたい" in (m.get("text") or "") for m in first)
    live_bot.say("safety-once", "/deny", {"municipality": "eniwa"})
    again = live_bot.say("safety-once", UNSURE_DANGER, {"municipality": "eniwa"})
    assert not any(m.get("buttons") and "死にたい" in (m.get("text") or "") for m in again)


def test_test_stories_pass_with_rasa_test(live_bot, tmp_path):
    out = tmp_path / "results"
    result = subprocess.run(
        [RASA, "test", "core", "--model", str(MODEL_PATH), "--stories", "tests/test_stories.yml",
         "--endpoints", str(live_bot.endpoints), "--out", str(out), "--fail-on-prediction-errors"],
        cwd=PROJECT_ROOT, env=live_bot.env, capture_output=True, text=True,
    )
    failed = (out / "failed_test_stories.yml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert not failed.exists() or "story:" not in failed.read_text(encoding="utf-8")
    report = json.loads((out / "story_report.json").read_text(encoding="utf-8"))
    assert report["accuracy"] == 1.0
