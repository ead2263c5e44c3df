"""What the staff side costs the residents: latency of the resident page (GET / and
/api/municipalities) of one bot.web process while its staff side is attacked or used hard.

    .venv/bin/python -m bench.staff_attacks [--events 100000] [--seconds 15]
                                            [--before-checkout DIR] [--write-benchmarks]

Scenarios, each `--seconds` long, with 4 residents loading the page one request after another:
idle; a login flood (10 parallel attackers, each attempt from another forwarded address and
for another staff name, so per-account and per-address throttling cannot stop it); four staff
refreshing the dashboard and its chart over `--events` events, on the same view and on a new
period every round (what no cache answers); one staff exporting the CSV of a new period in a
loop. With --before-checkout, the same measurement runs first against that checkout's
bot.web (its own code and migrations), then against this one. Loopback only, SQLite.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import aiohttp
from sqlalchemy import create_engine

from bench.benchmarks_file import replace_section
from bot.demand.event import JST, Channel, ConfidenceBand, Outcome
from bot.demand.schema import demand_event_domains, demand_event_windows, demand_events
from bot.paths import PROJECT_ROOT
from ops.local_services import free_port, wait_for

OUT = PROJECT_ROOT / "bench" / "out" / "staff_attacks"
PASSWORD = "bench-staff-password-2026"
RESIDENTS = 4
ATTACKERS = 10
STAFF = 4
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
OUTCOMES = [Outcome.REFERRED] * 12 + [Outcome.CLARIFIED] * 3 + [Outcome.OUT_OF_SCOPE] * 2 + [Outcome.HANDOFF, Outcome.CRISIS, Outcome.CRISIS]


def last_complete_monday(today: Optional[datetime.date] = None) -> datetime.date:
    today = today or datetime.datetime.now(JST).date()
    return today - datetime.timedelta(days=today.weekday() + 7)


def event_rows(count: int, weeks: int = 26, seed: int = 7, municipalities: Optional[List[str]] = None,
               first_monday: Optional[datetime.date] = None):
    """`count` plausible events spread over `weeks` finished weeks: the three tables' rows."""
    from bot.knowledge import current_directory
    from bot.taxonomy import load_taxonomy

    rng = random.Random(seed)
    codes = municipalities or sorted(current_directory().municipalities)
    domains = list(load_taxonomy().domain_codes)
    windows = sorted(current_directory().by_id)[:40]
    start = first_monday or last_complete_monday() - datetime.timedelta(weeks=weeks - 1)
    events, event_domains, event_windows = [], [], []
    for number in range(count):
        outcome = rng.choice(OUTCOMES)
        concern = outcome in (Outcome.REFERRED, Outcome.CRISIS)
        chosen = rng.sample(domains, rng.choice((1, 1, 1, 2, 2, 3))) if concern else []
        chosen_windows = rng.sample(windows, rng.choice((1, 2))) if concern else []
        hour = datetime.datetime.combine(start, datetime.time()) + datetime.timedelta(hours=rng.randrange(weeks * 168))
        event_id = f"{seed:04x}{number:028x}"
        events.append({"id": event_id, "municipality": rng.choice(codes + [None]), "hour": hour,
                       "channel": Channel.WEB, "crisis": outcome is Outcome.CRISIS, "compound": len(chosen) >= 2,
                       "outcome": outcome, "confidence_band": ConfidenceBand.HIGH, "turns": rng.randint(1, 6)})
        event_domains += [{"event_id": event_id, "domain": d} for d in chosen]
        event_windows += [{"event_id": event_id, "position": i, "window_id": w} for i, w in enumerate(chosen_windows)]
    return events, event_domains, event_windows


def insert_events(engine, count: int, **options) -> None:
    """Straight into the tables in one transaction: 100,000 events in seconds, not minutes."""
    events, event_domains, event_windows = event_rows(count, **options)
    with engine.begin() as connection:
        for table, rows in ((demand_events, events), (demand_event_domains, event_domains),
                            (demand_event_windows, event_windows)):
            for start in range(0, len(rows), 20_000):
                connection.execute(table.insert(), rows[start:start + 20_000])


