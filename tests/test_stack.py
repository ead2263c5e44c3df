"""The multi-process stack (nginx → 2 Rasa replicas with Redis, action server, PostgreSQL):
state survives across replicas, a killed replica is not felt, a burst is throttled, and
Rasa's own API is never reachable through nginx."""
import asyncio
import urllib.error
import urllib.request

import aiohttp
import pytest

from bench.load import LOAD_CLIENT, report, run_load
from ops.stack import Stack


@pytest.fixture(scope="module")
def stack(trained_model):
    running = Stack(debug_upstream=True, unthrottled_client=LOAD_CLIENT).start()
    yield running
    running.stop()


def test_conversations_keep_state_and_survive_a_killed_replica(stack):
    result = asyncio.run(run_load(stack, residents=8, turns=10, kill_after=40))
    lines, ok = report(stack, result, kill=True)
    assert ok, "\n".join(lines)
    assert stack.replicas[0].poll() is not None, "replica 0 was really killed"


@pytest.mark.parametrize("path", ["/status", "/version", "/conversations/x/tracker", "/model/parse", "/webhooks/rest/"])
def test_rasa_http_api_is_not_exposed(stack, path):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(stack.url + path, timeout=10)
    assert error.value.code in (404, 405)


def test_security_headers_through_nginx(stack):
    with urllib.request.urlopen(stack.url + "/", timeout=10) as response:
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "nginx/" not in (response.headers.get("Server") or "")


# Last: the burst uses up the per-client allowance the other tests need.
def test_a_burst_from_one_client_is_throttled_never_failed(stack):
    async def burst():
        statuses = []
        connector = aiohttp.TCPConnector(limit=20)
        timeout = aiohttp.ClientTimeout(total=None, sock_read=90)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            async def one(i):
                async with session.post(stack.url + "/api/chat",
                                        json={"sender": "burst", "message": "こんにちは", "municipality": "eniwa"}) as r:
                    await r.read()
                    statuses.append(r.status)
            await asyncio.gather(*(one(i) for i in range(1000)))
        return statuses
    statuses = asyncio.run(burst())
    assert len(statuses) == 1000
    assert set(statuses) <= {200, 429}, set(statuses)
    assert 429 in statuses and 200 in statuses
