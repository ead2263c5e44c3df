"""The resident's web chat: a static page plus one JSON endpoint relaying to Rasa's REST channel.

Same origin for page and API, so the browser needs no CORS and Rasa's own port never has
to face the internet. No CDN, no tracker: every byte the page loads comes from here.
"""
from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import uuid
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

from aiohttp import ClientSession, ClientTimeout, web

from bot.channels.rest import RELAY_HEADER
from bot.demand import DemandLog
from bot.knowledge import current_directory
from bot.nlu.language import detect_language
from bot.settings import MAX_MESSAGE_CHARS, RASA_PORT, WEB_PORT, relay_token
from bot.staff.views import add_staff_routes
from bot.texts import lookup, say
from bot.web import conversation_cookie

STATIC_DIR = Path(__file__).with_name("static")
# A pasted document is still read (its start) rather than refused: the body may be far larger
# than one message; past MAX_MESSAGE_CHARS the resident is told what was read.
MAX_BODY_BYTES = 1024 * 1024
BODY_READ_SECONDS = 10  # a client trickling its upload holds a connection, not the relay
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def static_fallback(code: Optional[str]) -> Dict[str, str]:
    """What a resident reads when the bot cannot answer (action server or Rasa down): a phone."""
    municipality = current_directory().municipality(code) if code else None
    department = municipality.department if municipality else None
    if department and department.phone:
        # 「秋田県 健康福祉部…」 is not 小坂町's own section; 「天童市健康福祉部…」 already names its city.
        named = municipality.department_is_prefectural or (department.name or "").startswith(municipality.name)
        office = department.name if named else f"{municipality.name}の{department.name}"
        contact = f"{office}（{department.phone}）"
    else:
        line = current_directory().by_id["yorisoi"]
        contact = f"{line.name}（{line.phone}、{line.hours}）"
    return {"text": say("relay_sorry") + "\n" + say("relay_call_instead", contact=contact)}

logger = logging.getLogger(__name__)


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    response.headers.update(SECURITY_HEADERS)
    return response


# The page's permanent helplines (every state) and its crisis banner, from the directory:
# one home for every number (knowledge/national_crisis_lines.yml).
HELPLINE_IDS = ("police_110", "fire_ambulance_119", "yorisoi", "inochi_free_dial", "kokoro_unified",
                "child_abuse_189", "dv_plus", "child_sos_24h")
BANNER_LINES = (("命の危険・暴力", "police_110"), ("急病・けが", "fire_ambulance_119"), ("つらい気持ち", "yorisoi"))


def _line_item(window, label: Optional[str] = None) -> str:
    number = html.escape(window.phone)
    href = html.escape("tel:" + window.phone.replace("-", ""))
    hours = f"（{html.escape(window.hours)}）" if window.hours and window.hours_verified else ""
    prefix = f"{html.escape(label)}：" if label else ""
    return f'      <li>{prefix}<a href="{href}">{html.escape(window.name)} {number}</a>{hours}</li>'


def render_index() -> str:
    lines = current_directory().by_id
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    helplines = "\n".join(_line_item(lines[i]) for i in HELPLINE_IDS if i in lines)
    banner = "\n".join(_line_item(lines[i], label) for label, i in BANNER_LINES if i in lines)
    # "<" escaped, so no text can close the data element early.
    page_texts = json.dumps(lookup("page"), ensure_ascii=False).replace("<", "\\u003c")
    return (page.replace("<!--HELPLINES-->", helplines).replace("<!--CRISIS_BANNER-->", banner)
            .replace("<!--PAGE_TEXTS-->", page_texts))


async def index(request: web.Request) -> web.Response:
    return web.Response(text=render_index(), content_type="text/html", charset="utf-8")


async def municipalities(request: web.Request) -> web.Response:
    directory = current_directory()
    rows = sorted(
        ({"code": m.code, "name": m.name, "prefecture": m.prefecture} for m in directory.municipalities.values()),
        key=lambda row: (row["prefecture"], row["name"]),
    )
    return web.json_response(rows)


