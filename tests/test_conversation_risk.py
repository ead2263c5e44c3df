"""Danger judged on the conversation (bot/dialogue/conversation_risk.py), from parse data alone."""
from bot.dialogue.conversation_risk import CALM, CRISIS, UNCERTAIN, Turn, judge, session_turns

BANDS = {"high": 0.8, "low": 0.4, "bias": -2.0}


def turn(text, evidence=0.0, crisis=False, safety_check=False, categories=(), intent=("describe_concern", 0.9)):
    return Turn(text, {"crisis": crisis, "safety_check": safety_check, "crisis_evidence": evidence,
                       "crisis_bands": BANDS, "crisis_categories": list(categories), "entities": [],
                       "intent": {"name": intent[0], "confidence": intent[1]}})


def test_despair_told_earlier_gates_a_means_named_now():
    # Neither message alone fires a rule; together the despair gates the rope.
    earlier, now = "もう限界です。何もかも嫌になりました", "ロープはもう買ってあります"
    assert judge([turn(now, evidence=0.1)]).level == CALM
    risk = judge([turn(earlier, evidence=0.1), turn(now, evidence=0.1)])
    assert risk.level == CRISIS and risk.categories == ("suicide_self_harm",) and risk.source == "conversation"


def test_earlier_warnings_add_up_but_a_calm_message_never_cancels_them():
    warnings = [turn("a", evidence=1.8), turn("b", evidence=-4.0), turn("c", evidence=2.5)]
    assert judge(warnings[-1:]).level == UNCERTAIN  # sigmoid(-2 + 2.5) = 0.62
    assert judge([warnings[0], warnings[2]]).level == CRISIS  # sigmoid(-2 + 2.5 + 0.5 × 1.8) = 0.80
    # Two steps back the warning counts a quarter; the calm message between adds nothing, takes nothing.
    assert judge(warnings).level == UNCERTAIN  # sigmoid(-2 + 2.5 + 0.25 × 1.8) = 0.72


def test_a_thank_you_after_the_lines_is_not_a_new_alarm():
    shown = turn("もう死にたい", crisis=True, categories=["suicide_self_harm"], evidence=4.0)
    assert judge([shown, turn("ありがとう", evidence=-3.0)]).level == CALM


def test_evidence_already_asked_about_is_not_spent_twice():
    asked = turn("x", safety_check=True, evidence=4.0)
    assert judge([asked, turn("y", evidence=1.5)]).level == CALM  # sigmoid(-2 + 1.5) = 0.38 < 0.4
    assert judge([turn("x", evidence=4.0), turn("y", evidence=1.5)]).level == CRISIS  # + 0.5 × 4.0 → 0.82


def test_a_rule_hit_the_model_doubted_is_not_raised_again_by_joining():
    doubted = turn("小説の主人公が「もう死にたい」と言う場面です", safety_check=True, evidence=0.5)
    assert judge([turn("執筆が進みません", evidence=0.0), doubted]).level == UNCERTAIN


def test_the_session_restarts_the_count():
    events = [{"event": "user", "text": "もう限界", "parse_data": {"crisis_evidence": 3.0}},
              {"event": "session_started"},
              {"event": "user", "text": "こんにちは", "parse_data": {}}]
    assert [t.text for t in session_turns(events)] == ["こんにちは"]


def test_a_question_about_opening_hours_after_a_worry_is_not_a_new_warning():
    worry = turn("借金が返せなくて生活が苦しい", evidence=1.0)
    hours = turn("何時まで開いてますか", evidence=2.0, intent=("ask_contact_hours", 0.99))
    assert judge([worry, hours]).level == CALM
    unsure_words = turn("何時まで開いてますか", evidence=2.0, intent=("ask_contact_hours", 0.5))
    assert judge([worry, unsure_words]).level == UNCERTAIN  # sigmoid(-2 + 2 + 0.5) = 0.62


def test_a_greeting_before_a_calm_worry_does_not_tip_it_into_the_safety_question():
    # A greeting's few words can carry positive evidence; it says nothing about danger.
    hello = turn("Hello", evidence=1.7, intent=("greet", 0.99))
    calm = turn("My mother has dementia and I am exhausted", evidence=1.0)  # sigmoid(-1.0) = 0.27 < 0.4
    assert judge([calm]).level == CALM
    assert judge([hello, calm]).level == CALM  # counted, it would be sigmoid(-1.0 + 0.85) = 0.46
    assert judge([turn("もう限界です", evidence=1.7), calm]).level == UNCERTAIN, "a worry before still counts"


def test_a_closing_read_with_confidence_is_asked_about_not_alarmed():
    # 「きょうはもうねます」 scored over the banner line: leaving and thanking are also the words
    # of farewell notes. On the model's score alone such a closing gets the question, not the banner.
    closing = turn("きょうはもうねます", evidence=3.5, intent=("goodbye", 0.9))  # sigmoid(1.5) = 0.82
    assert judge([closing]).level == UNCERTAIN
    unsure = turn("きょうはもうねます", evidence=3.5, intent=("goodbye", 0.5))
    assert judge([unsure]).level == CRISIS
    # A rule hit still shows the lines, whatever the intent.
    ruled = turn("みんな今までありがとう。さようなら", crisis=True, categories=["suicide_self_harm"],
                 intent=("goodbye", 0.95))
    assert judge([ruled]).level == CRISIS
