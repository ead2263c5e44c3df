"""The demand log after scripted conversations through the REST channel: exactly the expected
events (one per household's concern, one per other outcome), in SQLite and in PostgreSQL, and nothing in its schema that can hold free text."""
from collections import Counter

import pytest
from sqlalchemy import Boolean, DateTime, Enum, Integer, String

from bot.demand import DemandLog
from bot.demand.event import Channel, ConfidenceBand, DemandEvent, Outcome
from bot.demand.schema import metadata
from bot.texts import say
from tests.live_servers import LiveBot

OUT_OF_SCOPE_MARK = say("out_of_scope")

# Twenty conversations: (municipality metadata or None, messages in order).
CONVERSATIONS = [
    ("eniwa", ["80歳の母と無職で閉じこもっている兄、母の年金だけで暮らしています"]),
    ("eniwa", ["こんにちは", "母が認知症で介護に疲れました", "いいえ"]),
    # One household telling two worries: one event with both domains.
    ("eniwa", ["母の介護がしんどいです", "あと、兄が20年ひきこもっていて、それも心配です"]),
    ("yonago", ["借金が返せなくて生活が苦しい", "何時まで開いていますか"]),
    ("kamakura", ["子どもが学校に行けなくなりました"]),
    ("sapporo", ["仕事をクビになって家賃が払えません"]),
    ("kushiro", ["障害者手帳の申請について知りたい"]),
    ("kamogawa", ["人と話したいです"]),
    ("tochigi", ["相談員さんと電話で話したい"]),
    ("eniwa", ["Hello", "I lost my job and cannot pay my rent this month"]),
    ("yonago", ["今日の天気はどうですか"]),
    ("kamakura", ["ピザを注文したい"]),
    ("eniwa", ["ちょっと困ってて", '/describe_concern{"chosen_domain":"poverty"}']),
    ("hokuei", ["相談したいことがあります", '/describe_concern{"chosen_domain":"elderly"}']),
    (None, ["夫の暴力から逃げたい", "鎌倉市に住んでいます"]),
    (None, ["もう死にたい"]),
    ("chiba", ["夫に包丁を向けられています"]),
    ("eniwa", ["ありがとう"]),
    ("matsudo", ["こんにちは"]),
    ("setagaya", ["ひとり暮らしで話し相手がいなくて寂しい"]),
    ("fujisawa", ["息子が10年ひきこもっていて、親も年金暮らしで将来が不安です"]),
]


def expected_events(replies, municipality):
    """What the log must hold, read from what the resident saw."""
    events = []
    for messages in replies:
        custom = [m["custom"] for m in messages if "custom" in m]
        referral = next((c for c in custom if c.get("type") == "referral"), None)
        if referral:
            outcome = "crisis" if referral["crisis"] else "referred"
            events.append((outcome, referral["municipality"], tuple(sorted(referral["domains"])),
                           tuple(w["id"] for w in referral["windows"])))
        elif any(c.get("type") == "handoff" for c in custom):
            handoff = next(c for c in custom if c.get("type") == "handoff")
            events.append(("handoff", handoff["municipality"], (), tuple(w["id"] for w in handoff["windows"])))
        elif any(c.get("type") == "safety_check" for c in custom):
            continue  # the safety question is asked before a concern is counted
        elif any(m.get("buttons") for m in messages):
            events.append(("clarified", municipality, (), ()))
        elif any(OUT_OF_SCOPE_MARK in m.get("text", "") for m in messages):
            events.append(("out_of_scope", municipality, (), ()))
    return events


def one_per_household(events):
    """A conversation's referred and crisis concerns are one event with everything heard."""
    concerns = [e for e in events if e[0] in ("referred", "crisis")]
    if not concerns:
        return events
    outcome = "crisis" if any(e[0] == "crisis" for e in concerns) else "referred"
    municipality = next((e[1] for e in concerns if e[1]), None)
    domains = tuple(sorted({d for e in concerns for d in e[2]}))
    windows = tuple(dict.fromkeys(w for e in concerns for w in e[3]))
    return [e for e in events if e[0] not in ("referred", "crisis")] + [(outcome, municipality, domains, windows)]


