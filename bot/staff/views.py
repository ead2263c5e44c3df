"""The staff dashboard at /staff: login, demand figures, chart, CSV. Every page needs a session;
every form carries a CSRF token."""
from __future__ import annotations

import csv
import io
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Optional
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.demand import DemandLog
from bot.knowledge import current_directory
from bot.staff.accounts import SESSION_LIFETIME, StaffAccounts, StaffSession
from bot.staff.chart import weekly_chart_png
from bot.staff.statistics import build_dashboard, csv_rows, parse_day
from bot.taxonomy import load_taxonomy

SESSION_COOKIE = "madoguchi_staff"
LOGIN_CSRF_COOKIE = "madoguchi_login_csrf"
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                        autoescape=select_autoescape(["html"]))
TEMPLATES.filters["label"] = lambda code: load_taxonomy().domains.get(code, code)


def small_cell_threshold() -> int:
    return int(os.environ.get("SMALL_CELL_THRESHOLD", "10"))


def _html(template: str, status: int = 200, **context) -> web.Response:
    return web.Response(text=TEMPLATES.get_template(template).render(**context), status=status,
                        content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/staff", httponly=True, samesite="Strict",
                        secure=request.secure)


def _session(request: web.Request) -> Optional[StaffSession]:
    return request.app["staff_accounts"].session(request.cookies.get(SESSION_COOKIE))


async def _checked_form(request: web.Request, expected: Optional[str]):
    form = await request.post()
    token = form.get("csrf_token", "")
    if not expected or not isinstance(token, str) or not secrets.compare_digest(token, expected):
        raise web.HTTPForbidden(text="フォームの有効期限が切れたか、不正な送信です。画面を開き直してください。")
    return form


async def login_page(request: web.Request) -> web.Response:
    token = secrets.token_urlsafe(32)
    response = _html("login.html", csrf_token=token)
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 1800)
    return response


async def login(request: web.Request) -> web.Response:
    form = await _checked_form(request, request.cookies.get(LOGIN_CSRF_COOKIE))
    accounts: StaffAccounts = request.app["staff_accounts"]
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    if not accounts.verify(name, password):
        token = secrets.token_urlsafe(32)
        response = _html("login.html", status=401, csrf_token=token, error="職員名かパスワードが違います。")
        _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 1800)
        return response
    session_token, _ = accounts.open_session(name)
    response = web.HTTPFound("/staff")
    _set_cookie(request, response, SESSION_COOKIE, session_token, int(SESSION_LIFETIME.total_seconds()))
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/staff")
    raise response


async def logout(request: web.Request) -> web.Response:
    session = _session(request)
    if session is None:
        raise web.HTTPUnauthorized(text="ログインしていません。")
    await _checked_form(request, session.csrf_token)
    request.app["staff_accounts"].close_session(request.cookies.get(SESSION_COOKIE))
    response = web.HTTPFound("/staff/login")
    response.del_cookie(SESSION_COOKIE, path="/staff")
    raise response


def _filters(request: web.Request) -> dict:
    code = request.query.get("m") or None
    if code and code not in current_directory().municipalities:
        code = None
    since, until = parse_day(request.query.get("from")), parse_day(request.query.get("to"))
    return {"municipality": code, "since": since, "until": until + timedelta(days=1) if until else None}


def _board(request: web.Request):
    filters = _filters(request)
    rows = request.app["demand_log"].events(**filters)
    return rows, build_dashboard(rows, small_cell_threshold()), filters


def require_session(handler):
    async def wrapped(request: web.Request):
        session = _session(request)
        if session is None:
            if request.method == "GET" and not request.path.endswith((".png", ".csv")):
                raise web.HTTPFound("/staff/login")
            raise web.HTTPUnauthorized(text="ログインが必要です。")
        request["staff_session"] = session
        return await handler(request)
    return wrapped


@require_session
async def dashboard(request: web.Request) -> web.Response:
    rows, board, filters = _board(request)
    directory = current_directory()
    query = urlencode({k: v for k, v in request.query.items() if k in ("m", "from", "to") and v})
    return _html(
        "dashboard.html",
        board=board,
        total_messages=len(rows),
        municipalities=sorted(directory.municipalities.values(), key=lambda m: (m.prefecture, m.name)),
        selected=filters["municipality"] or "",
        since=request.query.get("from", ""),
        until=request.query.get("to", ""),
        query=query,
        window_names={w_id: w.name for w_id, w in directory.by_id.items()},
        staff_name=request["staff_session"].staff_name,
        csrf_token=request["staff_session"].csrf_token,
    )


@require_session
async def chart(request: web.Request) -> web.Response:
    _, board, _ = _board(request)
    return web.Response(body=weekly_chart_png(board), content_type="image/png",
                        headers={"Cache-Control": "no-store"})


@require_session
async def export_csv(request: web.Request) -> web.Response:
    _, board, _ = _board(request)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(board))
    return web.Response(
        body=("\ufeff" + buffer.getvalue()).encode("utf-8"),  # BOM: Excel opens Japanese CSV correctly
        content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="madoguchi-demand.csv"', "Cache-Control": "no-store"},
    )


def add_staff_routes(app: web.Application, demand_log: DemandLog) -> None:
    app["demand_log"] = demand_log
    app["staff_accounts"] = StaffAccounts(demand_log.engine)
    app.router.add_get("/staff/login", login_page)
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/logout", logout)
    app.router.add_get("/staff", dashboard)
    app.router.add_get("/staff/chart.png", chart)
    app.router.add_get("/staff/export.csv", export_csv)
