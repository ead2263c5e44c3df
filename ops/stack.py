"""The multi-process stack on one machine, Rasa's own architecture for scaling out:

    nginx ─┬─ /webhooks/rest/webhook → 2 Rasa replicas (Redis tracker store with expiry,
           │                            Redis lock store) → 1 action server → PostgreSQL
           └─ / and /staff → web chat + staff dashboard (bot.web) → through nginx to Rasa

`python -m ops.stack up [--port 8080]` starts everything on loopback ports and stops it all
on Ctrl-C. Rasa's HTTP API is not enabled on the replicas, and nginx exposes only the REST
webhook and the web page.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

from bot.paths import MODEL_PATH, PROJECT_ROOT
from bot.settings import ACTION_TOKEN_ENV, MAX_MESSAGE_BODY_BYTES, RELAY_TOKEN_ENV, STACK_PORT
from ops.local_services import RASA, PostgresServer, RedisServer, free_port, stop_processes, wait_for

SESSION_SECONDS = 3600  # the Redis copy of a conversation expires with its session

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
  access_log off;            # no IP addresses on disk
  server_tokens off;
  client_max_body_size 2m;   # bot.web answers 413 kindly above 1 MB
  # A client trickling its request holds a connection for at most this long.
  client_header_timeout 10s;
  client_body_timeout 10s;
  send_timeout 30s;
  client_body_temp_path {run}/tmp/body;
  proxy_temp_path {run}/tmp/proxy;
  fastcgi_temp_path {run}/tmp/fastcgi;
  uwsgi_temp_path {run}/tmp/uwsgi;
  scgi_temp_path {run}/tmp/scgi;
  # Every client is held to a person's pace, except an address a load test names for itself
  # (an empty key is not limited); production names none.
  geo $throttled {{ default 1; {unthrottled} }}
  map $throttled $client_key {{ 1 $binary_remote_addr; 0 ""; }}
  limit_req_zone $client_key zone=per_client:10m rate={rate}r/s;
  # A person types a message every few seconds at most: the page's chat endpoint is held
  # to that, per client address.
  limit_req_zone $client_key zone=chat:10m rate={chat_rate}r/s;
  limit_req_status 429;
  upstream rasa {{
{replicas}
  }}
  upstream web {{ server 127.0.0.1:{web_port}; }}
  server {{
    listen 127.0.0.1:{port};
    add_header Referrer-Policy no-referrer always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    location = /webhooks/rest/webhook {{
      # The same limit per client as the page's chat: a person, not a flood.
      limit_req zone=chat burst={chat_burst} nodelay;
      client_max_body_size {message_body_bytes};  # one message (bot.settings)
      proxy_pass http://rasa;
      # A replica that dies mid-answer (connection refused or reset, 502/503): the message goes
      # to the other one; the demand log keys events by the message's id (bot/demand/event.py).
      # Never on a timeout: a replica still working on the message would then work on it twice.
      proxy_next_upstream error http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
      {upstream_header}
    }}
    location /webhooks/ {{ return 404; }}
    location = /api/chat {{
      limit_req zone=chat burst={chat_burst} nodelay;
      proxy_pass http://web;
      proxy_read_timeout 90s;
      {forwarded}
    }}
    location / {{
      limit_req zone=per_client burst={burst} nodelay;
      proxy_pass http://web;
      proxy_read_timeout 90s;
      {forwarded}
    }}
  }}
  # The web page's own relay to Rasa: loopback only, not rate-limited per client (every
  # resident of the page would otherwise share the relay's one address).
  server {{
    listen 127.0.0.1:{internal_port};
    location = /webhooks/rest/webhook {{
      client_max_body_size {message_body_bytes};
      proxy_pass http://rasa;
      proxy_next_upstream error http_502 http_503 non_idempotent;  # never on a timeout (above)
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }}
    location / {{ return 404; }}
  }}
}}
"""


