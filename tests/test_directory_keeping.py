"""Directory keeping on /staff: the source and last_verified fields the loader checks, changes
staged in the database and approved by a second account, written back as only the changed
lines, the to-do list, and the pages (login, CSRF, Japanese messages) on the real bot.web.

Every test works on a copy of knowledge/ (MADOGUCHI_KNOWLEDGE_DIR for the server): the
repository's files are never written."""
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
import requests
import yaml
from sqlalchemy import select

from bot.demand import DemandLog
from bot.demand.event import Channel, ConfidenceBand, DemandEvent, Outcome
from bot.demand.schema import directory_audit
from bot.knowledge import load_directory
from bot.knowledge.loader import KnowledgeError
from bot.knowledge.sources import confirmed_by_staff, staff_confirmation, today_in_japan
from bot.knowledge.yaml_edit import dump, load
from bot.paths import KNOWLEDGE_DIR, KNOWLEDGE_DIR_ENV, PROJECT_ROOT
from bot.reply import confirmed_details
from bot.staff import directory_form as forms
from bot.staff.accounts import StaffAccounts
from bot.staff.directory_changes import ADD, EDIT, ChangeRefused, DirectoryChanges
from bot.staff.directory_todo import WEEKS, demand_period, todo_list, window_demand
from bot.staff.statistics import HIDDEN, SMALL, build_board, this_monday
from tests.live_servers import start_web

PASSWORD = "kaigo-soudan-2026"
WINDOW = "eniwa_community_care"
PHONE = "0123-99-0001"  # not a real number: tests only
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _git(folder, *args) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
                          cwd=folder, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def folder(tmp_path):
    """A copy of the directory under git, so a write-back can be read as `git diff`."""
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    _git(copy, "init", "-q")
    _git(copy, "add", ".")
    _git(copy, "commit", "-qm", "seed")
    return copy


@pytest.fixture
def changes(folder, tmp_path):
    log = DemandLog(f"sqlite:///{tmp_path / 'demand.sqlite3'}", spool=tmp_path / "spool.jsonl")
    return DirectoryChanges(log.engine, folder)


