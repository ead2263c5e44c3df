"""The custom actions, run directly on rasa-sdk trackers built from fixtures (no Rasa server).

What a resident reads after each kind of turn, which slots the conversation keeps, and the
one anonymous demand event each concern leaves behind.
"""
import re
import uuid

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import ActionContactHours, ActionHumanHandoff
from actions.municipality import ActionSetMunicipality
from actions.out_of_scope import ActionOutOfScope
from actions.referral import ActionReferConcern
from bot.texts import say
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.routing import coordinating_window

def national_fallback(key):
    """A sentence naming the national line, with the line's facts read from the directory."""
    line = current_directory().by_id["yorisoi"]
    return say(key, fallback_name=line.name, fallback_phone=line.phone, fallback_hours=line.hours)


EIGHTY_FIFTY = "80歳の母と無職で閉じこもっている兄、母の年金だけで暮らしている"


def make_tracker(text="", intent="describe_concern", domains=(), crisis=False, crisis_categories=(),
                 slots=None, metadata=None, entities=(), about=(), lives_in=None, sender="resident-1"):
    """A tracker as the action server receives it after one parsed resident message."""
    latest = {
        "about": list(about),
        "lives_in": lives_in,
        "text": text,
        "intent": {"name": intent, "confidence": 0.97},
        "entities": list(entities),
        "domains": list(domains),
        "domain_scores": {d: 0.9 for d in domains},
        "crisis": crisis,
        "crisis_categories": list(crisis_categories),
        "metadata": {"message_id": uuid.uuid4().hex, **(metadata or {})},
    }
    events = [{"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "parse_data": latest, "metadata": latest["metadata"]}]
    return Tracker(sender, dict(slots or {}), latest, events, False, None, {}, "action_listen")


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_the_8050_worry_gets_a_window_per_domain_and_the_coordinator(demand_log):
    tracker = make_tracker(EIGHTY_FIFTY, domains=["elderly", "hikikomori", "poverty"],
                           metadata={"municipality": "eniwa", "channel": "web"})
    sent, slots = await run(ActionReferConcern(), tracker)
    referral = sent[0]["custom"]
    assert referral["type"] == "referral" and referral["municipality"] == "eniwa"
    assert set(referral["domains"]) == {"elderly", "hikikomori", "poverty"}
    coordinator = coordinating_window(current_directory().municipality("eniwa"), current_directory().routing)
    assert coordinator.name in sent[0]["text"]
    assert sent[-1]["text"] == say("anything_else")
    assert slots["municipality"] == "eniwa" and coordinator.id in slots["last_windows"]
    [event] = demand_log.events()
    assert event.outcome == Outcome.REFERRED and set(event.domains) == {"elderly", "hikikomori", "poverty"}
    assert event.channel == "web" and event.compound


async def test_danger_comes_first_even_before_asking_where_the_resident_lives(demand_log):
    tracker = make_tracker("もう消えたい。今夜終わりにする", domains=["mental_health"], crisis=True,
                           crisis_categories=["suicide_self_harm"])
    sent, slots = await run(ActionReferConcern(), tracker)
    assert current_directory().by_id["yorisoi"].phone in sent[0]["text"], "a national line in the very first answer"
    assert sent[0]["custom"]["crisis"] is True
    assert slots["needs_municipality"] is True, "where they live is asked after the lines, by the form"
    assert slots["pending_domains"] == ["mental_health"] and slots["pending_counted"] is True
    [event] = demand_log.events()
    assert event.outcome == Outcome.CRISIS and event.crisis


async def test_a_vague_worry_gets_one_question_with_a_button_per_domain(demand_log):
    sent, slots = await run(ActionReferConcern(), make_tracker("ちょっと困ってて", metadata={"municipality": "eniwa"}))
    assert sent[0]["text"] == say("clarify_concern")
    payloads = [b["payload"] for b in sent[0]["buttons"]]
    assert '/describe_concern{"chosen_domain":"elderly"}' in payloads
    assert slots == {"clarified": True}
    assert [e.outcome for e in demand_log.events()] == [Outcome.CLARIFIED]


async def test_a_chosen_button_is_referred_but_an_invented_domain_is_not(demand_log):
    chosen = make_tracker('/describe_concern{"chosen_domain":"housing"}', slots={"clarified": True},
                          metadata={"municipality": "eniwa"},
                          entities=[{"entity": "chosen_domain", "value": "housing"}])
    sent, _ = await run(ActionReferConcern(), chosen)
    assert sent[0]["custom"]["domains"] == ["housing"]
    invented = make_tracker('/describe_concern{"chosen_domain":"x"}', metadata={"municipality": "eniwa"},
                            entities=[{"entity": "chosen_domain", "value": "x"}])
    sent, _ = await run(ActionReferConcern(), invented)
    assert sent[0]["text"] == say("clarify_concern")


async def test_without_a_municipality_the_form_asks_once_then_says_where_to_call(demand_log):
    first, slots = await run(ActionReferConcern(), make_tracker("家賃が払えない", domains=["housing", "poverty"]))
    assert first == [] and slots["needs_municipality"] is True
    assert slots["pending_domains"] == ["housing", "poverty"]
    assert demand_log.events() == [], "nothing is counted until the concern is answered"
    again, _ = await run(ActionReferConcern(), make_tracker("ちょっと言えない", domains=["housing"],
                                                             slots={"asked_municipality": True}))
    assert again[0]["text"] == national_fallback("municipality_unknown")
    assert [e.municipality for e in demand_log.events()] == [None]


async def test_naming_the_town_refers_the_waiting_concern(demand_log):
    tracker = make_tracker("恵庭市に住んでいます", intent="inform_municipality",
                           slots={"pending_domains": ["housing", "poverty"], "asked_municipality": True})
    sent, slots = await run(ActionSetMunicipality(), tracker)
    assert set(sent[0]["custom"]["domains"]) == {"housing", "poverty"}
    assert slots["municipality"] == "eniwa" and slots["pending_domains"] is None
    nowhere, slots = await run(ActionSetMunicipality(), make_tracker("アトランティスに住んでいます", intent="inform_municipality"))
    assert nowhere[0]["text"] == national_fallback("municipality_unknown")


async def test_contact_hours_are_those_of_the_windows_just_given(demand_log):
    directory = current_directory()
    window = coordinating_window(directory.municipality("yonago"), directory.routing)
    sent, _ = await run(ActionContactHours(), make_tracker("何時まで？", intent="ask_contact_hours",
                                                            slots={"municipality": "yonago", "last_windows": [window.id]}))
    assert window.name in sent[0]["text"]
    unknown, _ = await run(ActionContactHours(), make_tracker("何時まで？", intent="ask_contact_hours"))
    assert unknown[0]["text"] == say("contact_hours_unknown")


async def test_asking_for_a_person_gives_the_coordinating_window_phone(demand_log):
    municipality = current_directory().municipality("matsudo")
    window = coordinating_window(municipality, current_directory().routing)
    sent, _ = await run(ActionHumanHandoff(), make_tracker("人と話したい", intent="ask_human", slots={"municipality": "matsudo"}))
    assert sent[0]["custom"]["type"] == "handoff" and window.name in sent[0]["text"]
    assert municipality.department.phone in sent[0]["text"], "the seeds give 松戸市's department phone"
    assert [e.outcome for e in demand_log.events()] == [Outcome.HANDOFF]
    # 恵庭市's seed gives no phone: the resident is told how to reach the window instead of a made-up number.
    eniwa, _ = await run(ActionHumanHandoff(), make_tracker("人と話したい", intent="ask_human", slots={"municipality": "eniwa"}))
    assert "代表電話" in eniwa[0]["text"]
    nowhere, _ = await run(ActionHumanHandoff(), make_tracker("人と話したい", intent="ask_human"))
    assert nowhere[0]["text"] == national_fallback("human_without_municipality")


async def test_asking_for_a_person_where_the_coordinating_window_has_no_phone(demand_log):
    directory = current_directory()
    eniwa = directory.municipality("eniwa")
    window = coordinating_window(eniwa, directory.routing)
    assert window.phone is None and eniwa.department.phone is None, "neither is in 恵庭市's seed"
    line = directory.by_id["yorisoi"]
    for language in ("ja", "en"):
        sent, _ = await run(ActionHumanHandoff(), make_tracker("人と話したい", intent="ask_human",
                                                                slots={"municipality": "eniwa", "language": language}))
        text = sent[0]["text"]
        assert window.name in text
        assert text.endswith(line.phone), "the answer ends with a number to call"
        assert sent[0]["custom"]["call"] == {"name": line.name, "phone": line.phone, "source": "national_line"}
    assert "窓口ナビの資料には" in text or "Our sources have neither" in text
    japanese, _ = await run(ActionHumanHandoff(), make_tracker("人と話したい", intent="ask_human",
                                                               slots={"municipality": "eniwa"}))
    assert "窓口ナビの資料には、この窓口の電話番号も恵庭市の担当課の電話番号もありません" in japanese[0]["text"], \
        "it says plainly why a national line"
    assert "恵庭市役所の代表電話" in japanese[0]["text"]
    # 松戸市's coordinating window has no phone either, but its department has one: that number.
    matsudo = directory.municipality("matsudo")
    assert coordinating_window(matsudo, directory.routing).phone is None
    sent, _ = await run(ActionHumanHandoff(), make_tracker("人と話したい", intent="ask_human", slots={"municipality": "matsudo"}))
    assert sent[0]["text"].endswith(matsudo.department.phone)
    assert sent[0]["custom"]["call"]["source"] == "department"
    assert [e.outcome for e in demand_log.events()] == [Outcome.HANDOFF] * 4


@pytest.mark.parametrize("code", sorted(current_directory().municipalities))
async def test_asking_for_a_person_always_ends_with_a_number_from_the_directory(code, demand_log):
    directory = current_directory()
    municipality = directory.municipality(code)
    window = coordinating_window(municipality, directory.routing)
    sent, _ = await run(ActionHumanHandoff(), make_tracker("人と話したい", intent="ask_human", slots={"municipality": code}))
    text, call = sent[0]["text"], sent[0]["custom"]["call"]
    assert text.endswith(call["phone"])
    expected = window.phone or municipality.department.phone or directory.by_id["yorisoi"].phone
    assert call["phone"] == expected
    if municipality.name != municipality.prefecture:
        assert f"{municipality.name}の「{municipality.prefecture}" not in text, "a prefecture's section is not the town's"


async def test_out_of_scope_answers_kindly_with_a_phone(demand_log):
    sent, _ = await run(ActionOutOfScope(), make_tracker("住民票はどこで取れますか", intent="out_of_scope"))
    assert say("out_of_scope_contact_no_phone") in sent[0]["text"]
    local, _ = await run(ActionOutOfScope(), make_tracker("住民票はどこで取れますか", intent="out_of_scope",
                                                          slots={"municipality": "matsudo"}))
    assert current_directory().municipality("matsudo").department.phone in local[0]["text"]
    english, _ = await run(ActionOutOfScope(), make_tracker("What is the weather?", intent="out_of_scope",
                                                            slots={"language": "en"}))
    assert english[0]["text"].startswith("Sorry, I can only guide you")
    assert [e.outcome for e in demand_log.events()] == [Outcome.OUT_OF_SCOPE] * 3


async def test_a_message_handled_twice_is_counted_once(demand_log):
    # nginx resends a message whose replica died mid-answer: same message id, one event.
    metadata = {"municipality": "eniwa", "message_id": uuid.uuid4().hex}
    for _ in range(2):
        await run(ActionReferConcern(), make_tracker("借金が返せない", domains=["poverty"], metadata=metadata))
    assert len(demand_log.events()) == 1
    await run(ActionReferConcern(), make_tracker("借金が返せない", domains=["poverty"], metadata={"municipality": "eniwa"},
                                                 sender="resident-2"))
    assert len(demand_log.events()) == 2, "another household is another event even with the same words"


async def test_no_event_holds_the_message_id(demand_log):
    message_id = uuid.uuid4().hex
    await run(ActionReferConcern(), make_tracker("借金が返せない", domains=["poverty"],
                                                 metadata={"municipality": "eniwa", "message_id": message_id}))
    [event] = demand_log.events()
    assert message_id not in event.id, "the demand log cannot be joined to the tracker"


ADULT_CARER = [{"relation": "mother", "age_group": "older"}, {"relation": "self", "age_group": "adult"}]
YOUNG_CARER = [{"relation": "grandparent", "age_group": "older"}, {"relation": "self", "age_group": "child"}]


async def test_an_adult_carer_is_not_sent_to_the_young_carers_cafe(demand_log):
    sent, _ = await run(ActionReferConcern(), make_tracker(
        "母の介護がしんどいです", domains=["carer"], about=ADULT_CARER, metadata={"municipality": "eniwa"}))
    ids = [w["id"] for w in sent[0]["custom"]["windows"]]
    assert "eniwa_young_carer_cafe" not in ids
    assert current_directory().by_id[ids[0]].kind == "community_care"


async def test_a_pupil_caring_for_a_grandparent_is_offered_the_young_carers_cafe(demand_log):
    sent, _ = await run(ActionReferConcern(), make_tracker(
        "中学生です。毎日おばあちゃんの世話をしていて部活に行けません", domains=["carer"], about=YOUNG_CARER,
        metadata={"municipality": "eniwa"}))
    assert sent[0]["custom"]["windows"][0]["id"] == "eniwa_young_carer_cafe"
