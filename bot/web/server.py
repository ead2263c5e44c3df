"""The resident's web chat: a static page plus one JSON endpoint relaying to Rasa's REST channel.

Same origin for page and API, so the browser needs no CORS and Rasa's own port never has
to face the internet. No CDN, no tracker: every byte the page loads comes from here.
"""
from __future__ import annotations

import argparse
import html
import json
import logging
import uuid
from pathlib import Path
from typing import Any, Dict, Optional

from aiohttp import ClientSession, ClientTimeout, web

from bot.demand import DemandLog
from bot.knowledge import current_directory
from bot.staff.views import add_staff_routes

STATIC_DIR = Path(__file__).with_name("static")
MAX_MESSAGE_CHARS = 20000  # far beyond any real story; past it the resident is told what was read
# 100,000 characters JSON-escaped as \uXXXX still fit, so a pasted document is read (its start), not refused.
MAX_BODY_BYTES = 1024 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
SORRY = "ごめんなさい。いま うまく こたえられません。すこし まってから もういちど かいてください。"
TOO_LONG = f"ごめんなさい。文章が長すぎて受け取れませんでした。{MAX_MESSAGE_CHARS}文字くらいまでに分けて送ってください。"


def static_fallback(code: Optional[str]) -> Dict[str, str]:
    """What a resident reads when the bot cannot answer (action server or Rasa down): a phone."""
    municipality = current_directory().municipality(code) if code else None
    department = municipality.department if municipality else None
    if department and department.phone:
        contact = f"{municipality.name}の{department.name}（{department.phone}）"
    else:
        line = current_directory().by_id["yorisoi"]
        contact = f"{line.name}（{line.phone}、{line.hours}）"
    return {"text": f"{SORRY}\nいそぐときは {contact} に でんわで そうだん してください。"}

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
    return page.replace("<!--HELPLINES-->", helplines).replace("<!--CRISIS_BANNER-->", banner)


async def index(request: web.Request) -> web.Response:
    return web.Response(text=render_index(), content_type="text/html", charset="utf-8")


async def municipalities(request: web.Request) -> web.Response:
    directory = current_directory()
    rows = sorted(
        ({"code": m.code, "name": m.name, "prefecture": m.prefecture} for m in directory.municipalities.values()),
        key=lambda row: (row["prefecture"], row["name"]),
    )
    return web.json_response(rows)


async def chat(request: web.Request) -> web.Response:
    try:
        body: Any = await request.json()
    except web.HTTPRequestEntityTooLarge:
        return web.json_response([{"text": TOO_LONG}], status=413)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return web.json_response([{"text": SORRY}], status=400)
    if not isinstance(body, dict):  # valid JSON such as `0` or `[]` is still not a message
        return web.json_response([{"text": SORRY}], status=400)
    sender = str(body.get("sender") or "")[:64]
    message = body.get("message")
    if not sender or not isinstance(message, str):
        return web.json_response([{"text": SORRY}], status=400)
    # The id lets nginx resend the message to the other replica when one dies mid-answer,
    # without the demand log counting the concern twice.
    payload = {"sender": sender, "message": message[:MAX_MESSAGE_CHARS],
               "metadata": {"channel": "web", "message_id": uuid.uuid4().hex}}
    code = body.get("municipality")
    if isinstance(code, str) and code in current_directory().municipalities:
        payload["metadata"]["municipality"] = code
    notes = []
    if len(message) > MAX_MESSAGE_CHARS:
        notes.append({"text": f"とても長い文章なので、はじめの{MAX_MESSAGE_CHARS}文字を読みました。続きは分けて書いてください。"})
    try:
        async with request.app["http"].post(request.app["rasa_webhook"], json=payload) as response:
            if response.status != 200:
                raise RuntimeError(f"Rasa answered {response.status}")
            answer = await response.json()
    except Exception as error:  # the resident always gets a kind answer, never a stack trace
        logger.warning("chat relay failed: %s", type(error).__name__)
        return web.json_response([static_fallback(payload["metadata"].get("municipality"))], status=502)
    if not answer:
        # Rasa answers nothing when the action server is down: never leave a resident in silence.
        answer = [static_fallback(payload["metadata"].get("municipality"))]
    return web.json_response(notes + answer)


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
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    current_directory()  # an invalid knowledge file stops start-up here, with its message
    web.run_app(create_app(args.rasa_url), host=args.host, port=args.port, access_log=None)


if __name__ == "__main__":
    main()
