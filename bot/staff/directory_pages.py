"""/staff/directory: the municipality's staff keep its window directory true.

Staff accounts only; every form carries the session's CSRF token. A change is proposed through
a form, checked by the directory's own loader, staged in the database, and written to
knowledge/<code>.yml only when a second account approves it (bot/staff/directory_changes.py).
The pages show directory facts, demand counts by window (small ones suppressed) and staff names:
never anything a resident wrote.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Optional

from aiohttp import web

from bot import knowledge
from bot.knowledge.loader import field_label
from bot.knowledge.model import Municipality
from bot.knowledge.sources import JST, today_in_japan
from bot.knowledge.yaml_edit import WindowNotFound, window_values
from bot.paths import KNOWLEDGE_DIR
from bot.staff import directory_form as forms
from bot.staff import views
from bot.staff.directory_changes import ADD, EDIT, ChangeRefused, DirectoryChanges, Proposal
from bot.staff.directory_todo import demand_period, summary, todo_list, window_demand
from bot.staff.offloop import querying
from bot.staff.statistics import Board, build_board, this_monday
from bot.taxonomy import load_taxonomy

AGES_JA = {"child": "子ども", "adult": "大人", "older": "高齢者"}
STATUS_JA = {"pending": "承認待ち", "approved": "承認・反映済み", "rejected": "却下"}
EVENT_JA = {"proposed": "提案", "approved": "承認して反映", "rejected": "却下", "refused": "反映できず"}
ACTION_JA = {EDIT: "変更", ADD: "追加"}


def in_japan(moment: datetime) -> str:
    """A time the database holds in UTC, as the staff read a clock."""
    return moment.replace(tzinfo=timezone.utc).astimezone(JST).strftime("%Y-%m-%d %H:%M")


def _changes(request: web.Request) -> DirectoryChanges:
    return request.app["directory_changes"]


def _municipality(code: str) -> Municipality:
    municipality = knowledge.current_directory().municipality(code)
    if municipality is None:
        raise web.HTTPNotFound(text="その市区町村は窓口の一覧にありません。")
    return municipality


def _eligibility_text(window) -> str:
    eligibility = window.eligibility
    if eligibility.anyone and eligibility.serves is None:
        return "だれでも"
    parts = []
    if eligibility.ages:
        parts.append("・".join(AGES_JA.get(age, age) for age in eligibility.ages))
    if eligibility.serves:
        parts.append("ケアする家族")
    if not eligibility.residents:
        parts.append("専門職の会議（住民は案内しない）")
    described = f"「{eligibility.description}」" if eligibility.description else ""
    return "、".join(parts) + described


def _page(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    session = request["staff_session"]
    taxonomy = load_taxonomy()
    return views._html(template, status=status, staff_name=session.staff_name, csrf_token=session.csrf_token,
                       kinds=taxonomy.window_kinds, domains=taxonomy.domains, field_label=field_label,
                       status_ja=STATUS_JA, event_ja=EVENT_JA, action_ja=ACTION_JA,
                       **context)


async def directory_index(request: web.Request) -> web.Response:
    directory = knowledge.current_directory()
    pending = await querying(_changes(request).pending)
    waiting: Dict[str, int] = {}
    for proposal in pending:
        waiting[proposal.municipality] = waiting.get(proposal.municipality, 0) + 1
    today = today_in_japan()
    rows = [(m, summary(m.windows, today), waiting.get(m.code, 0))
            for m in sorted(directory.municipalities.values(), key=lambda m: (m.prefecture, m.name))]
    names = {m.code: m.name for m in directory.municipalities.values()}
    return _page(request, "directory_index.html", rows=rows, pending=pending, names=names)


async def _demand_board(request: web.Request, code: str) -> Board:
    """The dashboard's board of this municipality over the last 52 finished weeks, from the
    dashboard's own cache (the same key the dashboard gives that view)."""
    engine, threshold = request.app["demand_log"].engine, request.app["staff_settings"].small_cell_threshold
    since, until = demand_period()
    key = (code, since, until, threshold, this_monday())
    return await request.app["staff_boards"].get(key, lambda: build_board(engine, code, since, until, threshold))


