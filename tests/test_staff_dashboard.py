"""The staff dashboard: accounts from the command line, login, CSRF, small-cell suppression,
the chart and the CSV — in a real headless Chromium."""
import os
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from bot.demand import DemandLog
from bot.demand.event import Channel, ConfidenceBand, DemandEvent, Outcome
from tests.test_web_chat import browser  # noqa: F401  (the shared Chromium fixture)
from tests.live_servers import start_staff_site

PASSWORD = "kaigo-soudan-2026"
MONDAY = datetime(2026, 11, 16, 10)


def seed(log: DemandLog) -> None:
    def event(domains, outcome=Outcome.REFERRED, hours=0, crisis=False, windows=("eniwa_coordinator",)):
        log.record(DemandEvent("eniwa", Channel.WEB, domains, windows, crisis, outcome, ConfidenceBand.HIGH, 1,
                               hour=MONDAY + timedelta(hours=hours)))
    for i in range(12):
        event(("elderly",), hours=i)
    for i in range(3):
        event(("rights",), hours=i)
    for i in range(11):
        event(("elderly", "hikikomori"), hours=24 * 7 + i)
    event((), Outcome.OUT_OF_SCOPE, windows=())
    event(("mental_health",), Outcome.CRISIS, crisis=True, windows=("yorisoi",))


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("staff")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'demand.sqlite3'}", "RASA_TELEMETRY_ENABLED": "false"}
    seed(DemandLog(env["DATABASE_URL"]))
    url, process = start_staff_site(workdir, env, "tanaka", PASSWORD)
    yield url, env
    process.terminate()
    process.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_of(url, data=None, headers=None):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(urllib.request.Request(url, data=data, headers=headers or {})).status
    except urllib.error.HTTPError as error:
        return error.code


def test_passwords_are_stored_as_argon2_hashes(staff_site):
    from sqlalchemy import text

    _, env = staff_site
    with DemandLog(env["DATABASE_URL"]).engine.connect() as connection:
        stored = connection.execute(text("select password_hash from staff_accounts where name='tanaka'")).scalar()
    assert stored.startswith("$argon2") and PASSWORD not in stored


@pytest.mark.parametrize("path, method, expected", [
    ("/staff", "GET", 302), ("/staff?m=eniwa", "GET", 302), ("/staff/chart.png", "GET", 401),
    ("/staff/export.csv", "GET", 401), ("/staff/logout", "POST", 401),
])
def test_every_staff_url_needs_a_login(staff_site, path, method, expected):
    url, _ = staff_site
    assert status_of(url + path, data=b"" if method == "POST" else None) == expected


def test_a_forged_login_without_the_csrf_token_is_refused(staff_site):
    url, _ = staff_site
    body = urllib.parse.urlencode({"name": "tanaka", "password": PASSWORD}).encode()
    assert status_of(url + "/staff/login", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"}) == 403


def test_dashboard_in_a_browser(browser, staff_site, tmp_path):  # noqa: F811
    url, _ = staff_site
    context = browser.new_context(accept_downloads=True, locale="ja-JP")
    page = context.new_page()
    page.goto(url + "/staff")
    expect(page).to_have_url(url + "/staff/login")
    page.get_by_label("職員名").fill("tanaka")
    page.get_by_label("パスワード").fill("wrong-password-1")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_contain_text("違います")
    page.get_by_label("職員名").fill("tanaka")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(url + "/staff")

    # The weekly chart is drawn (a real PNG decoded by the browser).
    chart = page.locator("#weekly-chart")
    expect(chart).to_be_visible()
    for _ in range(100):  # the page's CSP forbids eval, so poll from here
        if chart.evaluate("img => img.complete && img.naturalWidth"):
            break
        page.wait_for_timeout(100)
    assert chart.evaluate("img => img.naturalWidth") > 100

    # 3 events of 権利擁護 show as 10未満 (their total too). The 12 of 高齢 in the first week are
    # hidden: that week had 16 concerns, and 16 − 12 would show 4 concerns without 高齢. In the
    # second week all 11 concerns were 高齢: nothing small follows from showing 11.
    rights = page.locator("tr", has=page.locator("th", has_text="権利擁護")).first
    expect(rights.locator("td").first).to_have_text("10未満")
    elderly = page.locator("tr", has=page.locator("th", has_text="高齢・介護")).first
    expect(elderly.locator("td").first).to_have_text("―")
    expect(elderly.locator("td").nth(1)).to_have_text("11")
    expect(rights.locator("td").last).to_have_text("10未満")
    expect(page.locator("#crisis-count")).to_have_text("10未満")
    page.screenshot(path=str(tmp_path / "staff-dashboard.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSVで保存").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert "10未満" in content and "権利擁護" in content
    assert ",3," not in content

    # A forged logout (no CSRF token) is refused; the real one ends the session.
    forged = page.request.post(url + "/staff/logout", form={"csrf_token": "forged"}, max_redirects=0)
    assert forged.status == 403
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(url + "/staff/login")
    page.goto(url + "/staff")
    expect(page).to_have_url(url + "/staff/login")
    context.close()