class Stack:
    def __init__(self, port: Optional[int] = None, replicas: int = 2, debug_upstream: bool = False,
                 rate: int = 200, burst: int = 400, chat_rate: int = 2, chat_burst: int = 10,
                 unthrottled_client: Optional[str] = None) -> None:
        self.unthrottled_client = unthrottled_client
        self.port = port or free_port()
        self.replica_count = replicas
        self.debug_upstream = debug_upstream
        self.rate, self.burst = rate, burst
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.run = Path(tempfile.mkdtemp(prefix="madoguchi-stack-"))
        self.processes: List[subprocess.Popen] = []
        self.replicas: List[subprocess.Popen] = []
        self.postgres: Optional[PostgresServer] = None
        self.redis: Optional[RedisServer] = None
        self.env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                    "DEMAND_SPOOL": str(self.run / "demand-spool.jsonl"),
                    "DEMAND_EVENT_KEY": secrets.token_hex(32),
                    ACTION_TOKEN_ENV: secrets.token_hex(32), RELAY_TOKEN_ENV: secrets.token_hex(32),
                    # A replica that dies holding a conversation's Redis lock frees it after this
                    # long, not Rasa's default 60 s (one message takes well under a second).
                    "TICKET_LOCK_LIFETIME": "10"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return self.postgres.url

    @property
    def spool(self) -> Path:
        return Path(self.env["DEMAND_SPOOL"])

    @property
    def postgres_paused(self) -> bool:
        return bool(self.postgres and self.postgres.paused)

    def _spawn(self, args: List[str], log: str, env: Optional[dict] = None) -> subprocess.Popen:
        process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env or self.env,
                                   stdout=open(self.run / log, "w"), stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start(self) -> "Stack":
        self.postgres = PostgresServer().start()
        self.redis = RedisServer().start()
        self.env["DATABASE_URL"] = self.postgres.url
        action_port = free_port()
        actions = self._spawn([sys.executable, "-m", "actions.server", "--host", "127.0.0.1",
                               "--port", str(action_port)], "actions.log")
        endpoints = self.run / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n  token: ${{{ACTION_TOKEN_ENV}}}\n'
            f"tracker_store:\n  type: redis\n  url: 127.0.0.1\n  port: {self.redis.port}\n  db: 0\n"
            f"  record_exp: {SESSION_SECONDS}\n  key_prefix: madoguchi\n"
            f"lock_store:\n  type: bot.stores.redis_lock_store.ResilientRedisLockStore\n  url: 127.0.0.1\n"
            f"  port: {self.redis.port}\n  db: 1\n  key_prefix: madoguchi\n"
        )
        self.replica_ports = [free_port() for _ in range(self.replica_count)]
        for index, port in enumerate(self.replica_ports):
            self.replicas.append(self._spawn(
                [RASA, "run", "--model", str(MODEL_PATH), "--interface", "127.0.0.1", "--port", str(port),
                 "--endpoints", str(endpoints), "--credentials", "credentials.yml"],
                f"rasa-{index}.log",
            ))
        web_port, self.internal_port = free_port(), free_port()
        web = self._spawn([sys.executable, "-m", "bot.web", "--port", str(web_port),
                           "--rasa-url", f"http://127.0.0.1:{self.internal_port}"], "web.log")
        self._write_nginx(web_port)
        nginx = self._spawn([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(self.run / "nginx.conf"),
                             "-p", str(self.run)], "nginx.log")
        wait_for(f"http://127.0.0.1:{action_port}/health", actions)
        for port, replica in zip(self.replica_ports, self.replicas):
            wait_for(f"http://127.0.0.1:{port}/", replica, timeout=180)
        wait_for(f"http://127.0.0.1:{web_port}/", web)
        wait_for(self.url + "/", nginx)
        return self

    def _write_nginx(self, web_port: int) -> None:
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run / "tmp" / folder).mkdir(parents=True, exist_ok=True)
        as_root = os.geteuid() == 0
        if as_root:  # nginx's workers drop to www-data; they need the temp folders
            for path in [self.run, *(self.run / "tmp").rglob("*"), self.run / "tmp"]:
                os.chmod(path, 0o777)
        replicas = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in self.replica_ports)
        (self.run / "nginx.conf").write_text(NGINX_CONF.format(
            run=self.run, user="user www-data;" if as_root else "", rate=self.rate, burst=self.burst,
            chat_rate=self.chat_rate, chat_burst=self.chat_burst,
            replicas=replicas, web_port=web_port, port=self.port, internal_port=self.internal_port,
            upstream_header="add_header X-Upstream $upstream_addr always;" if self.debug_upstream else "",
            message_body_bytes=MAX_MESSAGE_BODY_BYTES,
            unthrottled=f"{self.unthrottled_client} 0;" if self.unthrottled_client else "",
            # The web app checks Origin against Host, and believes these only from nginx.
            forwarded="proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $remote_addr; "
                      "proxy_set_header X-Forwarded-Proto $scheme;",
        ))

    def kill_replica(self, index: int) -> None:
        self.replicas[index].send_signal(signal.SIGKILL)
        self.replicas[index].wait(timeout=10)

    def stop(self) -> None:
        stop_processes(self.processes)
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()
        shutil.rmtree(self.run, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--port", type=int, default=STACK_PORT)
    args = parser.parse_args()
    stack = Stack(port=args.port).start()
    print(f"窓口ナビ stack: {stack.url}/ (web chat), {stack.url}/webhooks/rest/webhook (REST), "
          f"{stack.url}/staff; replicas {stack.replica_ports}, PostgreSQL {stack.database_url}. Ctrl-C stops.")
    try:
        while all(p.poll() is None for p in stack.processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
