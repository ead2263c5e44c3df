"""Load test and fault drill through nginx on the multi-process stack (ops/stack.py).

    .venv/bin/python -m bench.load [--residents 50] [--turns 10] [--kill-replica-after 150]
                                   [--pause-postgres 30 --pause-after 100 --think 4]
                                   [--write-benchmarks]

Every simulated resident runs a conversation whose second turn only works if the first was
remembered (the municipality is asked, then the waiting concern is referred), while nginx
spreads the turns over both Rasa replicas. Loopback only; bounded in residents, turns and time.
Prints one PASS/FAIL line per check.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import aiohttp

from bench.benchmarks_file import replace_section
from bot.demand import DemandLog
from bot.texts import say
from ops.stack import Stack

SCRIPT: List[Tuple[str, str]] = [
    ("母の介護がつらくて眠れません", "ask_municipality"),
    ("恵庭に住んでいます", "referral_with_elderly"),
    ("何時まで開いていますか", "any"),
    ("借金が返せなくて生活が苦しい", "referral"),
    ("人と話したいです", "handoff"),
    ("ありがとう", "any"),
    ("Hello, can you help me?", "any"),
    ("子どもが学校に行けなくなりました", "referral"),
    ("はい", "any"),
    ("さようなら", "any"),
]
OUT_OF_SCOPE_MARK = say("out_of_scope")


@dataclass
class Conversation:
    sender: str
    upstreams: List[str] = field(default_factory=list)
    kept_state: Optional[bool] = None
    expected_events: List[tuple] = field(default_factory=list)
    errors: int = 0


# Every simulated resident comes from this one machine: nginx's per-client limit (a person's
# pace) would refuse them. The load connects from an address of its own that the stack it
# starts leaves unthrottled; every other client keeps the real limits.
LOAD_CLIENT = "127.0.0.2"


def events_seen(messages: List[dict]) -> List[tuple]:
    """The demand events a reply implies (the same reading as tests/test_demand_log.py)."""
    custom = [m["custom"] for m in messages if "custom" in m]
    referral = next((c for c in custom if c.get("type") == "referral"), None)
    if referral:
        return [("crisis" if referral["crisis"] else "referred", tuple(sorted(referral["domains"])))]
    if any(c.get("type") == "handoff" for c in custom):
        return [("handoff", ())]
    if any(c.get("type") == "safety_check" for c in custom):
        return []  # the safety question is asked before a concern is counted
    if any(m.get("buttons") for m in messages):
        return [("clarified", ())]
    if any(OUT_OF_SCOPE_MARK in m.get("text", "") for m in messages):
        return [("out_of_scope", ())]
    return []


def one_per_household(events: List[tuple]) -> List[tuple]:
    """A conversation's referred and crisis concerns are stored as one household event."""
    concerns = [e for e in events if e[0] in ("referred", "crisis")]
    if not concerns:
        return events
    outcome = "crisis" if any(e[0] == "crisis" for e in concerns) else "referred"
    merged = (outcome, tuple(sorted({d for e in concerns for d in e[1]})))
    return [e for e in events if e[0] not in ("referred", "crisis")] + [merged]


async def run_load(stack: Stack, residents: int, turns: int, kill_after: Optional[int],
                   pause_postgres: float = 0, pause_after: int = 0, think: float = 0) -> Dict:
    latencies: List[float] = []
    sent = 0
    killed_at: Optional[int] = None
    paused = False
    conversations = [Conversation(f"load-{i}-{uuid.uuid4().hex}") for i in range(residents)]

    async def outage() -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, stack.postgres.pause)
        await asyncio.sleep(pause_postgres)
        await loop.run_in_executor(None, stack.postgres.resume)

    async def resident(conversation: Conversation, session: aiohttp.ClientSession) -> None:
        nonlocal sent, killed_at, paused
        for text, expectation in SCRIPT[:turns]:
            if kill_after is not None and killed_at is None and sent >= kill_after:
                killed_at = sent
                stack.kill_replica(0)
            if pause_postgres and not paused and sent >= pause_after:
                paused = True
                asyncio.ensure_future(outage())
            if think:
                await asyncio.sleep(think * (0.5 + (hash((conversation.sender, sent)) % 100) / 100))
            sent += 1
            started = time.perf_counter()
            try:
                async with session.post(stack.url + "/webhooks/rest/webhook",
                                        json={"sender": conversation.sender, "message": text,
                                              "metadata": {"message_id": uuid.uuid4().hex}}) as response:
                    body = await response.json(content_type=None)
                    conversation.upstreams.append(response.headers.get("X-Upstream", ""))
                    if response.status != 200 or not body:
                        conversation.errors += 1
                        continue
            except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError):
                conversation.errors += 1
                continue
            finally:
                latencies.append(time.perf_counter() - started)
            conversation.expected_events += events_seen(body)
            if expectation == "referral_with_elderly":
                referral = next((m["custom"] for m in body if m.get("custom", {}).get("type") == "referral"), None)
                conversation.kept_state = bool(referral and referral["municipality"] == "eniwa"
                                               and "elderly" in referral["domains"])

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(local_addr=(LOAD_CLIENT, 0))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=90), connector=connector) as session:
        await asyncio.gather(*(resident(c, session) for c in conversations))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    if pause_postgres:  # wait until the outage is over, whatever the load did meanwhile
        while stack.postgres_paused:
            await asyncio.sleep(0.5)
    return {"conversations": conversations, "elapsed": elapsed, "requests": len(latencies),
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "killed_at": killed_at,
            "postgres_paused_for": pause_postgres}


