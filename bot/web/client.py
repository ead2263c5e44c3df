"""What the web app may believe about the client behind a request: one answer for the chat
and the staff pages (bot/staff/settings.py holds the trusted proxies, read once at start-up)."""
from __future__ import annotations

from aiohttp import web

from bot.staff.settings import is_https


def uses_tls(request: web.Request) -> bool:
    """Whether the client reached us over TLS (nginx's X-Forwarded-Proto, believed only from it)."""
    return is_https(request, request.app["staff_settings"])
