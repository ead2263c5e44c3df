"""The deterministic crisis rules: variants that must fire, idioms and past events that must not."""
import pytest

from bot.nlu.crisis_rules import detect_crisis


@pytest.mark.parametrize(
    "text, category",
    [
        ("もう死にたい", "suicide_self_harm"),
        ("じさつしたい", "suicide_self_harm"),
        ("ｼﾆﾀｲ", "suicide_self_harm"),
        ("シニタイ", "suicide_self_harm"),
        ("し に た い", "suicide_self_harm"),
        ("消えたい。誰にも会いたくない", "suicide_self_harm"),
        ("消えてしまいたいって毎晩思う", "suicide_self_harm"),
        ("駅のホームから飛び降りようかと考えてしまう", "suicide_self_harm"),
        ("マンションから飛び降りたい", "suicide_self_harm"),
        ("生きていたくない", "suicide_self_harm"),
        ("いなくなりたい", "suicide_self_harm"),
        ("手首を切ってしまった", "suicide_self_harm"),
        ("薬を大量に飲んだ", "suicide_self_harm"),
        ("死んでしまいたいほど苦しい", "suicide_self_harm"),
        ("夫に包丁を向けられました", "violence_now"),
        ("今、夫に殴られています。助けて", "violence_now"),
        ("父が暴れていて怖い", "violence_now"),
        ("殺すぞと言われて家から出られない", "violence_now"),
        ("隣の家の子どもがベランダに出されたまま泣き叫んでいる", "child_danger"),
        ("お父さんに毎日なぐられる", "child_danger"),
        ("母が倒れて意識がない", "medical_emergency"),
        ("祖父が息をしていない", "medical_emergency"),
        ("血が止まらない", "medical_emergency"),
        ("いしきが ない", "medical_emergency"),
        # A ligature announced on a fixed point, with no word for death.
        ("部屋は片付けました。クローゼットのパイプにベルトをかけるつもりです", "suicide_self_harm"),
        ("鴨居にロープをかけようと思っている", "suicide_self_harm"),
        # A stroke's signs: two together, or slurred speech heard just now.
        ("父に電話したらろれつが回らなくて、右手が動かないと言っている", "medical_emergency"),
        ("さっき電話したら母のろれつが回っていない", "medical_emergency"),
        ("Her speech is slurred and one side of her mouth is drooping", "medical_emergency"),
        ("My dad's face is drooping on one side", "medical_emergency"),
        # Heavy bleeding in pregnancy; bleeding that has just started.
        ("妊娠7か月なのに出血がどんどん出てくる", "medical_emergency"),
        ("さっきから急に出血が止まらなくて", "medical_emergency"),
        ("I'm 32 weeks pregnant and suddenly bleeding heavily", "medical_emergency"),
        # A young child missing now.
        ("4歳の娘がショッピングモールでいなくなった", "child_danger"),
        ("孫がさっきから見当たらない、川が近い", "child_danger"),
        ("my son hasn't come home from school and it's dark", "child_danger"),
        ("we can't find our toddler anywhere", "child_danger"),
        # Children alone for days, counted in weekdays as neighbours count them.
        ("I think the kids upstairs have been alone since Saturday. Today is Tuesday", "child_danger"),
        ("the two children next door are on their own since friday night", "child_danger"),
        # English means beside words of despair.
        ("I can't take it anymore. I've stockpiled my meds", "suicide_self_harm"),
        ("no point now. the razor is in the bathroom by the tub", "suicide_self_harm"),
        ("I don't plan to be here by tomorrow", "suicide_self_harm"),
        ("no reason to go on. the pills are lined up on the table", "suicide_self_harm"),
        # A present that sounds settled (今は…暮らしています) closes only what came before it.
        ("3年前に仕事を辞めました。今は母の年金で暮らしています。薬を全部テーブルに並べました。もう終わりにしようと思います",
         "suicide_self_harm"),
        ("もう存在したくない", "suicide_self_harm"),
        ("今夜 しにます", "suicide_self_harm"),
        ("Today is my last day. I'm on the roof now", "suicide_self_harm"),
        ("got all my pills out, counted 52. can't do this anymore", "suicide_self_harm"),
        ("all the medicine from the hospital is on my desk, I will take all tonight", "suicide_self_harm"),
        ("gonna take all my sleeping pills tonight", "suicide_self_harm"),
        # A heart attack's signs, an unwakeable person breathing strangely, heat stroke, a threat to kill.
        ("Crushing pain in my chest and it's going into my left arm", "medical_emergency"),
        ("I shook him but he won't wake up and his breathing is noisy", "medical_emergency"),
        ("after working outside all day her skin is hot and dry", "medical_emergency"),
        # A professional's keigo: the same emergency in polite negation.
        ("ご自宅で倒れておられ、呼びかけへの反応が乏しい状態です", "medical_emergency"),
        ("訪問したところ、意識がございません", "medical_emergency"),
        # Typed in a hurry, without が.
        ("父が倒れて意識ない", "medical_emergency"),
        ("イシキ ナイ", "medical_emergency"),
        # Ending a life tonight, told with the words that also close a chat.
        ("今夜で全部終わりにします。今までお世話になりました", "suicide_self_harm"),
        # A time and a plain 死にます: said in two words, too few for the learned model to show
        # the lines on its own (bot/nlu/crisis_detector.py `model_min_words`).
        ("いまから死にます", "suicide_self_harm"),
        ("My boyfriend says he will kill me tonight", "violence_now"),
        ("he says he'll finish us once he's back", "violence_now"),
    ],
)
def test_danger_now_is_a_crisis(text, category):
    finding = detect_crisis(text)
    assert finding.is_crisis, text
    assert category in finding.categories


