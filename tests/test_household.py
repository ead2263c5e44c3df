"""The household across turns: worries told one by one add up, the coordinating window is
offered once saying why, and the demand log keeps one event per household."""
from actions.referral import ActionReferConcern
from bot.knowledge import current_directory
from bot.routing import coordinating_window
from bot.texts import say
from tests.test_actions import make_tracker, run

ENIWA = {"municipality": "eniwa", "channel": "web"}


def coordinator_id():
    directory = current_directory()
    return coordinating_window(directory.municipality("eniwa"), directory.routing).id


async def test_the_8050_household_told_over_three_turns(demand_log):
    first, slots = await run(ActionReferConcern(), make_tracker("母の介護がしんどいです", domains=["elderly"], metadata=ENIWA))
    assert coordinator_id() not in first[0]["custom"]["windows"][0]["id"]
    assert slots["household_domains"] == ["elderly"] and slots["coordination_offered"] is False

    second, slots = await run(ActionReferConcern(), make_tracker(
        "あと、兄が20年ひきこもっていて、それも心配です", domains=["hikikomori"], metadata=ENIWA, slots=slots))
    assert say("card_why_household") in second[0]["text"], "the coordinating window comes with why"
    assert coordinator_id() in [w["id"] for w in second[0]["custom"]["windows"]]
    assert slots["household_domains"] == ["elderly", "hikikomori"] and slots["coordination_offered"] is True

    third, slots = await run(ActionReferConcern(), make_tracker(
        "母の年金だけで生活費も足りません", domains=["poverty"], metadata=ENIWA, slots=slots))
    assert coordinator_id() not in [w["id"] for w in third[0]["custom"]["windows"]], "offered once"
    assert say("card_why_household") not in third[0]["text"]

    [household] = demand_log.events()
    assert set(household.domains) == {"elderly", "hikikomori", "poverty"} and household.compound
    assert coordinator_id() in household.window_ids


async def test_two_households_are_two_events_and_a_single_worry_is_not_compound(demand_log):
    await run(ActionReferConcern(), make_tracker("母の介護がしんどいです", domains=["elderly"], metadata=ENIWA))
    await run(ActionReferConcern(), make_tracker("仕事が見つかりません", domains=["employment"], metadata=ENIWA,
                                                 sender="resident-2"))
    events = demand_log.events()
    assert len(events) == 2 and not any(e.compound for e in events)


async def test_a_compound_first_message_is_not_offered_the_coordinator_again(demand_log):
    _, slots = await run(ActionReferConcern(), make_tracker(
        "80歳の母と無職で閉じこもっている兄", domains=["elderly", "hikikomori"], metadata=ENIWA))
    assert slots["coordination_offered"] is True
    again, _ = await run(ActionReferConcern(), make_tracker("弟に発達の障がいがあります", domains=["disability"],
                                                            metadata=ENIWA, slots=slots))
    assert coordinator_id() not in [w["id"] for w in again[0]["custom"]["windows"]]
