"""What the web app may believe about the client behind a request.

nginx on the same machine terminates TLS and forwards the client's address; its
X-Forwarded-* headers are believed only when the request really comes from it (a trusted
proxy address), never from a client that writes them itself.
"""
from __future__ import annotations

from aiohttp import web

from bot.settings import trusted_proxies


def from_trusted_proxy(request: web.Request) -> bool:
    return request.remote in trusted_proxies()


def uses_tls(request: web.Request) -> bool:
    if request.secure:
        return True
    return from_trusted_proxy(request) and request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def client_address(request: web.Request) -> str:
    """The client's address: the last hop nginx added when the peer is nginx, else the peer."""
    if from_trusted_proxy(request):
        forwarded = request.headers.get("X-Forwarded-For", "")
        last_hop = forwarded.split(",")[-1].strip()
        if last_hop:
            return last_hop
    return request.remote or ""