def report(stack: Stack, result: Dict, kill: bool) -> Tuple[List[str], bool]:
    conversations: List[Conversation] = result["conversations"]
    errors = sum(c.errors for c in conversations)
    kept = sum(1 for c in conversations if c.kept_state)
    both = sum(1 for c in conversations if len({u for u in c.upstreams if u}) >= 2)
    expected = Counter(e for c in conversations for e in one_per_household(c.expected_events))
    time.sleep(1.0)
    waited = 0.0
    while stack.spool.exists() and stack.spool.stat().st_size and waited < 45:  # the action server drains it
        time.sleep(1.0)
        waited += 1.0
    # Counted as the system wrote it: this check never writes the spool out itself.
    left_in_spool = len(stack.spool.read_text(encoding="utf-8").splitlines()) if stack.spool.exists() else 0
    rows = DemandLog(stack.database_url, spool=stack.run / "unused-spool.jsonl").events()
    stored = Counter((e.outcome, e.domains) for e in rows)
    unique_ids = len({e.id for e in rows}) == len(rows)
    stored_total, expected_total = sum(stored.values()), sum(expected.values())
    # A message in flight on a killed replica is resent by nginx to the other one; the demand
    # log keys events by message id (a household's concern by its conversation and merges it),
    # so even then each concern is stored exactly once.
    events_ok, events_name = stored == expected, "demand log holds exactly one event per household's concern"
    checks = [
        ("no event written twice", unique_ids, f"{len(rows)} events stored"),
        ("every spooled event reached the database", left_in_spool == 0,
         f"the action server emptied its spool {waited:.0f} s after the load; {left_in_spool} left"),
        ("every conversation kept its state across replicas", kept == len(conversations),
         f"{kept}/{len(conversations)} second turns referred the remembered concern"),
        ("turns landed on different replicas", both > 0, f"{both} conversations were served by both replicas"),
        (events_name, events_ok, f"{stored_total} stored, {expected_total} expected"),
        ("no failed request" + (", not even those in flight at the kill" if kill else ""), errors == 0,
         f"{errors} failed"),
    ]
    lines = [
        f"{len(conversations)} residents × {len(SCRIPT)} turns through nginx → 2 Rasa replicas: "
        f"{result['requests']} requests in {result['elapsed']:.1f} s = "
        f"{result['requests'] / result['elapsed']:.1f} msg/s; latency p50 {result['p50']} ms, "
        f"p95 {result['p95']} ms, p99 {result['p99']} ms; errors {errors}"
        + (f"; replica 0 killed after request {result['killed_at']}" if kill else "")
        + (f"; PostgreSQL stopped for {result['postgres_paused_for']:.0f} s mid-load"
           if result.get("postgres_paused_for") else ""),
    ]
    ok = True
    for name, passed, detail in checks:
        lines.append(f"{'PASS' if passed else 'FAIL'}: {name} ({detail})")
        ok = ok and passed
    return lines, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--turns", type=int, default=len(SCRIPT))
    parser.add_argument("--kill-replica-after", type=int, default=None)
    parser.add_argument("--pause-postgres", type=float, default=0, help="stop PostgreSQL this many seconds")
    parser.add_argument("--pause-after", type=int, default=100, help="…after this many requests")
    parser.add_argument("--think", type=float, default=0, help="seconds a resident takes between turns")
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args()
    stack = Stack(debug_upstream=True, unthrottled_client=LOAD_CLIENT).start()
    try:
        result = asyncio.run(run_load(stack, args.residents, args.turns, args.kill_replica_after,
                                      args.pause_postgres, args.pause_after, args.think))
        lines, ok = report(stack, result, args.kill_replica_after is not None)
    finally:
        stack.stop()
    text = "\n".join(lines)
    print(text)
    if args.write_benchmarks:
        command = f".venv/bin/python -m bench.load --residents {args.residents}"
        if args.kill_replica_after is not None:
            key, title = "load-kill", "Load through nginx with a replica killed"
            command += f" --kill-replica-after {args.kill_replica_after}"
        elif args.pause_postgres:
            key, title = "load-postgres", "Load through nginx with PostgreSQL stopped"
            command += f" --pause-postgres {args.pause_postgres:g} --pause-after {args.pause_after} --think {args.think:g}"
        else:
            key, title = "load", "Load through nginx"
        replace_section(key, title, command + " --write-benchmarks", "\n".join(f"- {line}" for line in lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