def run_script(bot):
    expected = []
    for number, (municipality, messages) in enumerate(CONVERSATIONS):
        metadata = {"municipality": municipality} if municipality else None
        replies = [bot.say(f"script-{number}", message, metadata) for message in messages]
        expected += one_per_household(expected_events(replies, municipality))
    return expected


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bot_and_log(request, trained_model, tmp_path_factory):
    server = None
    workdir = tmp_path_factory.mktemp(request.param)
    if request.param == "postgresql":
        from ops.local_services import PostgresServer

        server = PostgresServer().start()
    bot = LiveBot(workdir, database_url=server.url if server else None).start()
    yield bot, DemandLog(bot.database_url)
    bot.stop()
    if server:
        server.stop()


def test_twenty_conversations_leave_exactly_the_expected_events(bot_and_log):
    bot, log = bot_and_log
    expected = run_script(bot)
    stored = [(e.outcome, e.municipality, e.domains, e.window_ids) for e in log.events()]
    assert Counter(stored) == Counter(expected)
    assert {e[0] for e in expected} == {"referred", "clarified", "out_of_scope", "handoff", "crisis"}
    assert len(stored) == len(expected) >= 20
    rows = log.events()
    assert all(r.hour.minute == 0 and r.hour.second == 0 for r in rows)
    assert all(r.compound == (len(r.domains) >= 2) for r in rows)
    assert all(r.channel == "rest" for r in rows)
    crisis_rows = [r for r in rows if r.outcome == "crisis"]
    assert crisis_rows and all(r.crisis for r in crisis_rows)


def test_the_schema_has_no_column_that_can_hold_free_text():
    for table in metadata.sorted_tables:
        if table.name.startswith(("staff_", "directory_")) or table.name == "review_samples":
            # staff accounts; the directory's public facts proposed by staff (tests/test_directory_keeping.py);
            # opt-in redacted samples (tests/test_review.py)
            continue
        for column in table.columns:
            kind = column.type
            assert isinstance(kind, (Enum, Boolean, Integer, DateTime, String)), (table.name, column.name)
            if isinstance(kind, String) and not isinstance(kind, Enum):
                assert kind.length and kind.length <= 64, (table.name, column.name)


@pytest.mark.parametrize("field, value", [
    ("domains", ("母の介護がつらい",)),
    ("window_ids", ("田中さん 090-1234-5678",)),
    ("municipality", "恵庭市京町1丁目"),
])
def test_an_event_refuses_anything_but_codes(field, value):
    good = dict(municipality="eniwa", channel=Channel.WEB, domains=("elderly",), window_ids=("eniwa_coordinator",),
                crisis=False, outcome=Outcome.REFERRED, confidence_band=ConfidenceBand.HIGH, turns=1)
    with pytest.raises(ValueError):
        DemandEvent(**{**good, field: value})


def test_events_written_while_postgresql_is_down_arrive_once_after_recovery(tmp_path):
    from ops.local_services import PostgresServer

    server = PostgresServer().start()
    try:
        log = DemandLog(server.url, spool=tmp_path / "spool.jsonl")

        def event(domain):
            return DemandEvent("eniwa", Channel.WEB, (domain,), ("eniwa_coordinator",), False,
                               Outcome.REFERRED, ConfidenceBand.HIGH, 1)

        assert all(log.record(event("elderly")) for _ in range(3))
        server.pause()
        outage = [event(d) for d in ("poverty", "child", "housing", "health", "rights")]
        assert [log.record(e) for e in outage] == [False] * 5
        log._append_to_spool(outage[0])  # the same event twice in the spool is still written once
        server.resume()
        assert log.record(event("other")) is True
        stored = log.events()
        assert len(stored) == 9
        assert len({e.id for e in stored}) == 9
        assert {e.id for e in outage} <= {e.id for e in stored}
        assert (tmp_path / "spool.jsonl").read_text() == ""
    finally:
        server.stop()
