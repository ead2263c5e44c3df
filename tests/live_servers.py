"""Starts the real servers for a test session: the action server and Rasa (and the web page).

Each runs as its own process on a free loopback port, exactly as scripts/run.sh starts them.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from bot.channels.rest import RELAY_HEADER
from bot.paths import MODEL_PATH, PROJECT_ROOT
from bot.settings import ACTION_TOKEN_ENV, RELAY_TOKEN_ENV
from ops.local_services import RASA, free_port, stop_processes, wait_for

class LiveBot:
    def __init__(self, workdir: Path, database_url: Optional[str] = None) -> None:
        self.workdir = workdir
        self.processes: List[subprocess.Popen] = []
        self.action_port = free_port()
        self.rasa_port = free_port()
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
                                  f"  token: ${{{ACTION_TOKEN_ENV}}}\n")
        self.database_url = database_url or f"sqlite:///{workdir / 'demand.sqlite3'}"
        self.env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                    "DATABASE_URL": self.database_url,
                    ACTION_TOKEN_ENV: secrets.token_hex(16), RELAY_TOKEN_ENV: secrets.token_hex(16)}

    def _start(self, args: List[str], log_name: str) -> subprocess.Popen:
        log = open(self.workdir / log_name, "w")
        process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start(self, with_actions: bool = True, rasa_args: Tuple[str, ...] = ()) -> "LiveBot":
        actions = None
        if with_actions:
            actions = self._start([sys.executable, "-m", "actions.server", "--host", "127.0.0.1",
                                   "--port", str(self.action_port)], "actions.log")
        rasa = self._start(
            [RASA, "run", "--model", str(MODEL_PATH), "--interface", "127.0.0.1", "--port", str(self.rasa_port),
             "--endpoints", str(self.endpoints), "--credentials", "credentials.yml", *rasa_args],
            "rasa.log",
        )
        self.actions_process = actions
        if actions is not None:
            wait_for(f"http://127.0.0.1:{self.action_port}/health", actions)
        wait_for(f"http://127.0.0.1:{self.rasa_port}/", rasa)
        return self

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @staticmethod
    def conversation(name: str, relay: bool = False) -> str:
        """Tests name conversations briefly; the REST channel wants ids as hard to guess as a
        UUID (and the relay's own namespace), so a name maps to one such id."""
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        return f"web-{digest}" if relay else f"{name}-{digest}"

    def say(self, sender: str, message: str, metadata: Optional[Dict] = None, relay: bool = False,
            raw_sender: bool = False, timeout: float = 60) -> List[Dict]:
        """`relay`: sent as the web page's relay sends (with its token); `raw_sender`: the id as given;
        `timeout`: seconds this client waits for the answer."""
        body = {"sender": sender if raw_sender else self.conversation(sender, relay), "message": message}
        if metadata:
            body["metadata"] = metadata
        headers = {"Content-Type": "application/json"}
        if relay:
            headers[RELAY_HEADER] = self.env[RELAY_TOKEN_ENV]
        request = urllib.request.Request(self.webhook, data=json.dumps(body).encode(), headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        stop_processes(self.processes)


def start_web(rasa_port: int, env: Dict[str, str], workdir: Path) -> Tuple[str, subprocess.Popen]:
    """The web chat server (bot.web) relaying to the Rasa server on `rasa_port`."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web", "--port", str(port), "--rasa-url", f"http://127.0.0.1:{rasa_port}"],
        cwd=PROJECT_ROOT, env=env, stdout=open(workdir / "web.log", "w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/", process)
    return url, process


def start_staff_site(workdir: Path, env: Dict[str, str], account: str, password: str) -> Tuple[str, subprocess.Popen]:
    """The web app for the staff pages alone (no Rasa behind it), with one staff account made by
    the same command staff use."""
    created = subprocess.run([sys.executable, "-m", "bot", "staff", "add", account, "--password-stdin"],
                             input=password + "\n", text=True, capture_output=True, cwd=PROJECT_ROOT, env=env)
    assert created.returncode == 0, created.stderr
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot.web", "--port", str(port), "--rasa-url", "http://127.0.0.1:9"],
                               cwd=PROJECT_ROOT, env=env, stdout=open(workdir / "web.log", "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/staff/login", process)
    return url, process


@contextlib.contextmanager
def demand_database(kind: str, workdir: Path) -> Iterator[str]:
    """A demand-log database URL: an SQLite file, or a real PostgreSQL server started for the test."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'demand.sqlite3'}"
        return
    from ops.local_services import PostgresServer

    server = PostgresServer().start()
    try:
        yield server.url
    finally:
        server.stop()
