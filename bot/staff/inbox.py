"""The trainers' inbox at /staff/inbox: kept samples, newest first, each with what the model
read; a trainer confirms or corrects the labels (into data/nlu/reviewed/<date>.yml) or
discards the sample, and it leaves the database at once. Also the last
`python -m bot retrain --compare`.

Only where the municipality opts in (STORE_REDACTED_SAMPLES=1); a staff session and its CSRF
token for everything. Only the stored redacted text exists, so nothing else can be shown; no
handler here logs a sample's text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional

from aiohttp import web

from bot.knowledge import current_directory
from bot.knowledge.routing_preferences import CRISIS_CATEGORIES
from bot.paths import PROJECT_ROOT
from bot.retrain import read_comparison
from bot.review.decisions import SampleGone, confirm, discard
from bot.review.reading import CRISIS_CATEGORY_LABELS, known_intents
from bot.review.reviewed_data import CONCERN_INTENT, Label, LabelError, ReviewedData
from bot.review.samples import SAFETY_CHECK, UNSURE, ReviewSamples
from bot.settings import redacted_samples_enabled, retrain_comparison_file, reviewed_data_dir
from bot.staff.offloop import querying
from bot.staff.views import TEMPLATES, _checked_form, _html, require_session
from bot.taxonomy import load_taxonomy

# One page holds this many samples (every request bounded); the rest follow as they are done.
PAGE_SIZE = 30
_SAMPLE_ID = re.compile(r"^[0-9a-f]{32}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REASONS = {
    "clarified": "分野を読み取れず聞き返した",
    "out_of_scope": "対象外と判断した",
    UNSURE: "自信が低いまま案内した",
    SAFETY_CHECK: "危険かどうか迷い、安全を確かめた",
}
INTENT_LABELS = {
    "describe_concern": "相談（describe_concern）",
    "out_of_scope": "対象外（out_of_scope）",
    "greet": "あいさつ（greet）",
    "goodbye": "終わりのあいさつ（goodbye）",
    "thanks": "お礼（thanks）",
    "affirm": "はい（affirm）",
    "deny": "いいえ（deny）",
    "unsure": "わからない（unsure）",
    "ask_contact_hours": "受付時間を聞く（ask_contact_hours）",
    "ask_human": "人と話したい（ask_human）",
    "bot_challenge": "ボットか聞く（bot_challenge）",
    "inform_municipality": "市区町村を答える（inform_municipality）",
}


@dataclass(frozen=True)
class Attempt:
    """What a trainer sent for one sample, shown again with the error that stopped it."""
    sample_id: str
    error: str
    intent: str
    domains: List[str]
    crisis: bool
    crisis_category: str
    text: Optional[str]


def _samples(request: web.Request) -> ReviewSamples:
    return ReviewSamples(request.app["demand_log"].engine)


def _reviewed() -> ReviewedData:
    return ReviewedData(reviewed_data_dir())


def _enabled() -> None:
    if not redacted_samples_enabled():
        raise web.HTTPNotFound(text="見直しは、住民の文の保存（STORE_REDACTED_SAMPLES=1）を選んだ自治体だけで使えます。")


def _shown_path(path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _load_page(engine) -> tuple:
    samples = ReviewSamples(engine)
    samples.purge()
    return samples.pending(newest_first=True, limit=PAGE_SIZE), samples.count()


def _done_file(day: str) -> Optional[str]:
    """The file a confirmation went to, named from the redirect's day (a date, nothing else)."""
    try:
        return _shown_path(_reviewed().path_for(date.fromisoformat(day))) if _DAY.match(day) else None
    except ValueError:
        return None


async def _page(request: web.Request, attempt: Optional[Attempt] = None, status: int = 200) -> web.Response:
    pending, total = await querying(_load_page, request.app["demand_log"].engine)
    comparison = await querying(read_comparison, retrain_comparison_file())
    directory = current_directory()
    return _html(
        "inbox.html", status=status,
        samples=pending, total=total, attempt=attempt,
        done=request.query.get("done"), done_file=_done_file(request.query.get("day", "")),
        reviewed_dir=_shown_path(reviewed_data_dir()),
        comparison=comparison, comparison_file=_shown_path(retrain_comparison_file()),
        reasons=REASONS, intents=[(name, INTENT_LABELS.get(name, name)) for name in known_intents()],
        concern_intent=CONCERN_INTENT, domains=load_taxonomy().domains,
        categories=[(code, CRISIS_CATEGORY_LABELS[code]) for code in CRISIS_CATEGORIES],
        municipality_names={code: m.name for code, m in directory.municipalities.items()},
        staff_name=request["staff_session"].staff_name, csrf_token=request["staff_session"].csrf_token,
    )


@require_session
async def inbox(request: web.Request) -> web.Response:
    _enabled()
    return await _page(request)


def _sample_id(request: web.Request) -> str:
    sample_id = request.match_info["sample_id"]
    if not _SAMPLE_ID.match(sample_id):
        raise web.HTTPNotFound(text="見本が見つかりません。")
    return sample_id


def _after(done: str, day: Optional[date] = None) -> web.HTTPSeeOther:
    query = f"?done={done}" + (f"&day={day.isoformat()}" if day else "")
    return web.HTTPSeeOther("/staff/inbox" + query)


@require_session
async def confirm_sample(request: web.Request) -> web.Response:
    _enabled()
    sample_id = _sample_id(request)
    form = await _checked_form(request, request["staff_session"].csrf_token)
    intent = str(form.get("intent", ""))
    domains = [str(d) for d in form.getall("domain", [])]
    crisis = form.get("crisis") == "1"
    category = str(form.get("crisis_category", "")) or None
    text = form.get("text")
    text = str(text) if isinstance(text, str) else None
    today = date.today()
    try:
        label = Label.checked(intent, domains, crisis, category)
        await querying(confirm, _samples(request), _reviewed(), sample_id, label, text, today)
    except LabelError as error:
        attempt = Attempt(sample_id, str(error), intent, domains, crisis, category or "", text)
        return await _page(request, attempt, status=400)
    except SampleGone:
        raise _after("gone")
    raise _after("confirmed", today)


@require_session
async def discard_sample(request: web.Request) -> web.Response:
    _enabled()
    sample_id = _sample_id(request)
    await _checked_form(request, request["staff_session"].csrf_token)
    try:
        await querying(discard, _samples(request), sample_id)
    except SampleGone:
        raise _after("gone")
    raise _after("discarded")


def _percent(value) -> str:
    return f"{float(value) * 100:.0f}%" if value is not None else "―"


def register(app: web.Application) -> None:
    TEMPLATES.globals["inbox_enabled"] = redacted_samples_enabled
    TEMPLATES.filters["percent"] = _percent
    app.router.add_get("/staff/inbox", inbox)
    app.router.add_post("/staff/inbox/{sample_id}/confirm", confirm_sample)
    app.router.add_post("/staff/inbox/{sample_id}/discard", discard_sample)
