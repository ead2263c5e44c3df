"""/staff/indicators: the municipality's own indicators (knowledge/indicators/<code>.yml) per
month and fiscal year, in the page and in CSV, protected like the dashboard (indicator_table.py).

Like the dashboard, nothing here runs on the event loop that relays the residents' chat: the
query and the disclosure checks run in the staff query pool, once per view and minute.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Optional
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.demand.event import JST
from bot.knowledge import current_directory
from bot.staff.board_cache import BoardCache
from bot.staff.indicator_plans import PLANS_DIR, Plan, load_plans
from bot.staff.indicator_table import BadYear, IndicatorTable, build_indicator_table, csv_rows, fiscal_year_label
from bot.staff.offloop import querying

PLANS = "staff_indicator_plans"
TABLES = "staff_indicator_tables"
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                        autoescape=select_autoescape(["html"]))
TEMPLATES.globals["fiscal_year_label"] = fiscal_year_label


def _plan(request: web.Request) -> Optional[Plan]:
    plans = request.app[PLANS]
    code = request.query.get("m") or (sorted(plans)[0] if plans else "")
    if code and code not in plans:
        raise web.HTTPBadRequest(text="この市区町村の計画の指標はまだ登録されていません。")
    return plans.get(code)


def _year(request: web.Request) -> Optional[int]:
    text = request.query.get("fy") or ""
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise web.HTTPBadRequest(text="年度は 2026 のように西暦4桁で指定してください。")
    return int(text)


async def _table(request: web.Request, plan: Plan) -> IndicatorTable:
    year = _year(request)
    engine = request.app["demand_log"].engine
    threshold = request.app["staff_settings"].small_cell_threshold
    month = datetime.now(JST).date().replace(day=1)
    try:
        return await request.app[TABLES].get(
            (plan.municipality, year, threshold, month),
            lambda: build_indicator_table(engine, plan, year, threshold))
    except BadYear as error:
        raise web.HTTPBadRequest(text=str(error)) from None


def _query(table: IndicatorTable) -> str:
    query = {"m": table.plan.municipality}
    if table.fiscal_year:
        query["fy"] = str(table.fiscal_year)
    return urlencode(query)


async def indicators_page(request: web.Request) -> web.Response:
    plan = _plan(request)
    table = await _table(request, plan) if plan else None
    names = {code: m.name for code, m in current_directory().municipalities.items()}
    html = TEMPLATES.get_template("indicators.html").render(
        table=table,
        plans=[(code, names.get(code, code)) for code in sorted(request.app[PLANS])],
        query=_query(table) if table else "",
        staff_name=request["staff_session"].staff_name,
        csrf_token=request["staff_session"].csrf_token,
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8", headers={"Cache-Control": "no-store"})


def _csv_bytes(table: IndicatorTable) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(table))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Japanese CSV correctly


async def indicators_csv(request: web.Request) -> web.Response:
    plan = _plan(request)
    if plan is None:
        raise web.HTTPNotFound(text="計画の指標が登録されていません。")
    table = await _table(request, plan)
    body = await querying(_csv_bytes, table)
    name = f"madoguchi-indicators-{plan.municipality}-{table.fiscal_year or 'none'}.csv"
    return web.Response(body=body, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def register(app: web.Application) -> None:
    """Routes and plans; a broken plan file stops start-up, naming the file, indicator and field."""
    from bot.staff.views import require_session  # here: views imports this module to call register

    app[PLANS] = load_plans(PLANS_DIR, set(current_directory().municipalities))
    app[TABLES] = BoardCache(app["staff_settings"].board_cache_seconds)
    app.router.add_get("/staff/indicators", require_session(indicators_page))
    app.router.add_get("/staff/indicators.csv", require_session(indicators_csv))