async def municipality_page(request: web.Request) -> web.Response:
    municipality = _municipality(request.match_info["code"])
    changes = _changes(request)
    board = await _demand_board(request, municipality.code)
    pending = await querying(changes.pending, municipality.code)
    decided = await querying(changes.decided, municipality.code)
    today = today_in_japan()
    demand = window_demand(board, [w.id for w in municipality.windows])
    return _page(request, "directory_municipality.html", municipality=municipality, period=board.period,
                 todo=todo_list(municipality, demand, today), pending=pending, decided=decided,
                 eligibility_text=_eligibility_text, summary=summary(municipality.windows, today),
                 notice=request.query.get("notice"))


# --- the form -------------------------------------------------------------------------------

def _form_page(request: web.Request, municipality: Municipality, submitted: forms.Submitted,
               window_id: Optional[str], status: int = 200, general: Optional[str] = None) -> web.Response:
    kinds = {code: label for code, label in load_taxonomy().window_kinds.items() if code != "crisis_line"}
    return _page(request, "directory_form.html", status=status, municipality=municipality, form=submitted,
                 window_id=window_id, adding=window_id is None, general_error=general, kind_choices=kinds,
                 CONFIRMED=forms.CONFIRMED, SEED=forms.SEED)


def _file_values(changes: DirectoryChanges, code: str, window_id: str) -> Dict[str, Any]:
    try:
        return window_values(changes.text_of(code), window_id)
    except WindowNotFound:
        raise web.HTTPNotFound(text="その窓口はありません。") from None


async def edit_form(request: web.Request) -> web.Response:
    municipality = _municipality(request.match_info["code"])
    window_id = request.match_info["window_id"]
    values = await querying(_file_values, _changes(request), municipality.code, window_id)
    return _form_page(request, municipality, forms.from_file(values), window_id)


async def add_form(request: web.Request) -> web.Response:
    municipality = _municipality(request.match_info["code"])
    return _form_page(request, municipality, forms.blank(municipality.code), None)


def _refused_form(request, municipality, submitted, window_id, refused: ChangeRefused, index=None) -> web.Response:
    box = forms.GENERAL
    if refused.error is not None:
        box = forms.form_field(refused.error, f"{municipality.code}.yml", window_id or submitted.fields.get("id"), index)
    if box != forms.GENERAL:
        submitted.errors[box] = str(refused)
        return _form_page(request, municipality, submitted, window_id, status=422,
                          general="入力に直すところがあります。")
    return _form_page(request, municipality, submitted, window_id, status=422, general=str(refused))


def _redirect(municipality: Municipality, notice: str) -> web.HTTPFound:
    return web.HTTPFound(f"/staff/directory/{municipality.code}?notice={notice}")


async def edit_submit(request: web.Request) -> web.Response:
    session = request["staff_session"]
    form = await views._checked_form(request, session.csrf_token)
    municipality = _municipality(request.match_info["code"])
    window_id = request.match_info["window_id"]
    changes = _changes(request)
    current = await querying(_file_values, changes, municipality.code, window_id)
    submitted = forms.read(form, adding=False)
    try:
        values, before, source = forms.edit_values(submitted, current, session.staff_name)
    except forms.FormProblem as problem:
        return _form_page(request, municipality, submitted, window_id, status=422, general=str(problem))
    try:
        await querying(changes.propose, municipality.code, window_id, EDIT, values, before, source,
                       session.staff_name)
    except ChangeRefused as refused:
        return _refused_form(request, municipality, submitted, window_id, refused)
    raise _redirect(municipality, "proposed")


