"""The safety question and its answer, English answers and risk told over several messages:
the custom actions run on rasa-sdk trackers built from fixtures, as the action server gets them."""
import uuid

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.out_of_scope import ActionOutOfScope
from actions.referral import ActionReferConcern
from actions.safety import ActionAskSafety, ActionSafetyAnswer
from bot.demand import Outcome
from bot.knowledge import current_directory
from bot.texts import lookup, say

BANDS = {"high": 0.8, "low": 0.4, "bias": -2.0}


def parsed(text, intent="describe_concern", domains=(), crisis=False, categories=(), safety_check=False,
           evidence=0.0, language="ja", confidence=0.95):
    """Parse data as CrisisDetector and the rest of the pipeline leave it."""
    return {
        "text": text, "intent": {"name": intent, "confidence": confidence}, "entities": [],
        "domains": list(domains), "domain_scores": {d: 0.9 for d in domains},
        "crisis": crisis, "crisis_categories": list(categories), "safety_check": safety_check,
        "crisis_evidence": evidence, "crisis_bands": BANDS, "language": language,
        "crisis_source": "model" if crisis else None,
        "metadata": {"message_id": uuid.uuid4().hex, "municipality": "eniwa"},
    }


def conversation(*turns, slots=None, last_action="action_listen"):
    """A tracker whose events hold every resident turn so far (the last one is the latest)."""
    events = []
    for parse in turns:
        events += [{"event": "action", "name": "action_listen"},
                   {"event": "user", "text": parse["text"], "parse_data": parse, "metadata": parse["metadata"]}]
    return Tracker("resident-1", dict(slots or {}), turns[-1], events, False, None, {}, last_action)


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_an_uncertain_message_gets_one_plain_safety_question_with_three_buttons(demand_log):
    tracker = conversation(parsed("もう何もかも終わりにしたい気分", domains=["mental_health"], safety_check=True,
                                  categories=["suicide_self_harm"], evidence=1.0))
    sent, slots = await run(ActionAskSafety(), tracker)
    assert sent[0]["text"].startswith(lookup("safety_question")["suicide_self_harm"])
    assert "死にたい" in sent[0]["text"], "the question names suicide plainly"
    assert [b["payload"] for b in sent[0]["buttons"]] == ["/affirm", "/deny", "/unsure"]
    assert slots["safety_pending_domains"] == ["mental_health"]
    assert slots["danger_addressed"] == ["suicide_self_harm"]
    assert demand_log.events() == [], "a question is not yet a handled concern"


@pytest.mark.parametrize("answer", [
    parsed("/affirm", intent="affirm"),
    parsed("/unsure", intent="unsure"),
    parsed("はい。もう薬も手元にあります", intent="affirm"),
    parsed("どうかな、自分でもよくわからない", intent="unsure"),
    parsed("いいえ…でも今夜はひとりになりたくない", intent="deny", confidence=0.5),
])
async def test_anything_but_a_clear_no_gives_the_crisis_lines_first(demand_log, answer):
    question = parsed("もう何もかも終わりにしたい気分", domains=["mental_health"], safety_check=True,
                      categories=["suicide_self_harm"], evidence=1.0)
    slots = {"safety_pending_domains": ["mental_health"], "safety_categories": ["suicide_self_harm"],
             "danger_addressed": ["suicide_self_harm"], "municipality": "eniwa"}
    sent, new_slots = await run(ActionSafetyAnswer(), conversation(question, answer, slots=slots))
    referral = sent[0]["custom"]
    assert referral["crisis"] is True and referral["windows"][0]["kind"] == "crisis_line"
    assert sent[0]["text"].startswith(say("crisis_intro"))
    assert "mental_health" in referral["domains"]
    assert new_slots["safety_pending_domains"] is None
    [event] = demand_log.events()
    assert event.outcome == Outcome.CRISIS


async def test_a_clear_no_continues_to_the_referral_of_the_concern(demand_log):
    question = parsed("仕事も家もなくして、もう疲れた", domains=["employment", "housing"], safety_check=True,
                      categories=["suicide_self_harm"], evidence=1.0)
    slots = {"safety_pending_domains": ["employment", "housing"], "safety_categories": ["suicide_self_harm"],
             "municipality": "eniwa"}
    sent, _ = await run(ActionSafetyAnswer(), conversation(question, parsed("/deny", intent="deny"), slots=slots))
    assert sent[0]["text"] == say("safety_thanks_no")
    referral = sent[1]["custom"]
    assert referral["crisis"] is False and set(referral["domains"]) == {"employment", "housing"}
    assert not any(w["kind"] == "crisis_line" for w in referral["windows"])
    assert [e.outcome for e in demand_log.events()] == [Outcome.REFERRED]