def _refusal(status: int) -> web.Response:
    return web.json_response([{"text": say("relay_sorry")}], status=status)


def _same_origin(request: web.Request) -> bool:
    """Another site cannot make its visitors' browsers talk to the bot (and fill the demand log).
    Browsers always send Origin with a cross-site POST; a request without one is not from a page."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


async def _message_body(request: web.Request) -> Any:
    raw = await asyncio.wait_for(request.read(), timeout=BODY_READ_SECONDS)
    return json.loads(raw)


async def chat(request: web.Request) -> web.Response:
    if not _same_origin(request):
        return _refusal(403)
    if request.content_type != "application/json":
        return _refusal(415)
    try:
        body: Any = await _message_body(request)
    except web.HTTPRequestEntityTooLarge:
        return web.json_response([{"text": say("relay_too_long", chars=MAX_MESSAGE_CHARS)}], status=413)
    except asyncio.TimeoutError:
        return _refusal(408)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError):
        return _refusal(400)
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return _refusal(400)
    message = body["message"]
    cookie = request.cookies.get(conversation_cookie.COOKIE)
    conversation = conversation_cookie.conversation_of(cookie)
    if conversation is None:
        cookie = conversation_cookie.issue()
        conversation = conversation_cookie.conversation_of(cookie)
    # The id lets nginx resend the message to the other replica when one dies mid-answer,
    # without the demand log counting the concern twice.
    payload = {"sender": f"web-{conversation}", "message": message[:MAX_MESSAGE_CHARS],
               "metadata": {"message_id": uuid.uuid4().hex}}
    code = body.get("municipality")
    if isinstance(code, str) and code in current_directory().municipalities:
        payload["metadata"]["municipality"] = code
    notes = []
    if len(message) > MAX_MESSAGE_CHARS:
        notes.append({"text": say("message_cut", detect_language(message[:MAX_MESSAGE_CHARS]), chars=MAX_MESSAGE_CHARS)})
    headers = {RELAY_HEADER: relay_token() or ""}
    status = 200
    try:
        async with request.app["http"].post(request.app["rasa_webhook"], json=payload, headers=headers) as response:
            if response.status != 200:
                raise RuntimeError(f"Rasa answered {response.status}")
            answer = await response.json()
    except Exception as error:  # the resident always gets a kind answer, never a stack trace
        logger.warning("chat relay failed: %s", type(error).__name__)
        answer, status = None, 502
    if not answer:
        # Rasa answers nothing when the action server is down: never leave a resident in silence.
        answer = [static_fallback(payload["metadata"].get("municipality"))]
    # The conversation's id stays in the HttpOnly cookie: no page script needs it.
    answer = [{k: v for k, v in m.items() if k != "recipient_id"} for m in answer if isinstance(m, dict)]
    reply = web.json_response(notes + answer, status=status)
    conversation_cookie.set_cookie(request, reply, cookie)
    return reply


async def _open_client(app: web.Application):
    app["http"] = ClientSession(timeout=ClientTimeout(total=60))
    yield
    await app["http"].close()


def create_app(rasa_url: str, demand_log: Optional[DemandLog] = None) -> web.Application:
    app = web.Application(middlewares=[security_headers], client_max_size=MAX_BODY_BYTES)
    add_staff_routes(app, demand_log or DemandLog())
    app["rasa_webhook"] = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
    app.cleanup_ctx.append(_open_client)
    app.router.add_get("/", index)
    app.router.add_get("/api/municipalities", municipalities)
    app.router.add_post("/api/chat", chat)
    app.router.add_static("/static/", STATIC_DIR)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the 窓口ナビ web chat.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=WEB_PORT)
    parser.add_argument("--rasa-url", default=f"http://127.0.0.1:{RASA_PORT}")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    current_directory()  # an invalid knowledge file stops start-up here, with its message
    web.run_app(create_app(args.rasa_url), host=args.host, port=args.port, access_log=None)


if __name__ == "__main__":
    main()
