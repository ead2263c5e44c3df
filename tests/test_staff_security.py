"""The staff side under attack, against the real bot.web process: login throttling, password
checks and dashboards off the residents' event loop, sessions that end on a password reset or
when idle, Secure cookies behind a TLS proxy, far dates, and small counts that no combination
of the page's figures can recover."""
import re
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import List, Optional, Tuple

import pytest
import requests
from sqlalchemy import func, select

from bench.staff_attacks import insert_events
from bot.demand import DemandLog
from bot.demand.event import Channel, ConfidenceBand, DemandEvent, Outcome
from bot.demand.schema import staff_sessions
from bot.knowledge import current_directory
from bot.staff.accounts import StaffAccounts
from bot.staff.statistics import this_monday
from bot.staff.views import LOGINS_BUSY, TOO_MANY_ATTEMPTS, WRONG_LOGIN
from tests.live_servers import start_web

PASSWORD = "kaigo-soudan-2026"
STAFF_NAMES = ("tanaka", "suzuki", "sato", "ito", "kato", "yamada", "watanabe", "nakamura")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Site:
    def __init__(self, workdir, env_extra: Optional[dict] = None, events: int = 0) -> None:
        import os

        self.database_url = f"sqlite:///{workdir / 'demand.sqlite3'}"
        self.env = {**os.environ, "DATABASE_URL": self.database_url, "RASA_TELEMETRY_ENABLED": "false",
                    "DEMAND_SPOOL": str(workdir / "spool.jsonl"), **(env_extra or {})}
        self.log = DemandLog(self.database_url, spool=workdir / "spool.jsonl")
        accounts = StaffAccounts(self.log.engine)
        for name in STAFF_NAMES:
            accounts.add(name, PASSWORD)
        if events:
            insert_events(self.log.engine, events)
        self.url, self.process = start_web(9, self.env, workdir)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = Site(tmp_path_factory.mktemp("staff-security"))
    yield running
    running.stop()


def login_token(session: requests.Session, url: str) -> str:
    return CSRF.search(session.get(url + "/staff/login").text).group(1)


def try_login(url: str, name: str, password: str, address: Optional[str] = None,
              session: Optional[requests.Session] = None, headers: Optional[dict] = None) -> requests.Response:
    session = session or requests.Session()
    token = login_token(session, url)
    headers = {**({"X-Forwarded-For": address} if address else {}), **(headers or {})}
    return session.post(url + "/staff/login", data={"csrf_token": token, "name": name, "password": password},
                        headers=headers, allow_redirects=False, timeout=60)


def logged_in(url: str, name: str = "tanaka", address: Optional[str] = None) -> requests.Session:
    session = requests.Session()
    assert try_login(url, name, PASSWORD, address, session).status_code == 302
    return session


# --- the login throttle ----------------------------------------------------------------------

def test_fifty_wrong_passwords_then_the_right_one_is_refused(site):
    statuses = []
    for i in range(50):
        response = try_login(site.url, "tanaka", f"wrong-password-{i}", "203.0.113.10")
        statuses.append(response.status_code)
        assert (WRONG_LOGIN if response.status_code == 401 else TOO_MANY_ATTEMPTS) in response.text
    assert statuses == [401] * 5 + [429] * 45
    right = try_login(site.url, "tanaka", PASSWORD, "203.0.113.10")
    assert right.status_code == 429 and TOO_MANY_ATTEMPTS in right.text
    assert "madoguchi_staff" not in right.cookies

    # Another address is not locked out by these failures, but the account stays locked for all.
    assert try_login(site.url, "suzuki", PASSWORD, "203.0.113.11").status_code == 302
    assert try_login(site.url, "tanaka", PASSWORD, "203.0.113.11").status_code == 429
    # And the address stays locked for every account.
    assert try_login(site.url, "suzuki", PASSWORD, "203.0.113.10").status_code == 429


