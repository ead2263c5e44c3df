"""The staff dashboard at /staff: login, demand figures, chart, CSV. Every page needs a session;
every form carries a CSRF token.

This process also relays the residents' chat, so nothing here blocks its event loop: argon2,
the database and the chart run in the staff pools (bot/staff/offloop.py).
"""
from __future__ import annotations

import csv
import io
import secrets
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import Optional, Tuple
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.demand import DemandLog
from bot.knowledge import current_directory
from bot.staff import directory_pages
from bot.staff.accounts import SESSION_LIFETIME, StaffAccounts, StaffSession, warm_up
from bot.staff.board_cache import BoardCache
from bot.staff.chart import weekly_chart_png
from bot.staff.indicators import register as add_indicator_routes
from bot.staff.offloop import MAX_WAITING_CHECKS, hashing, querying
from bot.staff.settings import StaffSettings, client_address, is_https
from bot.staff.statistics import BadPeriod, Board, build_board, csv_rows, parse_day, this_monday
from bot.staff.throttle import LoginThrottle
from bot.taxonomy import load_taxonomy

SESSION_COOKIE = "madoguchi_staff"
LOGIN_CSRF_COOKIE = "madoguchi_login_csrf"
WRONG_LOGIN = "職員名かパスワードが違います。"
TOO_MANY_ATTEMPTS = "ログインの試行が多すぎます。しばらく待ってからもう一度お試しください。"
LOGINS_BUSY = "ただいまログインが混み合っています。しばらく待ってからもう一度お試しください。"
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                        autoescape=select_autoescape(["html"]))
TEMPLATES.filters["label"] = lambda code: load_taxonomy().domains.get(code, code)
WEEKDAYS = "月火水木金土日"
TEMPLATES.filters["day"] = lambda day: f"{day.isoformat()}（{WEEKDAYS[day.weekday()]}）"


class PasswordChecks:
    """Logins being checked in this process; past the limit, refused at once (so a flood holds
    a bounded queue, and a real login still gets its turn within a few seconds)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.inside = 0

    def take(self) -> bool:
        if self.inside >= self.limit:
            return False
        self.inside += 1
        return True

    def release(self) -> None:
        self.inside -= 1


def _settings(request: web.Request) -> StaffSettings:
    return request.app["staff_settings"]


def _html(template: str, status: int = 200, **context) -> web.Response:
    return web.Response(text=TEMPLATES.get_template(template).render(**context), status=status,
                        content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/staff", httponly=True, samesite="Strict",
                        secure=is_https(request, _settings(request)))


async def _session(request: web.Request) -> Optional[StaffSession]:
    return await querying(request.app["staff_accounts"].session, request.cookies.get(SESSION_COOKIE))


async def _checked_form(request: web.Request, expected: Optional[str]):
    form = await request.post()
    token = form.get("csrf_token", "")
    if not expected or not isinstance(token, str) or not secrets.compare_digest(token, expected):
        raise web.HTTPForbidden(text="フォームの有効期限が切れたか、不正な送信です。画面を開き直してください。")
    return form


def _login_form(request: web.Request, status: int = 200, error: Optional[str] = None) -> web.Response:
    token = secrets.token_urlsafe(32)
    response = _html("login.html", status=status, csrf_token=token, error=error)
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 1800)
    return response


async def login_page(request: web.Request) -> web.Response:
    return _login_form(request)


async def login(request: web.Request) -> web.Response:
    form = await _checked_form(request, request.cookies.get(LOGIN_CSRF_COOKIE))
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    checks: PasswordChecks = request.app["staff_password_checks"]
    if not checks.take():
        return _login_form(request, 503, LOGINS_BUSY)
    try:
        return await _check_login(request, name, password)
    finally:
        checks.release()


async def _check_login(request: web.Request, name: str, password: str) -> web.Response:
    accounts: StaffAccounts = request.app["staff_accounts"]
    throttle: LoginThrottle = request.app["staff_throttle"]
    # Counted before the check, whether or not the name exists: the answer and its timing
    # are the same for both.
    attempt = await querying(throttle.begin, name, client_address(request, _settings(request)))
    if attempt is None:
        return _login_form(request, 429, TOO_MANY_ATTEMPTS)
    if not await hashing(accounts.verify, name, password):
        return _login_form(request, 401, WRONG_LOGIN)
    await querying(throttle.succeeded, attempt)
    session_token, _ = await querying(accounts.open_session, name)
    response = web.Response(status=302, headers={"Location": "/staff"})
    _set_cookie(request, response, SESSION_COOKIE, session_token, int(SESSION_LIFETIME.total_seconds()))
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/staff")
    return response


async def logout(request: web.Request) -> web.Response:
    session = await _session(request)
    if session is None:
        raise web.HTTPUnauthorized(text="ログインしていません。")
    await _checked_form(request, session.csrf_token)
    await querying(request.app["staff_accounts"].close_session, request.cookies.get(SESSION_COOKIE))
    response = web.HTTPFound("/staff/login")
    response.del_cookie(SESSION_COOKIE, path="/staff")
    raise response


def _municipality(request: web.Request) -> Optional[str]:
    code = request.query.get("m") or None
    return code if code in current_directory().municipalities else None


def _asked_period(request: web.Request) -> Tuple[Optional[str], Optional[date], Optional[date]]:
    try:
        return _municipality(request), parse_day(request.query.get("from")), parse_day(request.query.get("to"))
    except BadPeriod as error:
        raise web.HTTPBadRequest(text=str(error)) from None


async def _board(request: web.Request) -> Board:
    """This request's board, from the cache or computed in the staff query pool."""
    municipality, since, until = _asked_period(request)
    engine, threshold = request.app["demand_log"].engine, _settings(request).small_cell_threshold
    key = (municipality, since, until, threshold, this_monday())
    try:
        return await request.app["staff_boards"].get(
            key, lambda: build_board(engine, municipality, since, until, threshold))
    except BadPeriod as error:
        raise web.HTTPBadRequest(text=str(error)) from None


