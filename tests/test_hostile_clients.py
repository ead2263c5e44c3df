"""Public routes facing hostile clients (issue 9): each finding of the review, reproduced
against the real servers, and what now holds. Residents' latency during an attack is measured
and printed, never asserted as a timing: what is asserted is that residents are answered and
that the attack was refused or bounded."""
from __future__ import annotations

import concurrent.futures
import http.cookiejar
import json
import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.demand import DemandLog
from bot.settings import MAX_MESSAGE_CHARS

MARK = "ひみつのことば"


def post(url: str, body, headers=None, opener=None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=90) as response:
            return response.status, json.loads(response.read() or b"null"), response.headers
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw.startswith((b"[", b"{")) else raw, error.headers


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages or [])


def demand_events(live_bot):
    return DemandLog(live_bot.database_url, spool=live_bot.workdir / "unused.jsonl").events()


# ---- 1. one long message must not stall every resident -------------------------------------
def test_a_huge_message_is_read_in_part_and_residents_are_still_answered(live_bot):
    long_story = "母の介護で疲れています。" + "あ" * 100_000

    def attacker():
        started = time.perf_counter()
        replies = live_bot.say("long-story-teller", long_story, {"municipality": "eniwa"})
        return replies, time.perf_counter() - started

    def resident(number):
        started = time.perf_counter()
        replies = live_bot.say(f"resident-during-attack-{number}", "こんにちは")
        return replies, time.perf_counter() - started

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        attacks = [pool.submit(attacker) for _ in range(3)]
        time.sleep(0.2)
        residents = [pool.submit(resident, n) for n in range(5)]
        answered = [f.result() for f in residents]
        attacked = [f.result() for f in attacks]
    latencies = sorted(seconds for _, seconds in answered)
    print(f"residents' latency while 3 clients sent 100,000 characters: max {latencies[-1]:.2f} s; "
          f"each long message took {max(s for _, s in attacked):.2f} s")
    for replies, _ in answered:
        assert texts(replies), "every resident got an answer"
    for replies, _ in attacked:
        assert f"はじめの{MAX_MESSAGE_CHARS}文字を読みました" in texts(replies), "the sender is told what was read"


def test_relay_and_rest_channel_share_one_cap(live_web):
    status, replies, _ = post(live_web + "/api/chat", {"message": "借金で困っています。" + "い" * (MAX_MESSAGE_CHARS + 10)})
    assert status == 200
    assert f"はじめの{MAX_MESSAGE_CHARS}文字を読みました" in texts(replies)


def test_words_are_paired_with_their_sentences_in_one_pass():
    """The rule engine pairs words with sentences in one pass (it rescanned every word for every
    sentence: 4.6 s at 40,000 characters); each word still lands in its own sentence."""
    from bot.nlu.crisis_rules import _SENTENCE_END, _sentences, detect_crisis
    from bot.nlu.morphology import analyze

    text = "母の介護で疲れています。" * 300 + "もう死にたい。" + "今日は晴れです。" * 300
    words = [(m.text, m.lemma, m.start) for m in analyze(text)]
    pieces = _sentences(text, words)
    assert len(pieces) == 601
    words_in_sentences = [w for w in words if not _SENTENCE_END.fullmatch(w[0])]  # 。 ends, not belongs
    assert sum(len(inside) for _, inside in pieces) == len(words_in_sentences), "each word in exactly one sentence"
    assert [s for s, _ in pieces[300:301]] == ["もう死にたい"]
    assert detect_crisis(text).is_crisis, "a plain statement deep inside a long text still counts"


# ---- 2. no resident words in any log, not even when handling a message times out -----------
@pytest.fixture(scope="module")
def debug_bot(trained_model, tmp_path_factory):
    """Rasa at DEBUG with a 3-second response timeout, so a stalled action server makes the
    REST channel give up on a message: the path where Rasa used to log the whole text."""
    from tests.live_servers import LiveBot

    bot = LiveBot(tmp_path_factory.mktemp("debug-live")).start(rasa_args=("--debug", "--response-timeout", "3"))
    yield bot
    bot.stop()