def test_an_unknown_name_gets_the_same_answers_as_a_real_one(site):
    def answers(name: str, address: str) -> List[Tuple[int, str]]:
        results = []
        for i in range(7):
            response = try_login(site.url, name, f"wrong-password-{i}", address)
            results.append((response.status_code, CSRF.sub("", response.text)))
        return results

    assert answers("ito", "203.0.113.20") == answers("no-such-staff", "203.0.113.21")


def test_the_right_password_clears_the_account_count(site):
    for i in range(4):
        assert try_login(site.url, "kato", f"wrong-{i}-password", "203.0.113.30").status_code == 401
    assert try_login(site.url, "kato", PASSWORD, "203.0.113.30").status_code == 302
    for i in range(4):  # without the reset these would be the account's 5th to 8th failures
        assert try_login(site.url, "kato", f"wrong-{i}-again", "203.0.113.31").status_code == 401
    assert try_login(site.url, "kato", PASSWORD, "203.0.113.31").status_code == 302


# --- residents while the staff side is attacked -----------------------------------------------

class Residents:
    """A resident's browser loading the page and the municipality list, one after another."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.spans: List[Tuple[float, float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        session = requests.Session()
        paths = ("/", "/api/municipalities")
        turn = 0
        while not self._stop.is_set():
            started = time.monotonic()
            status = session.get(self.url + paths[turn % 2], timeout=120).status_code
            self.spans.append((started, time.monotonic(), status))
            turn += 1

    def during(self, start: float, end: float) -> int:
        """Resident requests sent and answered entirely while [start, end] lasted."""
        return sum(1 for began, ended, _ in self.spans if began >= start and ended <= end)

    def median_ms(self) -> float:
        ordered = sorted(ended - began for began, ended, _ in self.spans)
        return round(1000 * ordered[len(ordered) // 2], 1)


@contextmanager
def residents_of(url: str):
    residents = Residents(url)
    residents._thread.start()
    try:
        yield residents
    finally:
        residents._stop.set()
        residents._thread.join(timeout=120)
    assert residents.spans and all(status == 200 for _, _, status in residents.spans)


def all_at_once(count: int, attempt) -> Tuple[List, float, float]:
    """`attempt(i)` in `count` threads released together; the results and when it all ran."""
    barrier = threading.Barrier(count)
    results: List = [None] * count

    def run(i: int) -> None:
        prepared = attempt(i)
        barrier.wait()
        results[i] = prepared()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results, started, time.monotonic()


def prepared_login(url: str, name: str, password: str, address: str):
    session = requests.Session()
    token = login_token(session, url)
    return lambda: session.post(url + "/staff/login", data={"csrf_token": token, "name": name, "password": password},
                                headers={"X-Forwarded-For": address}, allow_redirects=False, timeout=120)


def test_a_login_flood_on_one_account_is_refused_and_residents_are_answered(site):
    with residents_of(site.url) as residents:
        time.sleep(0.3)
        results, started, ended = all_at_once(
            12, lambda i: prepared_login(site.url, "sato", f"flood-guess-{i}", "198.51.100.7"))
        statuses = [r.status_code for r in results]
    print(f"residents' median {residents.median_ms()} ms; flood answers {sorted(statuses)}")
    assert statuses.count(401) == 5, statuses
    assert set(statuses) <= {401, 429, 503}
    assert try_login(site.url, "sato", PASSWORD, "198.51.100.7").status_code == 429
    # Password checks run beside the loop: residents were answered while the flood was checked.
    assert residents.during(started, ended) >= 3


def test_a_flood_of_guessed_names_is_bounded_and_residents_are_answered(site):
    with residents_of(site.url) as residents:
        time.sleep(0.3)
        results, started, ended = all_at_once(
            16, lambda i: prepared_login(site.url, f"guess-{i}", "guessed-password", f"198.51.100.{20 + i}"))
        statuses = [r.status_code for r in results]
    print(f"residents' median {residents.median_ms()} ms; flood answers {sorted(statuses)}")
    # No more than the waiting limit is ever checked at once; the rest is refused at once.
    assert 503 in statuses and set(statuses) <= {401, 503}
    assert all(LOGINS_BUSY in r.text for r in results if r.status_code == 503)
    assert residents.during(started, ended) >= 3


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory):
    running = Site(tmp_path_factory.mktemp("staff-busy"), events=20_000)
    yield running
    running.stop()


def test_four_staff_refreshing_twenty_thousand_events_do_not_stall_residents(busy_site):
    url = busy_site.url
    sessions = [logged_in(url, name) for name in STAFF_NAMES[:4]]

    def refresh(i: int):
        def run():
            return [sessions[i].get(url + path, timeout=300)
                    for path in ("/staff", "/staff/chart.png", "/staff/export.csv")]
        return run

    with residents_of(url) as residents:
        time.sleep(0.3)
        results, started, ended = all_at_once(4, refresh)
    print(f"staff refresh {ended - started:.2f} s; residents' median {residents.median_ms()} ms")
    assert all(r.status_code == 200 for rounds in results for r in rounds)
    assert all(int(r.headers["Content-Length"]) > 1000 for rounds in results for r in rounds)
    # The dashboards are built beside the loop: residents were answered all along.
    assert residents.during(started, ended) >= 10


# --- sessions and cookies ---------------------------------------------------------------------

def test_a_password_reset_ends_every_open_session(site):
    session = logged_in(site.url, "watanabe", "203.0.113.40")
    assert session.get(site.url + "/staff", allow_redirects=False).status_code == 200
    StaffAccounts(site.log.engine).add("watanabe", PASSWORD + "-new")
    assert session.get(site.url + "/staff", allow_redirects=False).status_code == 302
    assert session.get(site.url + "/staff/export.csv", allow_redirects=False).status_code == 401


@pytest.fixture(scope="module")
def idle_site(tmp_path_factory):
    running = Site(tmp_path_factory.mktemp("staff-idle"), {"STAFF_IDLE_TIMEOUT_SECONDS": "2"})
    yield running
    running.stop()


def test_an_idle_session_ends_on_the_server(idle_site):
    url = idle_site.url
    session = logged_in(url)
    for _ in range(3):  # used every 1.2 s: each request restarts the idle clock
        time.sleep(1.2)
        assert session.get(url + "/staff", allow_redirects=False).status_code == 200
    time.sleep(2.5)
    assert session.get(url + "/staff", allow_redirects=False).status_code == 302
    with idle_site.log.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(staff_sessions)).scalar() == 0


def cookie_header(response: requests.Response, name: str) -> str:
    return next(h for h in response.raw.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_cookies_are_secure_behind_the_tls_proxy(site):
    behind_tls = {"X-Forwarded-Proto": "https"}
    page = requests.get(site.url + "/staff/login", headers=behind_tls)
    assert "Secure" in cookie_header(page, "madoguchi_login_csrf")
    response = try_login(site.url, "yamada", PASSWORD, "203.0.113.50", headers=behind_tls)
    assert response.status_code == 302
    session_cookie = cookie_header(response, "madoguchi_staff")
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Strict" in session_cookie
    plain = try_login(site.url, "yamada", PASSWORD, "203.0.113.51")
    assert "Secure" not in cookie_header(plain, "madoguchi_staff")


def test_forwarded_headers_count_only_from_the_trusted_proxy():
    from unittest import mock

    from aiohttp.test_utils import make_mocked_request

    from bot.staff.settings import StaffSettings, client_address, is_https

    def request_from(peer: str, headers: dict):
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda key, default=None: {"peername": (peer, 40000)}.get(key, default)
        return make_mocked_request("GET", "/staff/login", headers=headers, transport=transport)

    settings = StaffSettings()
    forwarded = {"X-Forwarded-For": "192.0.2.1, 203.0.113.9", "X-Forwarded-Proto": "https"}
    assert client_address(request_from("127.0.0.1", forwarded), settings) == "203.0.113.9"
    assert is_https(request_from("127.0.0.1", forwarded), settings)
    assert client_address(request_from("198.51.100.3", forwarded), settings) == "198.51.100.3"
    assert not is_https(request_from("198.51.100.3", forwarded), settings)
    assert client_address(request_from("127.0.0.1", {"X-Forwarded-For": "not-an-address"}), settings) == "127.0.0.1"


# --- dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, status", [
    ("?to=9999-12-31", 200), ("?from=0001-01-01", 200), ("?from=0001-01-01&to=9999-12-31", 200),
    ("?from=9999-12-31", 200), ("?to=0001-01-01", 200), ("?m=hiroo&to=9999-12-31", 200),
    ("?to=2026-13-45", 400), ("?from=yesterday", 400), ("?from=2026-11-30&to=2026-11-01", 400),
    ("?to=99999-01-01", 400), ("?from=%00", 400),
])
def test_far_and_malformed_dates_are_answered_kindly(site, query, status):
    session = logged_in(site.url, "nakamura", "203.0.113.60")
    for path in ("/staff", "/staff/chart.png", "/staff/export.csv"):
        response = session.get(site.url + path + query, allow_redirects=False)
        assert response.status_code == status, (path, response.status_code)
        if status == 400:
            assert "日" in response.text


# --- small counts and differencing ------------------------------------------------------------

def record(log: DemandLog, municipality: str, count: int, hour: datetime, crisis: bool) -> None:
    domain, window = ("mental_health", "yorisoi") if crisis else ("elderly", "eniwa_coordinator")
    for i in range(count):
        log.record(DemandEvent(municipality, Channel.WEB, (domain,), (window,), crisis,
                               Outcome.CRISIS if crisis else Outcome.REFERRED, ConfidenceBand.HIGH, 1,
                               hour=hour + timedelta(hours=i % 100)))


MUNICIPALITIES = ("eniwa", "hiroo")
CLASSES = ("crisis", "referred")


@pytest.fixture(scope="module")
def hiroo_site(tmp_path_factory):
    """広尾町 had 23 crisis concerns one week and 3 the next; 恵庭市 is large every week."""
    workdir = tmp_path_factory.mktemp("staff-hiroo")
    log = DemandLog(f"sqlite:///{workdir / 'demand.sqlite3'}", spool=workdir / "spool.jsonl")
    weeks = [this_monday() - timedelta(weeks=n) for n in (3, 2, 1)]
    counts = {("eniwa", "crisis"): (40, 30, 25), ("eniwa", "referred"): (20, 20, 20), ("hiroo", "crisis"): (23, 3, 0)}
    for (municipality, kind), per_week in counts.items():
        for week, count in zip(weeks, per_week):
            record(log, municipality, count, datetime.combine(week, datetime.min.time()), kind == "crisis")
    running = Site(workdir, {"STAFF_BOARD_CACHE_SECONDS": "0"})  # every view computed afresh
    running.weeks = weeks
    yield running
    running.stop()


def shown_equations(session, url: str, municipality: str, query: str, weeks) -> List[Tuple[dict, int]]:
    """Every number the page and its CSV show, as (variables summed, value)."""
    page = session.get(f"{url}/staff?m={municipality}{query}").text
    first, last = re.search(r'id="period">(\d{4}-\d\d-\d\d)（月）から(\d{4}-\d\d-\d\d)（日）', page).groups()
    shown_weeks = [w for w in weeks if first <= w.isoformat() <= last]
    places = [municipality] if municipality else list(MUNICIPALITIES)

    def over(classes, in_weeks):
        return {(m, w, c): 1 for m in places for w in in_weeks for c in classes}

    found = []

    def add(variables, text):
        if text.strip().isdigit():
            found.append((variables, int(text)))

    add(over(["crisis"], shown_weeks), re.search(r'id="crisis-count">([^<]*)<', page).group(1))
    add(over(CLASSES, shown_weeks), re.search(r'id="total-concerns">([^<]*)<', page).group(1))
    windows = page.split("案内した窓口")[1]
    for window, kind in (("yorisoi", "crisis"), ("eniwa_coordinator", "referred")):
        name = re.escape(current_directory().by_id[window].name)
        for cell in re.findall(rf"<td>{name}</td><td>([^<]*)</td>", windows):
            add(over([kind], shown_weeks), cell)
    csv_text = session.get(f"{url}/staff/export.csv?m={municipality}{query}").content.decode("utf-8-sig")
    rows = [line.split(",") for line in csv_text.strip().splitlines()]
    header = rows[0]
    column_class = {i: ("crisis" if "mental_health" in h else "referred" if "elderly" in h else None)
                    for i, h in enumerate(header)}
    for row in rows[1:]:
        in_weeks = shown_weeks if row[0] == "合計" else [w for w in shown_weeks if w.isoformat() == row[0]]
        for i, text in enumerate(row[1:-1], start=1):
            if column_class[i]:
                add(over([column_class[i]], in_weeks), text)
            else:
                assert text == "0"
        add(over(CLASSES, in_weeks), row[-1])
    return found


def recoverable(equations, target) -> bool:
    import numpy

    variables = sorted({v for eq, _ in equations for v in eq} | {target})
    matrix = numpy.array([[eq.get(v, 0) for v in variables] for eq, _ in equations] or [[0] * len(variables)])
    unit = numpy.array([[1 if v == target else 0 for v in variables]])
    return numpy.linalg.matrix_rank(numpy.vstack([matrix, unit])) == numpy.linalg.matrix_rank(matrix)


def period_queries(weeks) -> List[str]:
    today = datetime.now().date().isoformat()
    queries = ["", f"&to={today}", f"&from={weeks[1] + timedelta(days=3)}&to={today}"]
    for i, first in enumerate(weeks):
        for last in weeks[i:]:
            queries.append(f"&from={first}&to={last + timedelta(days=6)}")
            queries.append(f"&from={first + timedelta(days=2)}&to={last + timedelta(days=4)}")
    return queries


def test_a_small_count_is_recovered_by_no_combination_of_totals_rows_or_periods(hiroo_site):
    session = logged_in(hiroo_site.url, "tanaka")
    weeks = hiroo_site.weeks
    equations = [eq for m in ("", "hiroo", "eniwa") for query in period_queries(weeks)
                 for eq in shown_equations(session, hiroo_site.url, m, query, weeks)]
    values = {}
    for eq, value in equations:
        assert values.setdefault(tuple(sorted(eq)), value) == value, "the same cells shown as two numbers"
    hiroo_small_week = ("hiroo", weeks[1], "crisis")
    assert not recoverable(equations, hiroo_small_week), "広尾町's 3 can be worked out from the page"
    # What is safe to show is still shown: 広尾町's 23 and 恵庭市's weeks.
    assert ({("hiroo", weeks[0], "crisis"): 1}, 23) in equations
    assert recoverable(equations, ("eniwa", weeks[1], "crisis"))


def test_this_weeks_conversations_do_not_move_the_figures(hiroo_site):
    session = logged_in(hiroo_site.url, "tanaka")
    today = datetime.now().date().isoformat()
    pages = ["/staff?m=hiroo", f"/staff?m=hiroo&to={today}", "/staff", "/staff/export.csv?m=hiroo"]

    def snapshot():
        return [CSRF.sub("", session.get(hiroo_site.url + page).text) for page in pages]

    before = snapshot()
    record(DemandLog(hiroo_site.env["DATABASE_URL"]), "hiroo", 3,
           datetime.combine(this_monday(), datetime.min.time()), crisis=True)
    assert snapshot() == before