def _diff_lines(folder):
    """The +/- lines of `git diff` (no context, no headers)."""
    diff = _git(folder, "diff", "-U0")
    return [line for line in diff.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _rewrite(folder, name, edit):
    path = folder / name
    data = load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(dump(data), encoding="utf-8")


def _window(data, window_id):
    return next(w for w in data["windows"] if w["id"] == window_id)


# --- the file format --------------------------------------------------------------------------

def test_every_municipality_file_round_trips_byte_for_byte():
    """What makes a write-back a clean diff: reading and writing a file changes nothing."""
    for path in sorted(KNOWLEDGE_DIR.glob("*.yml")):
        if path.name == "taxonomy.yml":  # a copy of the shared contract, never written by staff
            continue
        text = path.read_text(encoding="utf-8")
        assert dump(load(text)) == text, path.name


def test_a_staff_confirmation_reads_back_and_a_wrong_one_is_not_one():
    today = today_in_japan()
    written = confirmed_by_staff(today, "田中")
    assert written == f"担当課確認 {today.isoformat()}（田中）"
    assert staff_confirmation(written).staff_name == "田中"
    for wrong in (f"担当課確認 {(today + timedelta(days=2)).isoformat()}（田中）",  # the future
                  "担当課確認 2026-02-30（田中）", "担当課確認 2026-01-05", "担当課確認 2026-01-05（）",
                  "担当課確認 2026-01-05（田（中））", "担当課確認 2026-01-05（ 田中）", "担当課 2026-01-05（田中）"):
        assert staff_confirmation(wrong) is None, wrong


def test_the_loader_accepts_sources_of_facts_and_last_verified(folder):
    confirmed = confirmed_by_staff(today_in_japan(), "tanaka")

    def edit(data):
        window = _window(data, WINDOW)
        window["phone"], window["phone_source"], window["last_verified"] = PHONE, confirmed, "2025-04-01"
    _rewrite(folder, "eniwa.yml", edit)
    window = load_directory(folder).by_id[WINDOW]
    assert window.phone == PHONE and window.source_of("phone") == confirmed
    assert window.source_of("hours") == window.source
    assert window.last_verified.isoformat() == "2025-04-01"
    result = subprocess.run([sys.executable, "-m", "bot.knowledge", "check", str(folder)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("changes_made, field", [
    ({"phone": PHONE, "phone_source": "担当課確認 2099-01-01（tanaka）"}, "phone_source"),
    ({"phone": PHONE, "phone_source": "担当課に電話で確認"}, "phone_source"),
    ({"phone_source": "担当課確認 2025-01-01（tanaka）"}, "phone_source"),  # a source of nothing
    ({"hours": "平日", "hourz_source": "001_ac5ac4c6f713267e.txt:178"}, "hourz_source"),
    ({"last_verified": "2025/04/01"}, "last_verified"),
    ({"last_verified": "2099-01-01"}, "last_verified"),
    ({"id": "eniwa_Ｎew"}, "id"),
])
def test_check_names_a_wrong_source_or_date(folder, changes_made, field):
    _rewrite(folder, "eniwa.yml", lambda data: _window(data, WINDOW).update(changes_made))
    with pytest.raises(KnowledgeError) as error:
        load_directory(folder)
    assert error.value.file == "eniwa.yml" and error.value.field == field
    assert re.search(r"[ぁ-んァ-ン一-龥]", error.value.ja), "the staff pages show it in Japanese"
    result = subprocess.run([sys.executable, "-m", "bot.knowledge", "check", str(folder)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and f"'{field}'" in result.stderr


# --- staging, approval, write-back -------------------------------------------------------------

def _phone_change(changes, staff="tanaka", phone=PHONE):
    current = forms.from_file({**_file_window(changes, WINDOW)})
    current.fields["phone"] = phone
    current.fields["last_verified"] = today_in_japan().isoformat()
    values, before, source = forms.edit_values(current, _file_window(changes, WINDOW), staff)
    return changes.propose("eniwa", WINDOW, EDIT, values, before, source, staff)


def _file_window(changes, window_id):
    from bot.knowledge.yaml_edit import window_values

    return window_values(changes.text_of("eniwa"), window_id)


def test_an_edit_is_staged_refused_to_its_proposer_and_written_as_only_its_lines(changes, folder):
    proposal_id = _phone_change(changes)
    assert _diff_lines(folder) == [], "nothing is written while the change waits"
    assert [p.id for p in changes.pending("eniwa")] == [proposal_id]

    with pytest.raises(ChangeRefused, match="自分の提案は承認できません"):
        changes.approve(proposal_id, "tanaka")
    assert _diff_lines(folder) == []

    approved = changes.approve(proposal_id, "suzuki")
    assert approved.status == "approved" and approved.decided_by == "suzuki" and approved.proposed_by == "tanaka"
    today = today_in_japan().isoformat()
    assert _diff_lines(folder) == [
        "-    phone: null",
        f'+    phone: "{PHONE}"',
        f'+    phone_source: "担当課確認 {today}（tanaka）"',
        f'+    last_verified: "{today}"',
    ]
    assert _git(folder, "diff", "--name-only").split() == ["eniwa.yml"]
    window = load_directory(folder).by_id[WINDOW]
    assert window.phone == PHONE and window.last_verified == today_in_japan()

    trail = [(entry.event, entry.staff_name) for entry in changes.audit(proposal_id)]
    assert trail == [("proposed", "tanaka"), ("refused", "tanaka"), ("approved", "suzuki")]
    assert all(isinstance(entry.at, datetime) for entry in changes.audit(proposal_id))
    assert f'+    phone: "{PHONE}"' in changes.audit(proposal_id)[-1].note
    with pytest.raises(ChangeRefused, match="すでに処理"):
        changes.approve(proposal_id, "sato")


def test_an_added_window_is_appended_after_one_blank_line(changes, folder):
    submitted = forms.blank("eniwa")
    submitted.fields.update(id="eniwa_kosodate_test", name="子育て相談テスト窓口", kind="child_family", domains=["child"],
                            phone=PHONE, helps_with="子育ての相談を受けます。", what_to_say="「子育てのことで相談したい」と伝えてください。")
    values, source = forms.add_values(submitted, "tanaka")
    proposal_id = changes.propose("eniwa", "eniwa_kosodate_test", ADD, values, {}, source, "tanaka")
    changes.approve(proposal_id, "suzuki")
    today = today_in_japan().isoformat()
    assert _diff_lines(folder) == [
        "+",
        "+  - id: eniwa_kosodate_test",
        '+    name: "子育て相談テスト窓口"',
        "+    kind: child_family",
        "+    domains: [child]",
        f'+    phone: "{PHONE}"',
        "+    hours: null",
        "+    place: null",
        '+    helps_with: "子育ての相談を受けます。"',
        '+    what_to_say: "「子育てのことで相談したい」と伝えてください。"',
        f'+    source: "担当課確認 {today}（tanaka）"',
        f'+    last_verified: "{today}"',
    ]
    window = load_directory(folder).by_id["eniwa_kosodate_test"]
    assert staff_confirmation(window.source).staff_name == "tanaka" and window.phone == PHONE


def test_a_rejected_change_is_never_written(changes, folder):
    proposal_id = _phone_change(changes)
    rejected = changes.reject(proposal_id, "suzuki")
    assert rejected.status == "rejected" and rejected.decided_by == "suzuki"
    with pytest.raises(ChangeRefused):
        changes.approve(proposal_id, "sato")
    assert _diff_lines(folder) == []
    assert [entry.event for entry in changes.audit(proposal_id)] == ["proposed", "rejected"]


def test_a_change_overtaken_by_another_is_refused_and_the_file_kept(changes, folder):
    first = _phone_change(changes, phone=PHONE)
    second = _phone_change(changes, staff="sato", phone="0123-99-0002")
    changes.approve(first, "suzuki")
    written = (folder / "eniwa.yml").read_text(encoding="utf-8")
    with pytest.raises(ChangeRefused, match="変わりました"):
        changes.approve(second, "suzuki")
    assert (folder / "eniwa.yml").read_text(encoding="utf-8") == written
    assert changes.get(second).status == "pending"
    with changes.engine.connect() as connection:
        refused = connection.execute(select(directory_audit.c.note).where(
            directory_audit.c.proposal_id == second, directory_audit.c.event == "refused")).scalar()
    assert "変わりました" in refused


def test_an_invalid_change_is_refused_before_it_is_staged_with_the_loader_message(changes, folder):
    current = _file_window(changes, WINDOW)
    submitted = forms.from_file(current)
    submitted.fields["phone"] = "call us"
    values, before, source = forms.edit_values(submitted, current, "tanaka")
    with pytest.raises(ChangeRefused) as refused:
        changes.propose("eniwa", WINDOW, EDIT, values, before, source, "tanaka")
    assert refused.value.error.field == "phone" and "電話番号は半角の数字とハイフン" in str(refused.value)
    assert forms.form_field(refused.value.error, "eniwa.yml", WINDOW, None) == "phone"
    assert changes.pending() == [] and _diff_lines(folder) == []


def test_a_fact_from_the_window_own_seed_line_needs_no_source_of_its_own(changes):
    current = _file_window(changes, WINDOW)
    submitted = forms.from_file(current)
    submitted.fields["place"] = "市内4か所"
    submitted.source_kind, submitted.seed_line = forms.SEED, current["source"]
    values, _, source = forms.edit_values(submitted, current, "tanaka")
    assert values == {"place": "市内4か所"} and source is None
    with pytest.raises(forms.FormProblem):
        forms.edit_values(forms.from_file(current), current, "tanaka")


def test_the_card_says_the_department_confirmed_the_phone_but_not_who(folder):
    confirmed = confirmed_by_staff(today_in_japan(), "tanaka")
    _rewrite(folder, "eniwa.yml", lambda data: _window(data, WINDOW).update(dict(phone=PHONE, phone_source=confirmed)))
    details = confirmed_details(load_directory(folder).by_id[WINDOW])
    assert details == [f"電話番号: {today_in_japan().isoformat()}に担当課に確認"]
    assert "tanaka" not in "".join(details)


# --- the to-do list ---------------------------------------------------------------------------

def _seed_referrals(log, counts, weeks_ago=2):
    hour = datetime.combine(this_monday() - timedelta(weeks=weeks_ago), datetime.min.time()) + timedelta(hours=10)
    for window_id, count in counts.items():
        for i in range(count):
            log.record(DemandEvent("eniwa", Channel.WEB, ("elderly",), (window_id,), False, Outcome.REFERRED,
                                   ConfidenceBand.HIGH, 1, hour=hour + timedelta(hours=i)))


def test_the_todo_list_puts_the_most_referred_first_with_the_dashboard_suppression(tmp_path, folder):
    log = DemandLog(f"sqlite:///{tmp_path / 'demand.sqlite3'}", spool=tmp_path / "spool.jsonl")
    _seed_referrals(log, {"eniwa_disability_efurat": 14, "eniwa_community_care": 11,
                          "eniwa_community_care_higashi": 3, "eniwa_activity_center": 2, "eniwa_coordinator": 12})
    _seed_referrals(log, {"eniwa_coordinator": 3}, weeks_ago=5)  # 15 in all, but one week of 3
    _seed_referrals(log, {"eniwa_swc": 10}, weeks_ago=WEEKS + 1)  # before the 52 weeks
    municipality = load_directory(folder).municipality("eniwa")
    since, until = demand_period()
    board = build_board(log.engine, "eniwa", since, until, 10)
    demand = window_demand(board, [w.id for w in municipality.windows])
    todo = todo_list(municipality, demand, today_in_japan())
    shown = [(t.window.id, t.referrals) for t in todo]
    assert shown[:2] == [("eniwa_disability_efurat", "14"), ("eniwa_community_care", "11")]
    # Withheld totals come next in the file's order, whatever they hide: 15 is not put above 3.
    assert shown[2:5] == [("eniwa_coordinator", HIDDEN), ("eniwa_community_care_higashi", SMALL),
                          ("eniwa_activity_center", SMALL)]
    assert dict(shown)["eniwa_swc"] == "0"
    assert "電話番号がない" in todo[0].reasons and "確認日の記録がない" in todo[0].reasons
    # The figures are the dashboard's for the same weeks.
    assert dict(board.window_rows(limit=50))["eniwa_disability_efurat"] == "14"


def test_a_window_verified_this_year_with_phone_and_hours_is_not_on_the_list(folder):
    def edit(data):
        _window(data, WINDOW).update(dict(phone=PHONE, hours="平日 8:45〜17:15", last_verified=today_in_japan().isoformat(),
                                          phone_source=confirmed_by_staff(today_in_japan(), "tanaka"),
                                          hours_source=confirmed_by_staff(today_in_japan(), "tanaka")))
        _window(data, "eniwa_coordinator")["last_verified"] = "2020-04-01"
    _rewrite(folder, "eniwa.yml", edit)
    municipality = load_directory(folder).municipality("eniwa")
    todo = {t.window.id: t.reasons for t in todo_list(municipality, {}, today_in_japan())}
    assert WINDOW not in todo
    assert "最後の確認から12か月以上（2020-04-01）" in todo["eniwa_coordinator"]


# --- the pages on the real bot.web --------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("directory-site")
    copy = workdir / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    database_url = f"sqlite:///{workdir / 'demand.sqlite3'}"
    log = DemandLog(database_url, spool=workdir / "spool.jsonl")
    for name in ("tanaka", "suzuki"):
        StaffAccounts(log.engine).add(name, PASSWORD)
    import os

    env = {**os.environ, "DATABASE_URL": database_url, "DEMAND_SPOOL": str(workdir / "spool.jsonl"),
           KNOWLEDGE_DIR_ENV: str(copy), "RASA_TELEMETRY_ENABLED": "false"}
    url, process = start_web(9, env, workdir)
    yield url, copy
    process.terminate()
    process.wait(timeout=20)


def _logged_in(url, name):
    session = requests.Session()
    token = CSRF.search(session.get(url + "/staff/login").text).group(1)
    answer = session.post(url + "/staff/login", data={"csrf_token": token, "name": name, "password": PASSWORD},
                          allow_redirects=False)
    assert answer.status_code == 302
    return session


def _form_of(session, url, path):
    """The form's fields as the page fills them (what a browser would send back unchanged)."""
    page = session.get(url + path).text
    fields = {name: value for name, value in re.findall(r'<input id="\w+" name="(\w+)"[^>]*? value="([^"]*)"', page)}
    for name, value in re.findall(r'<textarea id="\w+" name="(\w+)"[^>]*>([^<]*)</textarea>', page):
        fields[name] = value
    import html

    fields = {k: html.unescape(v) for k, v in fields.items()}
    kind = re.search(r'<option value="(\w+)" selected>', page)
    fields["kind"] = kind.group(1) if kind else ""
    fields["domains"] = re.findall(r'name="domains" value="(\w+)" checked', page)
    fields["source_kind"] = "confirmed"
    fields["csrf_token"] = CSRF.search(page).group(1)
    return fields


EDIT_PATH = f"/staff/directory/eniwa/windows/{WINDOW}"


@pytest.mark.parametrize("path, method", [
    ("/staff/directory", "GET"), ("/staff/directory/eniwa", "GET"), (EDIT_PATH, "GET"),
    ("/staff/directory/eniwa/windows/new", "GET"), ("/staff/directory/proposals/1", "GET"),
    (EDIT_PATH, "POST"), ("/staff/directory/eniwa/windows/new", "POST"),
    ("/staff/directory/proposals/1/approve", "POST"), ("/staff/directory/proposals/1/reject", "POST"),
])
def test_every_directory_url_needs_a_staff_login(site, path, method):
    url, _ = site
    answer = requests.request(method, url + path, allow_redirects=False, data={} if method == "POST" else None)
    if method == "GET":
        assert answer.status_code == 302 and answer.headers["Location"] == "/staff/login"
    else:
        assert answer.status_code == 401


def test_every_change_needs_the_session_csrf_token(site):
    url, copy = site
    before = (copy / "eniwa.yml").read_text(encoding="utf-8")
    session = _logged_in(url, "tanaka")
    form = _form_of(session, url, EDIT_PATH)
    form["phone"] = PHONE
    for token in (None, "forged"):
        sent = {k: v for k, v in form.items() if k != "csrf_token"}
        if token:
            sent["csrf_token"] = token
        assert session.post(url + EDIT_PATH, data=sent, allow_redirects=False).status_code == 403
        assert session.post(url + "/staff/directory/proposals/1/approve", data=sent,
                            allow_redirects=False).status_code == 403
    assert "承認待ちの提案" in session.get(url + "/staff/directory").text
    assert f"{WINDOW}</td>" not in session.get(url + "/staff/directory").text, "nothing was staged"
    assert (copy / "eniwa.yml").read_text(encoding="utf-8") == before


@pytest.mark.parametrize("change, box, message", [
    ({"phone": "代表に電話"}, "phone", "電話番号は半角の数字とハイフンで書いてください"),
    ({"phone": PHONE, "confirmed_on": "2099-01-01"}, "source", "出典は種の行"),
    ({"phone": PHONE, "source_kind": "seed", "seed_line": "計画書の5ページ"}, "source", "出典は種の行"),
    ({"name": ""}, "name", "名称を入力してください。"),
    ({"domains": []}, "domains", "分野を1つ以上選んでください。"),
    ({"last_verified": "2099-01-01"}, "last_verified", "今日までの日付"),
])
def test_a_wrong_value_is_shown_in_japanese_next_to_its_field(site, change, box, message):
    url, copy = site
    before = (copy / "eniwa.yml").read_text(encoding="utf-8")
    session = _logged_in(url, "tanaka")
    form = {**_form_of(session, url, EDIT_PATH), **change}
    answer = session.post(url + EDIT_PATH, data=form, allow_redirects=False)
    assert answer.status_code == 422
    assert re.search(rf'<p class="error" id="error-{box}">[^<]*{re.escape(message)}', answer.text), answer.text
    assert "入力に直すところがあります。" in answer.text
    assert (copy / "eniwa.yml").read_text(encoding="utf-8") == before


def test_an_added_window_with_a_wrong_id_is_named_in_japanese(site):
    url, _ = site
    session = _logged_in(url, "tanaka")
    form = _form_of(session, url, "/staff/directory/eniwa/windows/new")
    form.update(id="eniwa_子育て", name="子育てテスト", kind="child_family", domains=["child"], helps_with="子育ての相談。",
                what_to_say="相談したいと伝えてください。")
    answer = session.post(url + "/staff/directory/eniwa/windows/new", data=form, allow_redirects=False)
    assert answer.status_code == 422
    assert re.search(r'id="error-id">IDは「eniwa_」で始まる半角英小文字', answer.text)
    form["id"] = "eniwa_coordinator"
    answer = session.post(url + "/staff/directory/eniwa/windows/new", data=form, allow_redirects=False)
    assert answer.status_code == 422 and "すでにほかの窓口で使われています" in answer.text


def test_nothing_changed_is_said_so(site):
    url, _ = site
    session = _logged_in(url, "tanaka")
    answer = session.post(url + EDIT_PATH, data=_form_of(session, url, EDIT_PATH), allow_redirects=False)
    assert answer.status_code == 422 and forms.NOTHING_CHANGED in answer.text


def test_the_proposer_cannot_approve_and_a_second_account_can(site):
    url, copy = site
    tanaka, suzuki = _logged_in(url, "tanaka"), _logged_in(url, "suzuki")
    form = {**_form_of(tanaka, url, EDIT_PATH), "phone": "0123-99-0003", "hours": "平日 8:45〜17:15"}
    answer = tanaka.post(url + EDIT_PATH, data=form, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/directory/eniwa?notice=proposed"
    listing = tanaka.get(url + "/staff/directory").text
    proposal = re.findall(r"/staff/directory/proposals/(\d+)", listing)[-1]

    own = tanaka.get(url + f"/staff/directory/proposals/{proposal}").text
    assert "承認して反映する" not in own and "自分の提案は承認できません" in own
    refused = tanaka.post(url + f"/staff/directory/proposals/{proposal}/approve",
                          data={"csrf_token": CSRF.search(own).group(1)}, allow_redirects=False)
    assert refused.status_code == 409 and "自分の提案は承認できません" in refused.text
    assert "0123-99-0003" not in (copy / "eniwa.yml").read_text(encoding="utf-8")

    review = suzuki.get(url + f"/staff/directory/proposals/{proposal}").text
    assert '+    phone: &#34;0123-99-0003&#34;' in review, "the reviewer sees the lines to be written"
    approved = suzuki.post(url + f"/staff/directory/proposals/{proposal}/approve",
                           data={"csrf_token": CSRF.search(review).group(1)}, allow_redirects=False)
    assert approved.status_code == 302
    text = (copy / "eniwa.yml").read_text(encoding="utf-8")
    assert '    phone: "0123-99-0003"' in text and "（tanaka）" in text
    page = suzuki.get(url + "/staff/directory/eniwa").text
    assert re.search(r'<td class="phone[^"]*">0123-99-0003<br><small>出典: 担当課確認 \d{4}-\d\d-\d\d（tanaka）', page)
    trail = suzuki.get(url + f"/staff/directory/proposals/{proposal}").text
    assert re.search(r"<td>tanaka</td><td>提案</td>", trail) and re.search(r"<td>tanaka</td><td>反映できず</td>", trail)
    assert re.search(r"<td>suzuki</td><td>承認して反映</td>", trail)


def test_the_guide_example_passes_the_check(folder):
    """docs/DIRECTORY.md shows a window with a staff-confirmed phone: the check accepts it as written."""
    guide = (PROJECT_ROOT / "docs" / "DIRECTORY.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", guide, flags=re.S).group(1)
    example = yaml.safe_load(block)[0]
    _rewrite(folder, "eniwa.yml", lambda data: _window(data, example["id"]).update(example))
    window = load_directory(folder).by_id[example["id"]]
    assert staff_confirmation(window.source_of("phone")) is not None and window.last_verified is not None