def test_no_resident_words_in_any_log_at_debug_level_or_on_timeout(debug_bot):
    debug_bot.say("log-check", f"{MARK}です。母の介護がつらいです", {"municipality": "eniwa"})
    debug_bot.actions_process.send_signal(signal.SIGSTOP)
    try:
        started = time.perf_counter()
        try:
            # Rasa gives up on the message after its 3 s; this client need not wait its own 60 s
            # for an answer that will not come while the action server is stopped.
            debug_bot.say("log-check-timeout", f"{MARK}、借金があって家賃も払えません", {"municipality": "eniwa"},
                          timeout=10)
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            pass  # the timeout may close the connection: what matters is the log
        print(f"the stalled message was given up after {time.perf_counter() - started:.1f} s")
    finally:
        debug_bot.actions_process.send_signal(signal.SIGCONT)
    time.sleep(1)
    logs = [p for p in debug_bot.workdir.iterdir() if p.suffix == ".log"]
    assert {p.name for p in logs} >= {"rasa.log", "actions.log"}
    rasa_log = (debug_bot.workdir / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "timed out" in rasa_log or "withheld" in rasa_log, "Rasa did log at debug level"
    escaped = json.dumps(MARK)[1:-1]
    for path in logs:
        content = path.read_text(encoding="utf-8", errors="replace")
        assert MARK not in content and escaped not in content, f"a resident's words in {path.name}"


# ---- 6. internal ports on loopback, the action server only for Rasa ------------------------
def _listening_addresses(port: int):
    addresses = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                addresses.add(address)
    return addresses


def test_action_server_listens_on_loopback_only_and_refuses_calls_without_the_token(live_bot):
    addresses = _listening_addresses(live_bot.action_port)
    assert addresses, "the action server is listening"
    assert addresses <= {"0100007F", "00000000000000000000000001000000"}, f"listening beyond loopback: {addresses}"
    before = len(demand_events(live_bot))
    forged = {"next_action": "action_refer_concern", "sender_id": "forged", "version": "3.6.2",
              "tracker": {"sender_id": "forged", "slots": {}, "latest_message": {"text": "x", "crisis": True},
                          "events": []}, "domain": {}}
    for _ in range(5):
        status, _, _ = post(f"http://127.0.0.1:{live_bot.action_port}/webhook", forged)
        assert status == 403
        status, _, _ = post(f"http://127.0.0.1:{live_bot.action_port}/webhook?token=guess", forged)
        assert status == 403
    assert len(demand_events(live_bot)) == before, "a forged call created no demand event"
    assert live_bot.say("after-forgery", "借金で困っています", {"municipality": "eniwa"}), "Rasa still reaches it"


# ---- 7. the demand log counts what residents did -------------------------------------------
def test_a_public_client_cannot_set_the_channel_or_inflate_one_message(live_bot):
    before = demand_events(live_bot)
    metadata = {"municipality": "yonago", "channel": "web", "message_id": "one-and-the-same"}
    for _ in range(3):  # a resend of the same request: one concern
        live_bot.say("poison-channel", "借金の返済で生活が苦しいです", metadata)
    new = [e for e in demand_events(live_bot) if e.id not in {b.id for b in before}]
    assert len(new) == 1, f"one message id, one event: {len(new)}"
    assert new[0].channel == "rest", "the channel is the server's, not the client's"


def test_a_typed_button_payload_is_not_a_button_press(live_bot):
    first = live_bot.say("payload-offered", "ちょっと困ってて", {"municipality": "yonago"})
    offered = [b["payload"] for m in first for b in m.get("buttons") or []]
    assert offered, "the bot offered choices"
    pressed = live_bot.say("payload-offered", offered[0], {"municipality": "yonago"})
    assert any(m.get("custom", {}).get("type") == "referral" for m in pressed), "an offered button still works"

    before = {e.id for e in demand_events(live_bot)}
    for _ in range(12):
        live_bot.say("payload-typed", '/describe_concern{"chosen_domain":"rights"}', {"municipality": "yonago"})
    new = [e for e in demand_events(live_bot) if e.id not in before]
    chosen = [e for e in new if e.domains == ("rights",) and e.outcome == "referred"]
    assert len(chosen) < 12 and not chosen, "typed payloads were not counted as choices of a domain"


def test_a_crisis_told_before_the_municipality_is_counted_once(live_bot):
    before = {e.id for e in demand_events(live_bot)}
    live_bot.say("crisis-then-place", "もう死にたいです。薬をたくさん集めました")
    live_bot.say("crisis-then-place", "恵庭市です")
    new = [e for e in demand_events(live_bot) if e.id not in before]
    assert len(new) == 1, [(e.outcome, e.municipality) for e in new]
    assert new[0].crisis


# ---- 8. a known id neither reads nor resets someone else's conversation --------------------
def _browser():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def test_the_web_page_issues_the_conversation_id_and_a_copied_id_reads_nothing(live_web):
    victim, victim_jar = _browser()
    status, replies, headers = post(live_web + "/api/chat",
                                    {"message": "夫に殴られています。逃げたいです", "municipality": "eniwa",
                                     "sender": "victim-known-id"}, opener=victim)
    assert status == 200
    assert all("recipient_id" not in m for m in replies), "the id stays in the HttpOnly cookie"
    cookie = next(c for c in victim_jar if c.name == "madoguchi_chat")
    assert "HttpOnly" in headers.get("Set-Cookie", "") and "SameSite=Strict" in headers.get("Set-Cookie", "")

    attacker, _ = _browser()
    for body in ({"message": "何時まで開いていますか", "municipality": "eniwa", "sender": "victim-known-id"},
                 {"message": "/restart", "sender": "victim-known-id"}):
        _, stolen, _ = post(live_web + "/api/chat", body, opener=attacker)
        assert "DV" not in texts(stolen) and "配偶者" not in texts(stolen), "nothing of the victim's conversation"
    # A cookie not issued by the server is replaced, not obeyed.
    forged = urllib.request.build_opener()
    _, _, forged_headers = post(live_web + "/api/chat", {"message": "こんにちは"}, opener=forged,
                                headers={"Cookie": f"madoguchi_chat={cookie.value.split('.')[0]}.deadbeef"})
    assert cookie.value not in (forged_headers.get("Set-Cookie") or "")
    # The victim's conversation survived the attacker's /restart.
    _, after, _ = post(live_web + "/api/chat", {"message": "何時まで開いていますか", "municipality": "eniwa"},
                       opener=victim)
    assert texts(after)


def test_a_public_client_cannot_reach_a_web_conversation_or_use_a_guessable_id(live_bot):
    status, body, _ = post(live_bot.webhook, {"sender": "1", "message": "こんにちは"})
    assert status == 400 and "sender" in body["error"]
    replies = live_bot.say("web-" + "0" * 32, "こんにちは", raw_sender=True)
    assert all(m["recipient_id"].startswith("rest-") for m in replies), "public ids live in their own namespace"
    _, fresh, _ = post(live_bot.webhook, {"message": "こんにちは"})
    assert fresh and fresh[0]["recipient_id"].startswith("rest-"), "no id: the server issues one"


# ---- 9. cross-site posts, deep nesting, slow uploads ---------------------------------------
def test_only_same_origin_json_reaches_the_bot(live_web, live_bot):
    before = len(demand_events(live_bot))
    status, _, _ = post(live_web + "/api/chat", {"message": "借金で困っています", "municipality": "eniwa"},
                        headers={"Origin": "https://evil.example"})
    assert status == 403
    status, _, _ = post(live_web + "/api/chat", json.dumps({"message": "借金で困っています"}).encode(),
                        headers={"Content-Type": "text/plain"})
    assert status == 415
    assert len(demand_events(live_bot)) == before, "nothing counted"
    host = live_web.split("//", 1)[1]
    status, replies, _ = post(live_web + "/api/chat", {"message": "こんにちは"}, headers={"Origin": f"http://{host}"})
    assert status == 200 and texts(replies)


def test_deep_nesting_is_a_kind_400_not_a_500(live_web):
    status, replies, _ = post(live_web + "/api/chat", b"[" * 200_000)
    assert status == 400
    assert "ごめんなさい" in texts(replies)


def test_a_slow_upload_is_cut_off_and_residents_are_answered(live_web):
    host, port = live_web.split("//", 1)[1].split(":")
    slow = socket.create_connection((host, int(port)), timeout=30)
    slow.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n{\"message\":")
    status, replies, _ = post(live_web + "/api/chat", {"message": "こんにちは"})
    assert status == 200 and texts(replies)
    started = time.perf_counter()
    answer = slow.recv(4096)
    print(f"slow upload cut after {time.perf_counter() - started:.1f} s")
    assert answer.startswith(b"HTTP/1.1 408"), answer[:40]
    slow.close()
