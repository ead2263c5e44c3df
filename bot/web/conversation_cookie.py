"""The conversation id of a web page visitor, issued by the server in a signed HttpOnly cookie.

The browser never picks the id (a guessed or copied id would read and reset someone else's
conversation) and page scripts cannot read it. The signature makes sure the id was issued
here, so a client cannot choose one for itself either.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional

from aiohttp import web

from bot.settings import chat_cookie_key
from bot.web.client import uses_tls

COOKIE = "madoguchi_chat"
_ID_BYTES = 16


def _signature(conversation: str) -> str:
    return hmac.new(chat_cookie_key(), conversation.encode(), hashlib.sha256).hexdigest()[:32]


def issue() -> str:
    conversation = secrets.token_hex(_ID_BYTES)
    return f"{conversation}.{_signature(conversation)}"


def conversation_of(cookie_value: Optional[str]) -> Optional[str]:
    """The id inside a cookie this server issued; None for anything else."""
    if not cookie_value or cookie_value.count(".") != 1:
        return None
    conversation, signature = cookie_value.split(".")
    if len(conversation) != 2 * _ID_BYTES or not hmac.compare_digest(signature, _signature(conversation)):
        return None
    return conversation


def set_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    # No max-age: the conversation ends with the browser session (Rasa's session expiry
    # forgets it on the server side).
    response.set_cookie(COOKIE, value, path="/api/", httponly=True, samesite="Strict", secure=uses_tls(request))