async def test_danger_told_over_three_messages_gets_the_lines_on_the_last(demand_log):
    turns = [
        parsed("借金が膨らんで、督促の電話が毎日来ます", domains=["poverty"], evidence=0.4),
        parsed("誰にも相談できず、もう疲れ果てました", domains=["mental_health"], evidence=1.6),
        # Alone this message would only be uncertain (-2.0 + 2.5 → 0.62 < high 0.8).
        parsed("あれはもう用意してあります", domains=["mental_health"], evidence=2.5),
    ]
    sent, slots = await run(ActionReferConcern(), conversation(*turns))
    referral = sent[0]["custom"]
    assert referral["crisis"] is True, "evidence from earlier messages adds up to crisis"
    assert referral["windows"][0]["kind"] == "crisis_line"
    assert slots["danger_addressed"] == ["suicide_self_harm"]


async def test_the_last_message_alone_would_only_be_uncertain(demand_log):
    alone = parsed("あれはもう用意してあります", domains=["mental_health"], evidence=2.5)
    sent, _ = await run(ActionReferConcern(), conversation(alone))
    assert sent[0]["custom"]["crisis"] is False


async def test_the_same_three_messages_without_the_last_are_not_a_crisis(demand_log):
    turns = [
        parsed("借金が膨らんで、督促の電話が毎日来ます", domains=["poverty"], evidence=0.4),
        parsed("母の介護もあって仕事を辞めました", domains=["elderly", "employment"], evidence=-0.5),
    ]
    sent, _ = await run(ActionReferConcern(), conversation(*turns))
    assert sent[0]["custom"]["crisis"] is False


async def test_english_referral_keeps_window_names_in_japanese_and_explains_in_english(demand_log):
    tracker = conversation(parsed("My mother has dementia and I had to quit my job to look after her",
                                  domains=["elderly", "carer", "employment"], language="en"))
    sent, _ = await run(ActionReferConcern(), tracker)
    text = sent[0]["text"]
    assert "Consultation windows in" in text
    assert "Phone:" in text or "No phone number" in text
    assert "community comprehensive care centre" in text
    eniwa_names = [w.name for w in current_directory().municipality("eniwa").windows]
    assert any(name in text for name in eniwa_names), "window names stay in Japanese"
    assert sent[0]["custom"]["language"] == "en"
    assert sent[-1]["text"] == say("anything_else", "en")


async def test_english_safety_question_is_in_english(demand_log):
    tracker = conversation(parsed("I can't do this anymore. I have been saving my pills.",
                                  domains=["mental_health"], safety_check=True,
                                  categories=["suicide_self_harm"], evidence=1.0, language="en"))
    sent, _ = await run(ActionAskSafety(), tracker)
    assert "killing yourself" in sent[0]["text"]
    assert [b["title"] for b in sent[0]["buttons"]] == ["Yes", "No", "I'm not sure"]


async def test_a_mental_health_referral_offers_the_national_consultation_lines(demand_log):
    sent, _ = await run(ActionReferConcern(), conversation(parsed("眠れない日が続いて気分が落ち込む",
                                                                  domains=["mental_health"])))
    ids = [w["id"] for w in sent[0]["custom"]["windows"]]
    assert "kokoro_unified" in ids and "yorisoi" in ids
    assert sent[0]["custom"]["crisis"] is False
    assert not sent[0]["text"].startswith(say("crisis_intro")), "offered as options, not as an emergency"
    assert say("national_lines_heading") in sent[0]["text"]


async def test_a_municipal_question_outside_welfare_points_to_the_office_and_counts_as_out_of_scope(demand_log):
    tracker = conversation(parsed("粗大ゴミの出し方を教えてください", intent="out_of_scope"))
    sent, _ = await run(ActionOutOfScope(), tracker)
    department = current_directory().municipality("eniwa").department
    assert say("out_of_scope") in sent[0]["text"]
    assert department.name in sent[0]["text"] if department.phone else "代表電話" in sent[0]["text"]
    [event] = demand_log.events()
    assert event.outcome == Outcome.OUT_OF_SCOPE and event.domains == ()
