"""Speed and memory of one Rasa replica of 窓口ナビ, against a stock `rasa init` bot measured
in the same run on the same machine.

    .venv/bin/python -m bench.speed [--messages 200] [--write-benchmarks]

Loopback only, bounded in messages and time. Each simulated resident has its own sender id.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

from bench.benchmarks_file import replace_section
from bot.paths import MODEL_PATH, PROJECT_ROOT
from bot.settings import ACTION_TOKEN_ENV
from ops.local_services import RASA, free_port

OUT = PROJECT_ROOT / "bench" / "out" / "speed"
STOCK_DIR = OUT / "stock_init"
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}

OUR_MESSAGES = [
    "80歳の母と無職で閉じこもっている兄、母の年金だけで暮らしています",
    "借金が返せなくて生活が苦しい",
    "子どもが学校に行けなくなりました",
    "母の介護と仕事の両立がつらいです",
    "ひとり暮らしで話し相手がいません",
    "こんにちは",
    "何時まで開いていますか",
    "夫の暴力から逃げたい",
    "My mother has dementia and I am exhausted from caring for her",
    "haha ga ninchishou de kaigo ga tsurai desu",
    "生きている意味がわからなくなってきました",
]
STOCK_MESSAGES = ["hello", "I am sad", "yes", "no", "great", "are you a bot?", "goodbye", "very good"]


def rss_megabytes(pid: int) -> float:
    """Resident set size of a process and its children (Rasa may fork), from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        status = Path(f"/proc/{p}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return round(total / 1024, 1)


def ensure_stock_bot() -> Path:
    model = next(iter(sorted((STOCK_DIR / "models").glob("*.tar.gz"))), None) if STOCK_DIR.exists() else None
    if model is None:
        STOCK_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(STOCK_DIR)], cwd=STOCK_DIR, env=ENV,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        model = next(iter(sorted((STOCK_DIR / "models").glob("*.tar.gz"))))
    return model


class Server:
    def __init__(self, model: Path, cwd: Path, endpoints: Optional[Path] = None) -> None:
        self.port = free_port()
        args = [RASA, "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(self.port)]
        if endpoints:
            args += ["--endpoints", str(endpoints)]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.cold_start = self._wait_ready()

    def _wait_ready(self) -> float:
        while time.perf_counter() - self.started < 180:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2)
                return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("server did not start")

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


async def measure(webhook: str, messages: List[str], total: int, concurrency: int) -> Dict[str, float]:
    latencies: List[float] = []
    errors = 0
    counter = iter(range(total))
    run_id = secrets.token_hex(12)

    async def resident(number: int, session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for index in counter:
            # The REST channel wants ids as hard to guess as a UUID; one per simulated resident.
            body = {"sender": f"speed-{concurrency}-{number}-{run_id}", "message": messages[index % len(messages)]}
            started = time.perf_counter()
            try:
                async with session.post(webhook, json=body) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
            except aiohttp.ClientError:
                errors += 1
            latencies.append(time.perf_counter() - started)

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(resident(i, session) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "messages_per_s": round(len(latencies) / elapsed, 1),
        "errors": errors,
    }


def run(total: int) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    stock_model = ensure_stock_bot()
    results = {}
    action_port = str(free_port())
    token = secrets.token_hex(16)
    ENV[ACTION_TOKEN_ENV] = token  # Rasa reads it in endpoints.yml; the action server checks it
    actions = subprocess.Popen([sys.executable, "-m", "actions.server", "--port", action_port],
                               cwd=PROJECT_ROOT, env={**ENV, "DATABASE_URL": f"sqlite:///{OUT / 'demand.sqlite3'}"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoints = OUT / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
                         f"  token: ${{{ACTION_TOKEN_ENV}}}\n")
    time.sleep(8)
    try:
        for name, model, cwd, messages, extra in (
            ("stock", stock_model, STOCK_DIR, STOCK_MESSAGES, None),
            ("madoguchi", MODEL_PATH, PROJECT_ROOT, OUR_MESSAGES, endpoints),
        ):
            server = Server(model, cwd, extra)
            try:
                asyncio.run(measure(server.webhook, messages, 20, 1))  # warm-up
                row = {"cold_start_s": round(server.cold_start, 1)}
                for concurrency in (1, 10):
                    row[f"c{concurrency}"] = asyncio.run(measure(server.webhook, messages, total, concurrency))
                row["rss_mb"] = rss_megabytes(server.process.pid)
                results[name] = row
            finally:
                server.stop()
    finally:
        actions.terminate()
    return results


def table(results: dict, total: int) -> str:
    ours, stock = results["madoguchi"], results["stock"]
    lines = [
        f"{total} messages per measurement through the REST webhook of one replica, loopback; "
        f"machine: {os.cpu_count()} cores.",
        "",
        "| bot | p50 ms (1) | p95 ms (1) | p50 ms (10) | p95 ms (10) | msg/s (10) | errors | RSS MB | cold start s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in (("窓口ナビ", ours), ("stock `rasa init` bot", stock)):
        lines.append(
            f"| {name} | {row['c1']['p50_ms']} | {row['c1']['p95_ms']} | {row['c10']['p50_ms']} | {row['c10']['p95_ms']} "
            f"| {row['c10']['messages_per_s']} | {row['c1']['errors'] + row['c10']['errors']} | {row['rss_mb']} | {row['cold_start_s']} |"
        )
    ratio1 = ours["c1"]["p95_ms"] / stock["c1"]["p95_ms"]
    ratio10 = ours["c10"]["p95_ms"] / stock["c10"]["p95_ms"]
    lines += ["", f"p95 ratio to the stock bot: {ratio1:.2f}× at 1 resident, {ratio10:.2f}× at 10 "
                  "(target ≤ 1.5×); targets ≥ 30 msg/s, ≤ 1.5 GB RSS, cold start ≤ 45 s."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--write-benchmarks", action="store_true")
    args = parser.parse_args()
    results = run(args.messages)
    (OUT / "speed.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = table(results, args.messages)
    print(text)
    if args.write_benchmarks:
        replace_section("speed", "Speed and memory of one replica",
                        f".venv/bin/python -m bench.speed --messages {args.messages} --write-benchmarks", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