@pytest.mark.parametrize(
    "text",
    [
        "死ぬほど忙しい",
        "仕事が死ぬほどつらいわけじゃないけど転職したい",
        "死ぬかと思うくらい暑かった",
        "死ぬ気で働いても家賃が払えない",
        "死ぬまでに一度は旅行したい",
        "借金を消したい",
        "シミを消したい",
        "父は10年前に自殺しました。遺族の会を探しています",
        "昔、前の夫に殴られていました。今は離れて暮らしています",
        "去年母が倒れて意識がなくなり、今はリハビリ中です",
        "死にたいとは思わないけど、毎日つらい",
        "息子にはいつも助けられています",
        "殺虫剤を買いたい",
        "母の介護で疲れています",
        "カーテンレールに紐をかけて飾りをつけたい",
        "手すりにひもを結んで洗濯物を干す",
        "父は脳梗塞の後遺症でろれつが回らないので電話が苦手です",
        "妊娠中の出血について相談できるところはありますか",
        "今月は生理の出血が多くてつらい",
        "I had heavy bleeding in my last pregnancy, will it happen again?",
        "息子が家を出ていなくなったら寂しくなる",
        "my daughter hasn't come back to Japan since she married",
        "I can't find my son's health insurance card",
        "tonight I go to her house for dinner, bye!",
        "My boss will kill me if I'm late again lol",
        "Mom's going to kill me when she finds out about my grades",
        "my son won't wake up in the morning and is late for school",
        "no sweat, thanks for your help!",
        "Dad had chest pain last year and takes medicine now",
        "Can I take all my medicine at once tonight or should I space them out?",
        "The documents? I will take them all today to the office",
        "20代の頃に一度薬を飲みすぎました。今は元気に働いています。死にたい気持ちは、もうずっとありません",
        "死にたいと思っている人に声をかけるボランティアをしたい",
        # Keigo about letters and calls, not a body: no reply is not an emergency.
        "学生相談室からの連絡にもお返事がございません",
        # An attempt told as over, in English as in Japanese.
        "Three years ago I tried to end my life. I'm doing a lot better now and want a counsellor here",
        "my son said a kid threatened to kill him last week. the teachers talked to them already",
        # Awareness, not consciousness.
        "母は、だまされたという意識はありません",
        # Closing the chat for today.
        "今日はこれで終わりにします",
        "きょうは ここまでで おわりに します",
        "",
    ],
)
def test_idioms_past_events_and_ordinary_worries_are_not(text):
    assert not detect_crisis(text).is_crisis, text


def test_intent_is_never_vetoed_by_time():
    # Passive ideation that began long ago is still a risk now.
    assert detect_crisis("去年からずっと死にたいと思っている").is_crisis


@pytest.mark.parametrize("text", ["生きている意味がわからない", "いきてる いみが わからなく なってきました"])
def test_words_of_a_passive_wish_not_to_live_are_asked_about_not_alarmed(text):
    from bot.nlu.crisis_rules import load_crisis_rules

    assert load_crisis_rules().asks(text)
    assert not detect_crisis(text).is_crisis


def test_intent_told_after_an_attempt_that_was_over_still_counts():
    text = ("Two years ago I tried to end my life. I'm doing a lot better now. "
            "But today I lost my job and I will kill myself tonight.")
    assert "suicide_self_harm" in detect_crisis(text).categories


def test_a_past_sentence_does_not_hide_a_present_one():
    finding = detect_crisis("昔は殴られていた。今も殴られている")
    assert finding.categories == ("violence_now",)


def test_the_same_text_always_gives_the_same_answer():
    text = "消えたい。母の介護も仕事ももう限界"
    assert {detect_crisis(text) for _ in range(5)} == {detect_crisis(text)}


# The examples the rules were written and widened from. Later danger examples (by category,
# English, new voices) train the learned detector instead: the rules need not catch them, the
# pipeline does (tests/test_crisis_pipeline.py measures that on writers nobody here saw).
RULE_SOURCES = ("concerns_", "dialogue.yml")


@pytest.fixture(scope="module")
def trainers_examples():
    from bot.nlu.concern_labels import load_labelled_examples
    from bot.paths import PROJECT_ROOT

    return [e for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")) if path.name.startswith(RULE_SOURCES)
            and path.name != "concerns_writing_styles.yml"
            for e in load_labelled_examples(path) if e.intent == "describe_concern"]


def test_nearly_every_example_a_trainer_marked_as_danger_is_caught(trainers_examples):
    # A miss here is a resident in danger whom the floor no longer holds: a rule was narrowed.
    # The slack is for the few that no rule can read without firing on ordinary worries too
    # (a bare 「ｻﾖﾅﾗ」 is also how residents end a chat); they are printed so a trainer sees them.
    danger = [e for e in trainers_examples if e.crisis]
    assert len(danger) >= 400, "the labelled danger examples were not found"
    missed = [e.text for e in danger if not detect_crisis(e.text).is_crisis]
    assert len(missed) / len(danger) <= 0.015, f"{len(missed)}/{len(danger)} missed:\n" + "\n".join(missed)


def test_false_alarms_on_ordinary_worries_stay_rare(trainers_examples):
    # When in doubt a rule fires, so a few false alarms are the price; a widening that makes
    # the crisis lines appear on ordinary worries must not pass unnoticed.
    ordinary = [e for e in trainers_examples if not e.crisis]
    alarms = [e.text for e in ordinary if detect_crisis(e.text).is_crisis]
    assert len(alarms) / len(ordinary) <= 0.02, f"{len(alarms)}/{len(ordinary)}:\n" + "\n".join(alarms)
