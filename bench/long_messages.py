"""Long messages: how the analysis grows with the text, and what residents feel while clients
send long messages back to back.

    .venv/bin/python -m bench.long_messages [--before-checkout DIR] [--write-benchmarks]

1. The curve: the crisis rules (`detect_crisis`) and the whole NLU parse of the trained model
   on 1,000 to 100,000 characters (Japanese sentences with punctuation, and one unpunctuated run).
2. The attack: the web page, Rasa and the action server of a checkout on loopback (no nginx,
   so nothing but the code bounds the work); 4 clients post 100,000-character messages to
   /api/chat back to back while 3 residents greet every half second; residents' p50/p95 and
   how many got the "try later" answer.
Each checkout runs its own code and model (a subprocess with that checkout as working folder).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from bench.benchmarks_file import replace_section
from bot.paths import PROJECT_ROOT
from ops.local_services import RASA, free_port, stop_processes, wait_for

PYTHON = str(PROJECT_ROOT / ".venv" / "bin" / "python")
SIZES = (1_000, 5_000, 10_000, 20_000, 40_000, 100_000)
ATTACKERS, RESIDENTS, ATTACK_SECONDS = 4, 3, 20

CURVE_CODE = r"""
import asyncio, json, sys, time
from bot.nlu.crisis_rules import detect_crisis
from rasa.core.agent import Agent
import logging; logging.disable(logging.CRITICAL)
sizes = json.loads(sys.argv[1])
sentence = "母の介護で疲れています。死にたいと思うこともあるけど、今は大丈夫です。お金もなくて、仕事も辞めました。"
run_on = sentence.replace("。", "").replace("、", "")
agent = Agent.load("models/madoguchi.tar.gz")
async def main():
    await agent.parse_message("こんにちは")
    rows = []
    for size in sizes:
        for name, source in (("sentences", sentence), ("one run", run_on)):
            text = (source * (size // len(source) + 1))[:size]
            started = time.perf_counter(); detect_crisis(text); rules = time.perf_counter() - started
            started = time.perf_counter(); await agent.parse_message(text); parse = time.perf_counter() - started
            rows.append([size, name, round(rules, 3), round(parse, 3)])
    print(json.dumps(rows))
asyncio.run(main())
"""


def curve(checkout: Path) -> List[list]:
    result = subprocess.run([PYTHON, "-c", CURVE_CODE, json.dumps(SIZES)], cwd=checkout, capture_output=True,
                            text=True, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return json.loads(result.stdout.strip().splitlines()[-1])


class Servers:
    """Action server, Rasa and the web page of one checkout, as its own scripts start them."""

    def __init__(self, checkout: Path) -> None:
        self.checkout = checkout
        self.run = Path(tempfile.mkdtemp(prefix="madoguchi-long-"))
        self.processes: List[subprocess.Popen] = []
        token = secrets.token_hex(16)
        self.env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                    "DATABASE_URL": f"sqlite:///{self.run / 'demand.sqlite3'}", "DEMAND_SPOOL": str(self.run / "spool"),
                    "ACTION_SERVER_TOKEN": token, "MADOGUCHI_RELAY_TOKEN": secrets.token_hex(16)}

    def _spawn(self, args: List[str], log: str) -> subprocess.Popen:
        process = subprocess.Popen(args, cwd=self.checkout, env=self.env, stdout=open(self.run / log, "w"),
                                   stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start(self) -> str:
        action_port, rasa_port, web_port = free_port(), free_port(), free_port()
        endpoints = self.run / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
                             "  token: ${ACTION_SERVER_TOKEN}\n")
        if (self.checkout / "actions" / "server.py").exists():
            actions = self._spawn([PYTHON, "-m", "actions.server", "--port", str(action_port)], "actions.log")
        else:  # before issue 9: rasa-sdk's own server
            actions = self._spawn([RASA, "run", "actions", "--actions", "actions", "--port", str(action_port)],
                                  "actions.log")
        rasa = self._spawn([RASA, "run", "--model", "models/madoguchi.tar.gz", "--interface", "127.0.0.1",
                            "--port", str(rasa_port), "--endpoints", str(endpoints), "--credentials",
                            "credentials.yml"], "rasa.log")
        web = self._spawn([PYTHON, "-m", "bot.web", "--port", str(web_port), "--rasa-url",
                           f"http://127.0.0.1:{rasa_port}"], "web.log")
        wait_for(f"http://127.0.0.1:{action_port}/health", actions)
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, timeout=180)
        wait_for(f"http://127.0.0.1:{web_port}/", web)
        return f"http://127.0.0.1:{web_port}"

    def stop(self) -> None:
        stop_processes(self.processes)


def _post(url: str, message: str) -> tuple:
    request = urllib.request.Request(url + "/api/chat", data=json.dumps({"sender": secrets.token_hex(8),
                                                                          "message": message}).encode(),
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = json.loads(response.read())
    except Exception:
        body = []
    return time.perf_counter() - started, body


def attack(url: str) -> Dict[str, float]:
    stop = threading.Event()
    long_text = "母の介護で疲れています。" + "あ" * 100_000
    sorry = "うまく こたえられません"

    def attacker() -> int:
        sent = 0
        while not stop.is_set():
            _post(url, long_text)
            sent += 1
        return sent

    def resident() -> List[tuple]:
        seen = []
        deadline = time.monotonic() + ATTACK_SECONDS
        while time.monotonic() < deadline:
            seconds, body = _post(url, "こんにちは")
            seen.append((seconds, any(sorry in (m.get("text") or "") for m in body) or not body))
            time.sleep(0.5)
        return seen

    for _ in range(3):
        _post(url, "こんにちは")  # warm up
    quiet = sorted(_post(url, "こんにちは")[0] for _ in range(10))
    with concurrent.futures.ThreadPoolExecutor(max_workers=ATTACKERS + RESIDENTS) as pool:
        attackers = [pool.submit(attacker) for _ in range(ATTACKERS)]
        time.sleep(1)
        residents = [pool.submit(resident) for _ in range(RESIDENTS)]
        seen = [row for future in residents for row in future.result()]
        stop.set()
        long_sent = sum(future.result() for future in attackers)
    latencies = sorted(seconds for seconds, _ in seen)

    def pct(values: List[float], p: float) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 2)

    return {"quiet_p50": pct(quiet, 0.5), "p50": pct(latencies, 0.5), "p95": pct(latencies, 0.95),
            "residents": len(seen), "try_later": sum(1 for _, failed in seen if failed), "long_sent": long_sent}


def measure(checkout: Path) -> Dict[str, object]:
    servers = Servers(checkout)
    try:
        url = servers.start()
        under_attack = attack(url)
    finally:
        servers.stop()
    return {"curve": curve(checkout), "attack": under_attack}


def report(before: Optional[dict], after: dict, before_label: str) -> str:
    lines = ["The analysis by length (seconds; rules = `detect_crisis`, parse = the whole NLU pipeline of the "
             "trained model, which since issue 9 never sees more than `bot.settings.MAX_MESSAGE_CHARS`):", "",
             "| characters | text | rules before | rules after | parse before | parse after |", "|---|---|---|---|---|---|"]
    old = {(r[0], r[1]): r for r in (before or {}).get("curve", [])}
    for size, name, rules, parse in after["curve"]:
        was = old.get((size, name))
        lines.append(f"| {size:,} | {name} | {was[2] if was else '–'} | {rules} | {was[3] if was else '–'} | {parse} |")
    lines += ["", f"Residents during the attack ({ATTACKERS} clients posting 100,000 characters to /api/chat back to "
              f"back for {ATTACK_SECONDS} s, {RESIDENTS} residents greeting every 0.5 s; no nginx):", "",
              "| measure | before | after |", "|---|---|---|"]
    for key, name in (("quiet_p50", "residents' p50 with no attack (s)"), ("p50", "residents' p50 under attack (s)"),
                      ("p95", "residents' p95 under attack (s)"), ("residents", "resident messages sent"),
                      ("try_later", "… answered 'try later' or not at all"), ("long_sent", "long messages handled")):
        lines.append(f"| {name} | {before['attack'][key] if before else '–'} | {after['attack'][key]} |")
    lines += ["", f"Run {datetime.date.today().isoformat()}; before = {before_label}." if before else ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-checkout", type=Path)
    parser.add_argument("--before-label", default="before")
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args()
    before = measure(args.before_checkout) if args.before_checkout else None
    after = measure(PROJECT_ROOT)
    text = report(before, after, args.before_label)
    print(text)
    if args.write_benchmarks:
        command = ".venv/bin/python -m bench.long_messages" + (
            " --before-checkout <worktree of the commit before issue 9, with its model>" if before else "")
        replace_section("long-messages", "Long messages: the analysis by length and residents under attack",
                        command + " --write-benchmarks", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
