"""The referral as the resident reads it: an answer that fits a phone.

The coordinating window first (with why) when worries meet, a general window standing in for a
missing one says so, the missing phones and hours told once at the top with a number from the
directory (never an invented one), and where the facts come from in one line.
"""
import re

import pytest

from bot.knowledge import current_directory
from bot.reply import referral_payload, referral_text
from bot.routing import Reason, Referral, ReferredWindow, route_concern
from bot.texts import lookup, say

DIRECTORY = current_directory()
EIGHTY_FIFTY = ["elderly", "hikikomori", "poverty"]
PHONE = re.compile(r"#?\d{2,5}-\d{1,4}-\d{3,5}|#\d{4}|\b1[01][09]\b")


def blocks(text):
    return text.split("\n\n")


def cards(text):
    return [b for b in blocks(text) if b.startswith("■")]


def known_numbers():
    numbers = {w.phone for w in DIRECTORY.by_id.values() if w.phone}
    numbers |= {m.department.phone for m in DIRECTORY.municipalities.values() if m.department.phone}
    return {found for n in numbers for found in PHONE.findall(n)}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_compound_answer_says_once_what_to_do_about_missing_phones_and_hours(language):
    text = referral_text(route_concern(DIRECTORY, EIGHTY_FIFTY, False, "eniwa"), language)
    eniwa = DIRECTORY.municipality("eniwa")
    assert eniwa.department.phone is None, "the test needs a municipality whose directory has no number"
    office = "恵庭市役所" if language == "ja" else "the 恵庭市 office"
    notice = say("notice_phone_main_office", language, main_office=office)
    assert text.count(notice) == 1
    assert text.count(say("notice_hours_all", language)) == 1
    # The notice is near the top (after the topics), before any card; no card repeats it.
    assert blocks(text).index(next(b for b in blocks(text) if b.startswith(notice))) < blocks(text).index(cards(text)[0])
    for phrase in (say("phone_missing", language), say("hours_unknown", language)):
        assert phrase not in text, "the long missing-phone / missing-hours sentences are not repeated per card"
    assert text.count(say("phone_see_notice", language)) == len(cards(text)), "each card points to the notice briefly"
    assert not set(PHONE.findall(text)), "恵庭市 has no number in the directory: none is shown"


def test_the_department_number_is_given_once_when_the_directory_has_it():
    matsudo = DIRECTORY.municipality("matsudo")
    text = referral_text(route_concern(DIRECTORY, EIGHTY_FIFTY, False, "matsudo"))
    assert text.count(matsudo.department.phone) == 1
    notice = next(b for b in blocks(text) if matsudo.department.phone in b)
    assert "\n" not in notice and "松戸市の高齢者支援課" in notice, "one line, naming the section"
    payload = referral_payload(route_concern(DIRECTORY, EIGHTY_FIFTY, False, "matsudo"))
    assert payload["notice"] == notice
    assert payload["call_instead"]["phone"] == matsudo.department.phone


def test_hours_alone_are_told_without_an_also():
    text = referral_text(route_concern(DIRECTORY, [], False, "kamogawa"))
    assert say("notice_hours_none") in text and say("notice_hours_all") not in text


def test_a_prefectural_section_is_not_presented_as_the_village_office():
    text = referral_text(route_concern(DIRECTORY, EIGHTY_FIFTY, False, "kamikoani"))
    assert "上小阿仁村の秋田県" not in text
    if any(b.startswith("電話番号が資料にない窓口は") for b in blocks(text)):
        assert "秋田県 健康福祉部 地域・家庭福祉課（018-860-1342）" in text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_coordinating_window_comes_first_and_says_why(language):
    referral = route_concern(DIRECTORY, EIGHTY_FIFTY, False, "eniwa")
    coordinator = next(r.window for r in referral.windows if r.reason == Reason.COORDINATION)
    first = cards(referral_text(referral, language))[0]
    assert first.startswith(f"■ {coordinator.name}（")
    assert say("card_why_coordination", language) in first
    payload = referral_payload(referral, language)
    assert payload["cards"][0]["id"] == coordinator.id and payload["cards"][0]["why"]
    assert [c["id"] for c in payload["cards"][1:]] == [r.window.id for r in referral.windows
                                                      if r.window.id != coordinator.id]