class Site:
    """One checkout's bot.web on a fresh SQLite file, migrated and seeded by that checkout."""

    def __init__(self, checkout: Path, events: int, workdir: Path) -> None:
        self.checkout = checkout
        self.url_db = f"sqlite:///{workdir / 'demand.sqlite3'}"
        self.env = {**os.environ, "DATABASE_URL": self.url_db, "PYTHONPATH": str(checkout),
                    "RASA_TELEMETRY_ENABLED": "false", "DEMAND_SPOOL": str(workdir / "spool.jsonl")}
        self._python("-c", "from bot.demand import DemandLog; DemandLog()")
        insert_events(create_engine(self.url_db, future=True), events)
        subprocess.run([sys.executable, "-m", "bot", "staff", "add", "bench", "--password-stdin"], input=PASSWORD + "\n",
                       text=True, check=True, capture_output=True, cwd=checkout, env=self.env)
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.web", "--port", str(self.port), "--rasa-url", "http://127.0.0.1:9"],
            cwd=checkout, env=self.env, stdout=open(workdir / "web.log", "w"), stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_for(self.url + "/", self.process)

    def _python(self, *args: str) -> None:
        subprocess.run([sys.executable, *args], check=True, cwd=self.checkout, env=self.env)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def new_session() -> aiohttp.ClientSession:
    # Cookies of a loopback IP address are kept only by an "unsafe" jar.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                 timeout=aiohttp.ClientTimeout(total=600))


async def login_form(session: aiohttp.ClientSession, url: str, headers: Optional[dict] = None) -> str:
    async with session.get(url + "/staff/login", headers=headers) as response:
        return CSRF.search(await response.text()).group(1)


async def log_in(url: str) -> aiohttp.ClientSession:
    session = new_session()
    token = await login_form(session, url)
    async with session.post(url + "/staff/login", data={"csrf_token": token, "name": "bench", "password": PASSWORD},
                            allow_redirects=False) as response:
        assert response.status == 302, f"the bench's staff login failed: {response.status}"
    return session


async def residents(url: str, stop: asyncio.Event) -> List[float]:
    latencies: List[float] = []

    async def resident(session: aiohttp.ClientSession, number: int) -> None:
        paths = ("/", "/api/municipalities")
        turn = number
        while not stop.is_set():
            started = time.perf_counter()
            async with session.get(url + paths[turn % 2]) as response:
                await response.read()
                assert response.status == 200
            latencies.append(time.perf_counter() - started)
            turn += 1
            await asyncio.sleep(0.05)  # a resident's browser, not a load generator

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:
        await asyncio.gather(*(resident(session, i) for i in range(RESIDENTS)))
    return latencies


async def login_flood(url: str, stop: asyncio.Event, statuses: List[int]) -> None:
    async def attacker(number: int) -> None:
        attempt = 0
        async with new_session() as session:
            while not stop.is_set():
                attempt += 1
                forwarded = {"X-Forwarded-For": f"198.51.{number}.{attempt % 250 + 1}"}
                token = await login_form(session, url, forwarded)
                form = {"csrf_token": token, "name": f"guess{number}-{attempt}", "password": f"wrong-{attempt}-x"}
                async with session.post(url + "/staff/login", data=form, headers=forwarded,
                                        allow_redirects=False) as response:
                    await response.read()
                    statuses.append(response.status)

    await asyncio.gather(*(attacker(i) for i in range(ATTACKERS)))


async def staff_loop(url: str, stop: asyncio.Event, paths_of: Callable[[int], List[str]], clients: int,
                     durations: List[float]) -> None:
    rounds = itertools.count()

    async def member() -> None:
        session = await log_in(url)
        async with session:
            while not stop.is_set():
                started = time.perf_counter()
                for path in paths_of(next(rounds)):
                    async with session.get(url + path) as response:
                        await response.read()
                        assert response.status == 200, (path, response.status)
                durations.append(time.perf_counter() - started)

    await asyncio.gather(*(member() for _ in range(clients)))


def same_view(*paths: str) -> Callable[[int], List[str]]:
    return lambda _: list(paths)


def new_view(*paths: str) -> Callable[[int], List[str]]:
    """Each round another start date: no cache can answer it, the figures are computed anew."""
    def paths_of(number: int) -> List[str]:
        day = last_complete_monday() - datetime.timedelta(weeks=25) + datetime.timedelta(days=number % 150)
        return [f"{path}?from={day.isoformat()}" for path in paths]
    return paths_of


def summary(latencies: List[float]) -> Dict[str, float]:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {"requests": len(ordered), "p50_ms": pct(0.50), "p95_ms": pct(0.95), "max_ms": round(1000 * ordered[-1], 1)}