async def add_submit(request: web.Request) -> web.Response:
    session = request["staff_session"]
    form = await views._checked_form(request, session.csrf_token)
    municipality = _municipality(request.match_info["code"])
    submitted = forms.read(form, adding=True)
    values, source = forms.add_values(submitted, session.staff_name)
    window_id = str(values.get("id") or "")
    try:
        await querying(_changes(request).propose, municipality.code, window_id, ADD, values, {}, source,
                       session.staff_name)
    except ChangeRefused as refused:
        return _refused_form(request, municipality, submitted, None, refused, index=len(municipality.windows))
    raise _redirect(municipality, "proposed")


# --- review ---------------------------------------------------------------------------------

async def _proposal(request: web.Request) -> Proposal:
    proposal = await querying(_changes(request).get, int(request.match_info["proposal_id"]))
    if proposal is None:
        raise web.HTTPNotFound(text="その提案はありません。")
    return proposal


def _preview(changes: DirectoryChanges, proposal: Proposal):
    try:
        return changes.preview(proposal), None
    except ChangeRefused as refused:
        return None, str(refused)


async def proposal_page(request: web.Request, error: Optional[str] = None, status: int = 200) -> web.Response:
    proposal = await _proposal(request)
    changes = _changes(request)
    diff, problem = (None, None)
    if proposal.status == "pending":
        diff, problem = await querying(_preview, changes, proposal)
    audit = await querying(changes.audit, proposal.id)
    municipality = _municipality(proposal.municipality)
    return _page(request, "directory_proposal.html", status=status, proposal=proposal, municipality=municipality,
                 diff=diff, problem=problem, audit=audit, error=error,
                 own=proposal.proposed_by == request["staff_session"].staff_name)


async def _decide(request: web.Request, approving: bool) -> web.Response:
    """A second staff member approves or rejects a proposal (refusals are shown on its page)."""
    session = request["staff_session"]
    await views._checked_form(request, session.csrf_token)
    proposal = await _proposal(request)
    changes = _changes(request)
    try:
        await querying(changes.approve if approving else changes.reject, proposal.id, session.staff_name)
    except ChangeRefused as refused:
        return await proposal_page(request, error=str(refused), status=409)
    if approving:
        knowledge.look_again()  # this page shows the written file at once; the others follow in seconds
    raise _redirect(_municipality(proposal.municipality), "approved" if approving else "rejected")


async def approve(request: web.Request) -> web.Response:
    return await _decide(request, approving=True)


async def reject(request: web.Request) -> web.Response:
    return await _decide(request, approving=False)


def register(app: web.Application) -> None:
    """Adds the directory pages to the staff app (after add_staff_routes set the demand log)."""
    app["directory_changes"] = DirectoryChanges(app["demand_log"].engine, KNOWLEDGE_DIR)
    views.TEMPLATES.filters["field_label"] = field_label
    views.TEMPLATES.filters["jst"] = in_japan
    code = "{code:[a-z][a-z0-9_]*}"
    guarded = views.require_session
    app.router.add_get("/staff/directory", guarded(directory_index))
    app.router.add_get(r"/staff/directory/proposals/{proposal_id:\d{1,12}}", guarded(proposal_page))
    app.router.add_post(r"/staff/directory/proposals/{proposal_id:\d{1,12}}/approve", guarded(approve))
    app.router.add_post(r"/staff/directory/proposals/{proposal_id:\d{1,12}}/reject", guarded(reject))
    app.router.add_get(f"/staff/directory/{code}", guarded(municipality_page))
    app.router.add_get(f"/staff/directory/{code}/windows/new", guarded(add_form))
    app.router.add_post(f"/staff/directory/{code}/windows/new", guarded(add_submit))
    app.router.add_get(f"/staff/directory/{code}/windows/{{window_id:[a-z][a-z0-9_]*}}", guarded(edit_form))
    app.router.add_post(f"/staff/directory/{code}/windows/{{window_id:[a-z][a-z0-9_]*}}", guarded(edit_submit))