def test_the_household_reason_also_puts_the_coordinating_window_first():
    """A conversation that keeps the household's worries adds the window for a later turn."""
    referral = route_concern(DIRECTORY, ["hikikomori"], False, "eniwa")
    coordinator = next(w for w in DIRECTORY.municipality("eniwa").windows if w.kind == "coordination")
    household = Referral(referral.municipality, referral.domains, False,
                         referral.windows + (ReferredWindow(coordinator, "household"),))
    first = cards(referral_text(household))[0]
    assert first.startswith(f"■ {coordinator.name}") and say("card_why_household") in first


def test_a_general_window_standing_in_for_a_missing_one_says_so():
    eniwa = DIRECTORY.municipality("eniwa")
    assert not any("housing" in w.domains for w in eniwa.windows if w.kind != "coordination")
    text = referral_text(route_concern(DIRECTORY, ["housing"], False, "eniwa"))
    [card] = cards(text)
    assert say("card_stand_in", topics="「住まい」") in card
    specific = referral_text(route_concern(DIRECTORY, ["disability"], False, "eniwa"))
    assert "専用の窓口が資料にないため" not in specific
    # In a compound answer the coordinating window says both why it is first and what it stands in for.
    compound = cards(referral_text(route_concern(DIRECTORY, ["elderly", "housing"], False, "eniwa")))[0]
    assert say("card_why_coordination") in compound and say("card_stand_in", topics="「住まい」") in compound
    english = referral_text(route_concern(DIRECTORY, ["housing"], False, "eniwa"), "en")
    assert say("card_stand_in", "en", topics="housing") in english


@pytest.mark.parametrize("code, expected", [("eniwa", "令和7年度"), ("matsudo", "平成30年度"),
                                            ("kamakura", "令和6年度"), ("yonago", "令和6年")])
def test_where_the_facts_come_from_and_how_old_they_are_in_one_line(code, expected):
    text = referral_text(route_concern(DIRECTORY, EIGHTY_FIFTY, False, code))
    [line] = [b for b in blocks(text) if b.startswith("情報のもと: ")]
    assert expected in line and "\n" not in line
    english = referral_text(route_concern(DIRECTORY, EIGHTY_FIFTY, False, code), "en")
    assert sum(b.startswith("Source: ") for b in blocks(english)) == 1


def test_every_cited_document_has_a_title_and_age_in_every_language():
    cited = {w.source.rsplit(":", 1)[0] for w in DIRECTORY.by_id.values()}
    for language in ("ja", "en"):
        assert cited <= set(lookup("data_sources", language)), language


def test_each_card_has_name_phone_what_they_do_what_to_say_and_details():
    referral = route_concern(DIRECTORY, ["elderly", "housing"], False, "kamogawa")
    payload = referral_payload(referral)
    text = referral_text(referral)
    headings = [c.split("\n", 1)[0][2:] for c in cards(text)]
    assert headings == [c["heading"] for c in payload["cards"]], "the page finds each card by its heading"
    for card in payload["cards"]:
        assert card["does"] and card["say"].startswith("電話では: ") and card["details_label"]
        assert any(d.startswith("出典: ") for d in card["details"])
        assert card["phone"] or card["phone_text"] == say("phone_see_notice")
    with_phone = [c for c in payload["cards"] if c["phone"]]
    assert with_phone, "鴨川市's coordinating window has a phone"
    assert say("phone", phone=with_phone[0]["phone"]) in text


def test_the_payload_keeps_its_fields():
    referral = route_concern(DIRECTORY, EIGHTY_FIFTY, False, "eniwa")
    payload = referral_payload(referral)
    assert {"type", "municipality", "domains", "crisis", "compound", "language", "windows"} <= set(payload)
    assert [w["id"] for w in payload["windows"]] == referral.window_ids, "routing order, as the demand log has it"
    assert set(payload["windows"][0]) >= {"id", "name", "kind", "domains", "phone", "hours", "source"}


@pytest.mark.parametrize("code", sorted(DIRECTORY.municipalities))
def test_no_answer_shows_a_number_the_directory_does_not_have(code):
    numbers = known_numbers()
    for language in ("ja", "en"):
        text = referral_text(route_concern(DIRECTORY, EIGHTY_FIFTY, True, code, ["suicide_self_harm"]), language)
        assert set(PHONE.findall(text)) <= numbers
        notices = [b for b in blocks(text) if b.startswith(("電話番号が資料にない", "For a window with no phone"))]
        assert len(notices) <= 1


def test_a_crisis_answer_keeps_the_lines_first():
    text = referral_text(route_concern(DIRECTORY, ["mental_health"], True, "eniwa", ["suicide_self_harm"]))
    assert blocks(text)[0] == say("crisis_intro")
    assert blocks(text)[1].startswith("・")