async def scenario(url: str, seconds: float, attack) -> Dict:
    stop = asyncio.Event()
    details: Dict = {}
    measured = asyncio.ensure_future(residents(url, stop))
    attacking = asyncio.ensure_future(attack(stop, details)) if attack else None
    await asyncio.sleep(seconds)
    stop.set()
    if attacking:
        await attacking
    return {"residents": summary(await measured), **details}


def flood(url: str):
    async def run(stop, details):
        statuses: List[int] = []
        await login_flood(url, stop, statuses)
        details["attempts"] = len(statuses)
        details["statuses"] = {str(s): statuses.count(s) for s in sorted(set(statuses))}
    return run


def staff_work(url: str, paths_of: Callable[[int], List[str]], clients: int):
    async def run(stop, details):
        durations: List[float] = []
        await staff_loop(url, stop, paths_of, clients, durations)
        details["staff_rounds"] = len(durations)
        details["staff_round_s"] = round(sum(durations) / max(1, len(durations)), 2)
    return run


def measure(checkout: Path, events: int, seconds: float) -> Dict:
    with tempfile.TemporaryDirectory(prefix="madoguchi-staff-bench-") as workdir:
        site = Site(checkout, events, Path(workdir))
        try:
            url = site.url
            return {
                "idle": asyncio.run(scenario(url, seconds, None)),
                "staff": asyncio.run(scenario(url, seconds, staff_work(url, same_view("/staff", "/staff/chart.png"), STAFF))),
                "staff_new": asyncio.run(scenario(url, seconds, staff_work(url, new_view("/staff", "/staff/chart.png"), STAFF))),
                "csv": asyncio.run(scenario(url, seconds, staff_work(url, new_view("/staff/export.csv"), 1))),
                "flood": asyncio.run(scenario(url, seconds, flood(url))),
            }
        finally:
            site.stop()


SCENARIOS = (
    ("idle", "nothing else"),
    ("flood", f"login flood: {ATTACKERS} parallel attackers, a new name and address each attempt"),
    ("staff", f"{STAFF} staff refreshing /staff and its chart (the same view)"),
    ("staff_new", f"{STAFF} staff refreshing /staff and its chart, each round a new period"),
    ("csv", "1 staff exporting the CSV in a loop, each time a new period"),
)


def table(before: Optional[Dict], after: Dict, events: int, seconds: float) -> str:
    def cell(result: Optional[Dict], name: str) -> str:
        if not result:
            return "–"
        row = result[name]
        text = f"{row['residents']['p95_ms']} ms (p50 {row['residents']['p50_ms']}, n={row['residents']['requests']})"
        return text

    def attack(result: Optional[Dict], name: str) -> str:
        if not result:
            return "–"
        row = result[name]
        if "statuses" in row:
            return f"{row['attempts']} attempts: " + ", ".join(f"{k}×{v}" for k, v in row["statuses"].items())
        if "staff_rounds" in row:
            return f"{row['staff_rounds']} rounds, {row['staff_round_s']} s each"
        return ""

    lines = [
        f"{RESIDENTS} residents loading GET / and /api/municipalities of the same bot.web process, {seconds:g} s per "
        f"scenario, {events:,} events in SQLite over 26 finished weeks; machine: {os.cpu_count()} cores; "
        "staff side: rounds completed and their mean duration (a round is the page and its chart, or one CSV).",
        "",
        "| while | residents' p95 before | residents' p95 after | staff side before | staff side after |",
        "|---|---|---|---|---|",
    ]
    for name, label in SCENARIOS:
        lines.append(f"| {label} | {cell(before, name)} | {cell(after, name)} | {attack(before, name)} | {attack(after, name)} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--before-checkout", type=Path, help="a checkout of the code before, measured first")
    parser.add_argument("--before-label", default="before")
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    before = measure(args.before_checkout.resolve(), args.events, args.seconds) if args.before_checkout else None
    after = measure(PROJECT_ROOT, args.events, args.seconds)
    (OUT / "results.json").write_text(json.dumps({"before": before, "after": after}, indent=1), encoding="utf-8")
    text = table(before, after, args.events, args.seconds)
    print(text)
    if args.write_benchmarks:
        command = (f".venv/bin/python -m bench.staff_attacks --events {args.events} --seconds {args.seconds:g} "
                   + ("--before-checkout <worktree of " + args.before_label + "> " if args.before_checkout else "")
                   + "--write-benchmarks")
        body = f"Run {datetime.date.today().isoformat()}; before = {args.before_label}.\n\n{text}"
        replace_section("staff-attacks", "Residents' latency while the staff side is attacked or busy", command, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