def require_session(handler):
    async def wrapped(request: web.Request):
        session = await _session(request)
        if session is None:
            if request.method == "GET" and not request.path.endswith((".png", ".csv")):
                raise web.HTTPFound("/staff/login")
            raise web.HTTPUnauthorized(text="ログインが必要です。")
        request["staff_session"] = session
        return await handler(request)
    return wrapped


def _links(board: Board, municipality: Optional[str]) -> str:
    query = {"m": municipality or ""}
    if board.period:
        query.update({"from": board.period.first.isoformat(), "to": board.period.sunday.isoformat()})
    return urlencode({k: v for k, v in query.items() if v})


@require_session
async def dashboard(request: web.Request) -> web.Response:
    board = await _board(request)
    directory = current_directory()
    municipality = _municipality(request)
    return _html(
        "dashboard.html",
        board=board,
        municipalities=sorted(directory.municipalities.values(), key=lambda m: (m.prefecture, m.name)),
        selected=municipality or "",
        since=board.period.first.isoformat() if board.period else request.query.get("from", ""),
        until=board.period.sunday.isoformat() if board.period else request.query.get("to", ""),
        query=_links(board, municipality),
        window_names={w_id: w.name for w_id, w in directory.by_id.items()},
        staff_name=request["staff_session"].staff_name,
        csrf_token=request["staff_session"].csrf_token,
    )


@require_session
async def chart(request: web.Request) -> web.Response:
    png = await querying(weekly_chart_png, await _board(request))
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "no-store"})


def _csv_bytes(board: Board) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(board))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Japanese CSV correctly


@require_session
async def export_csv(request: web.Request) -> web.Response:
    body = await querying(_csv_bytes, await _board(request))
    return web.Response(
        body=body, content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="madoguchi-demand.csv"', "Cache-Control": "no-store"},
    )


async def _warm_up(app: web.Application) -> None:
    await hashing(warm_up)


def add_staff_routes(app: web.Application, demand_log: DemandLog, settings: Optional[StaffSettings] = None) -> None:
    settings = settings or StaffSettings.from_environment()
    app["demand_log"] = demand_log
    app["staff_settings"] = settings
    app["staff_accounts"] = StaffAccounts(demand_log.engine, idle_timeout=settings.idle_timeout)
    app["staff_throttle"] = LoginThrottle(demand_log.engine, settings.throttle_key)
    app["staff_password_checks"] = PasswordChecks(MAX_WAITING_CHECKS)
    app["staff_boards"] = BoardCache(settings.board_cache_seconds)
    app.on_startup.append(_warm_up)
    app.router.add_get("/staff/login", login_page)
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/logout", logout)
    app.router.add_get("/staff", dashboard)
    app.router.add_get("/staff/chart.png", chart)
    app.router.add_get("/staff/export.csv", export_csv)
    import_module("bot.staff.inbox").register(app)  # imported here: the inbox uses this module's helpers
    directory_pages.register(app)
    add_indicator_routes(app)
