"""Where the resident lives: asked by municipality_form, a place in the story only confirmed,
and the care of a parent who lives elsewhere referred to where that parent lives."""
from rasa_sdk.executor import CollectingDispatcher

from actions.municipality import ActionAskMunicipality, ActionSetMunicipality, ValidateMunicipalityForm
from actions.referral import ActionReferConcern
from bot.knowledge import current_directory
from bot.texts import say
from tests.test_actions import make_tracker, run

FORM_DOMAIN = {"forms": {"municipality_form": {"required_slots": ["municipality"]}},
               "slots": {"municipality": {"type": "text", "mappings": [{"type": "custom"}]}}}
MOTHER = [{"relation": "mother", "age_group": "older", "age_text": "80代"}, {"relation": "self", "age_group": "unknown"}]


async def validate(tracker):
    dispatcher = CollectingDispatcher()
    events = await ValidateMunicipalityForm().run(dispatcher, tracker, FORM_DOMAIN)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_a_town_in_the_story_is_confirmed_not_taken(demand_log):
    story = make_tracker("恵庭で一人暮らしです。家賃が払えなくなりそうです", domains=["housing", "poverty"])
    sent, slots = await run(ActionReferConcern(), story)
    assert slots["needs_municipality"] is True and slots["municipality_candidate"] == "eniwa"
    assert "municipality" not in slots, "a place in a story never silently becomes the resident's municipality"
    asked, _ = await run(ActionAskMunicipality(), make_tracker("", slots=slots))
    assert asked[0]["text"] == say("confirm_municipality", municipality_name="恵庭市")
    assert [b["payload"] for b in asked[0]["buttons"]] == ["/affirm", "/deny"]
    yes = await validate(make_tracker("はい", intent="affirm", slots={**slots, "requested_slot": "municipality"}))
    assert yes["municipality"] == "eniwa"


async def test_no_to_the_confirmation_asks_plainly_and_a_named_town_is_taken(demand_log):
    waiting = {"municipality_candidate": "eniwa", "requested_slot": "municipality", "pending_domains": ["housing"]}
    no = await validate(make_tracker("いいえ", intent="deny", slots=waiting))
    assert no["municipality_candidate"] is None and no["municipality"] is None
    assert "municipality_unanswered" not in no, "a no to the guess is not a refusal: asked again"
    asked, _ = await run(ActionAskMunicipality(), make_tracker("", slots={**waiting, **no}))
    assert asked[0]["text"] == say("ask_municipality")
    named = await validate(make_tracker("松戸市です", intent="inform_municipality", slots={**waiting, **no}))
    assert named["municipality"] == "matsudo"


async def test_the_form_asks_once_and_the_waiting_concern_still_gets_a_number(demand_log):
    waiting = {"requested_slot": "municipality", "pending_domains": ["housing"], "asked_municipality": True}
    answer = await validate(make_tracker("それは言いたくないです", intent="deny", slots=waiting))
    assert answer["municipality_unanswered"] is True and answer["requested_slot"] is None, "the form ends"
    sent, slots = await run(ActionSetMunicipality(), make_tracker("それは言いたくないです", intent="deny",
                                                                  slots={**waiting, **answer}))
    yorisoi = current_directory().by_id["yorisoi"]
    assert yorisoi.phone in sent[0]["text"]
    assert [e.domains for e in demand_log.events()] == [("housing",)]


async def test_the_story_is_not_asked_about_before_the_question(demand_log):
    # The form validates on activation too: the story's own place must not fill the slot then.
    story = make_tracker("恵庭で一人暮らしです。家賃が払えない", domains=["housing"],
                         slots={"municipality_candidate": "eniwa"})
    assert await validate(story) == {}


async def test_a_mother_in_sapporo_is_cared_for_by_sapporo_and_the_carer_by_eniwa(demand_log):
    tracker = make_tracker("札幌に住んでいる80代の母が最近物忘れがひどくて、通うのも疲れました",
                           domains=["elderly", "carer"], about=MOTHER, lives_in="札幌",
                           metadata={"municipality": "eniwa"})
    sent, slots = await run(ActionReferConcern(), tracker)
    assert sent[0]["text"] == say("care_where_they_live", place="札幌市")
    referrals = [m["custom"] for m in sent if m.get("custom")]
    assert [(r["municipality"], r["domains"]) for r in referrals] == [("sapporo", ["elderly"]), ("eniwa", ["carer"])]
    sapporo_ids = {w.id for w in current_directory().municipality("sapporo").windows}
    assert referrals[0]["windows"][0]["id"] in sapporo_ids
    assert slots["municipality"] == "eniwa", "the resident's own municipality is unchanged"
    [event] = demand_log.events()
    assert set(event.domains) == {"elderly", "carer"}


async def test_a_mother_in_sapporo_without_a_chosen_municipality_asks_where_the_resident_lives(demand_log):
    story = make_tracker("札幌に住んでいる母が最近物忘れがひどくて心配です", domains=["elderly"],
                         about=MOTHER[:1], lives_in="札幌")
    sent, slots = await run(ActionReferConcern(), story)
    assert slots["needs_municipality"] is True
    assert slots.get("municipality_candidate") is None, "Sapporo is where the mother lives, not a guess at the resident's"
    assert slots["cared_for_place"] == "札幌"
    answered = make_tracker("恵庭市です", intent="inform_municipality", slots={**slots, "municipality": "eniwa"})
    sent, _ = await run(ActionSetMunicipality(), answered)
    assert sent[0]["text"] == say("care_where_they_live", place="札幌市")
    assert sent[1]["custom"]["municipality"] == "sapporo"


async def test_a_parent_in_a_town_the_directory_lacks_is_named_without_inventing_windows(demand_log):
    tracker = make_tracker("大阪で一人暮らしの母の介護が心配で、私も疲れています", domains=["elderly", "carer"],
                           about=MOTHER, lives_in="大阪", metadata={"municipality": "eniwa"})
    sent, _ = await run(ActionReferConcern(), tracker)
    assert sent[0]["text"] == say("care_where_they_live_not_listed", place="大阪")
    [own] = [m["custom"] for m in sent if m.get("custom")]
    assert own["municipality"] == "eniwa" and own["domains"] == ["carer"]
