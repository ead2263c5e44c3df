"""Rasa's REST channel at /webhooks/rest/webhook, made safe to face the internet.

Same URL and same replies as Rasa's RestInput, with what a public route needs:
- a malformed body is answered with 400 (Rasa 3.6 answers 500);
- a message is read up to MAX_MESSAGE_CHARS, and the resident is told when the rest was not;
- what the demand log counts is set here, not by the client: the channel, the message id
  and the conversation's namespace. Only the web page's relay, which proves itself with the
  shared relay token, may pass its own (the page's channel, the id nginx's resend keeps);
- a conversation id from a public client lives in its own namespace ("rest-"), so it can
  never read or reset a conversation of the web page, and it must be unguessable;
- the message's words never reach a log line, not even when handling it times out.
"""
from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.knowledge import current_directory
from bot.nlu.language import detect_language
from bot.privacy.log_guard import install_log_guard, remember_resident_text
from bot.settings import MAX_MESSAGE_CHARS, relay_token
from bot.texts import say

logger = logging.getLogger(__name__)
install_log_guard()  # Rasa imports this module at start-up, after configuring its logging

RELAY_HEADER = "X-Madoguchi-Relay"
WEB_CHANNEL = "web"
REST_CHANNEL = "rest"
PUBLIC_PREFIX = "rest-"
# A client-chosen id must be as hard to guess as a UUID: anyone who knows an id can continue
# that conversation and read its answers.
_PUBLIC_SENDER = re.compile(r"[A-Za-z0-9_-]{22,128}")
_MESSAGE_ID = re.compile(r"[0-9a-f]{32}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Rasa's own commands a client may send to its own conversation (its id is unguessable).
OWNER_COMMANDS = ("/restart",)


class BadRequest(ValueError):
    pass


def _body(request: Request) -> Dict[Text, Any]:
    try:
        body = request.json
    except Exception as error:  # sanic raises on invalid JSON; the words stay out of the log
        raise BadRequest("Send a JSON object") from error
    if not isinstance(body, dict):
        raise BadRequest('Send a JSON object: {"sender": "...", "message": "..."}')
    return body


def from_relay(request: Request) -> bool:
    expected = relay_token()
    offered = request.headers.get(RELAY_HEADER, "")
    return bool(expected) and secrets.compare_digest(offered.encode(), expected.encode())


def conversation_id(body: Dict[Text, Any], trusted: bool) -> str:
    sender = body.get("sender")
    if trusted and isinstance(sender, str) and sender.startswith(WEB_CHANNEL + "-"):
        return sender[:128]
    if sender is None:
        return PUBLIC_PREFIX + uuid.uuid4().hex  # the reply's recipient_id tells the client
    if not isinstance(sender, str) or not _PUBLIC_SENDER.fullmatch(sender):
        raise BadRequest('"sender" must be 22 to 128 letters, digits, "-" or "_" (a random id such as a UUID), '
                         "or absent: then the reply's recipient_id is the conversation's id")
    return PUBLIC_PREFIX + sender


def message_id(sent: Dict[Text, Any], sender: str, trusted: bool) -> str:
    """The relay's id as it is; a public client's id only within its own conversation (a resend
    of the same request after a replica died is counted once, and no client can name another
    conversation's message); a fresh one when the client gives none."""
    offered = sent.get("message_id")
    if trusted and isinstance(offered, str) and _MESSAGE_ID.fullmatch(offered):
        return offered
    if not trusted and isinstance(offered, str) and 0 < len(offered) <= 128:
        return hashlib.sha256(f"{sender}\n{offered}".encode()).hexdigest()[:32]
    return uuid.uuid4().hex


def message_metadata(body: Dict[Text, Any], sender: str, trusted: bool) -> Dict[Text, Any]:
    """Only what the server knows, plus the municipality the page chose (checked)."""
    sent = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    metadata: Dict[Text, Any] = {
        "channel": WEB_CHANNEL if trusted else REST_CHANNEL,
        "message_id": message_id(sent, sender, trusted),
    }
    code = sent.get("municipality", body.get("municipality"))
    if isinstance(code, str) and code in current_directory().municipalities:
        metadata["municipality"] = code
    return metadata


async def offered_payloads(agent: Any, sender: str) -> set:
    """The payloads of the buttons the bot showed since the resident last wrote."""
    tracker = await agent.tracker_store.retrieve(sender) if agent and agent.tracker_store else None
    offered: set = set()
    for event in reversed(tracker.events if tracker else []):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            offered.update(b.get("payload") for b in (event.data or {}).get("buttons") or [])
    return offered


async def as_resident_wrote(agent: Any, sender: str, text: str) -> str:
    """A "/intent{...}" message is a button press only if the bot offered that button: typed
    by hand it is read as words (one typed line must not become a counted choice of domain)."""
    if not text.startswith("/") or text.strip() in OWNER_COMMANDS:
        return text
    if text in await offered_payloads(agent, sender):
        return text
    return text.lstrip("/")


def read_part(text: Any) -> tuple:
    """(the part the bot reads, whether something was left out)."""
    text = "" if text is None else str(text)
    # Lone surrogates (broken emoji) cannot be stored or encoded: one replacement character each.
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return text[:MAX_MESSAGE_CHARS], len(text) > MAX_MESSAGE_CHARS


class SafeRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return REST_CHANNEL

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("madoguchi_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = _body(request)
                trusted = from_relay(request)
                sender = conversation_id(body, trusted)
                metadata = message_metadata(body, sender, trusted)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            text, cut = read_part(body.get("message"))
            remember_resident_text(text)
            text = await as_resident_wrote(getattr(request.app.ctx, "agent", None), sender, text)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=REST_CHANNEL,
                                                 metadata=metadata))
            except CancelledError:
                logger.error("handling a message timed out (its words are not logged)")
            except Exception as error:
                logger.error("handling a message failed: %s (its words are not logged)", type(error).__name__)
            replies = list(collector.messages)
            if cut:
                note = say("message_cut", detect_language(text), chars=MAX_MESSAGE_CHARS)
                replies.insert(0, {"recipient_id": sender, "text": note})
            return response.json(replies)

        return webhook

