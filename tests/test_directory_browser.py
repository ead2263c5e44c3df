"""Directory keeping end to end, in a real headless Chromium: staff member A adds a phone with
its source to a window, staff member B approves it, and the resident's chat (the web app, Rasa
and the action server, each its own process) shows the phone within seconds, no restart.

The servers read a copy of knowledge/ (MADOGUCHI_KNOWLEDGE_DIR): the repository's files are
never written. Screenshots of the directory pages go to docs/screenshots/."""
import shutil
import subprocess
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from bot.demand import DemandLog
from bot.demand.event import Channel, ConfidenceBand, DemandEvent, Outcome
from bot.knowledge.sources import today_in_japan
from bot.paths import KNOWLEDGE_DIR, KNOWLEDGE_DIR_ENV, PROJECT_ROOT
from bot.staff.accounts import StaffAccounts
from bot.staff.statistics import this_monday
from tests.live_servers import LiveBot, start_web
from tests.test_web_chat import SCREENSHOTS, browser, send  # noqa: F401  (the shared Chromium fixture)

PASSWORD = "kaigo-soudan-2026"
WINDOW = "eniwa_community_care_higashi"
WINDOW_NAME = "恵庭市ひがし地域包括支援センター"
PHONE = "0123-99-0001"  # not a real number: tests only
WORRY = "高齢の母の物忘れが心配です"
# Referrals over finished weeks, so the to-do list has an order to show (and a small count).
REFERRALS = {WINDOW: 23, "eniwa_coordinator": 12, "eniwa_disability_efurat": 4}


def _seed(log: DemandLog) -> None:
    hour = datetime.combine(this_monday() - timedelta(weeks=3), datetime.min.time()) + timedelta(hours=9)
    for window_id, count in REFERRALS.items():
        for i in range(count):
            log.record(DemandEvent("eniwa", Channel.WEB, ("elderly",), (window_id,), False, Outcome.REFERRED,
                                   ConfidenceBand.HIGH, 1, hour=hour + timedelta(hours=i)))


@pytest.fixture(scope="module")
def keeping_site(trained_model, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("directory-live")
    copy = workdir / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    bot = LiveBot(workdir)
    bot.env[KNOWLEDGE_DIR_ENV] = str(copy)
    log = DemandLog(bot.database_url, spool=workdir / "spool.jsonl")
    for name in ("tanaka", "suzuki"):
        StaffAccounts(log.engine).add(name, PASSWORD)
    _seed(log)
    bot.start()
    url, web = start_web(bot.rasa_port, bot.env, workdir)
    yield url, copy
    web.terminate()
    web.wait(timeout=20)
    bot.stop()


def _log_in(browser, url, name):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(url + "/staff/directory")
    expect(page).to_have_url(url + "/staff/login")
    page.get_by_label("職員名").fill(name)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(url + "/staff")
    return context, page


def _card(page):
    return page.locator("article.card", has=page.locator("h3", has_text=WINDOW_NAME)).first


def _ask(browser, url):  # noqa: F811
    """A new resident's conversation at 恵庭市; the page and the window's card."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{url}/?m=eniwa")
    send(page, WORRY)
    expect(_card(page)).to_be_visible(timeout=60000)
    return context, page


def test_a_phone_added_by_one_staff_member_and_approved_by_another_reaches_the_chat(browser, keeping_site):  # noqa: F811
    url, copy = keeping_site
    repository_before = subprocess.run(["git", "diff", "--stat", "--", "knowledge"], cwd=PROJECT_ROOT,
                                       capture_output=True, text=True).stdout

    resident, page = _ask(browser, url)
    expect(_card(page)).not_to_contain_text(PHONE)
    resident.close()

    # Staff member A: the municipality's page, its to-do list, then the window's form.
    staff_a, a = _log_in(browser, url, "tanaka")
    a.goto(url + "/staff/directory")
    a.get_by_role("link", name="北海道 恵庭市").click()
    expect(a).to_have_url(url + "/staff/directory/eniwa")
    todo = a.locator("#todo tbody tr")
    expect(todo.first).to_contain_text(WINDOW_NAME)  # referred most, and no phone
    expect(todo.first).to_contain_text("23")
    expect(todo.first).to_contain_text("電話番号がない")
    expect(a.locator("#todo tbody tr", has_text="e-ふらっと")).to_contain_text("10未満")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    a.get_by_role("link", name=f"{WINDOW_NAME}を直す", exact=True).click()
    a.locator("#phone").fill("代表に電話")
    a.get_by_role("button", name="変更を提案する").click()
    expect(a.locator("#error-phone")).to_contain_text("電話番号は半角の数字とハイフンで書いてください")
    expect(a.locator("#form-error")).to_have_text("入力に直すところがあります。")
    a.screenshot(path=str(SCREENSHOTS / "staff-directory-form.png"), full_page=True)
    a.locator("#phone").fill(PHONE)
    expect(a.get_by_label("担当課に確認した")).to_be_checked()
    expect(a.locator("#confirmed_on")).to_have_value(today_in_japan().isoformat())
    a.locator("#last_verified").fill(today_in_japan().isoformat())
    a.get_by_role("button", name="変更を提案する").click()
    expect(a.get_by_role("status")).to_contain_text("提案を保存しました")
    assert PHONE not in (copy / "eniwa.yml").read_text(encoding="utf-8"), "staged, not written"
    a.locator("#municipality-pending a").first.click()
    expect(a.get_by_role("button", name="承認して反映する")).to_have_count(0)
    expect(a.get_by_text("自分の提案は承認できません")).to_be_visible()

    # Staff member B reviews the lines to be written and approves them.
    staff_b, b = _log_in(browser, url, "suzuki")
    b.goto(url + "/staff/directory")
    b.locator("#pending").get_by_role("link", name="確認する").click()
    expect(b.locator("#diff")).to_contain_text(f'+    phone: "{PHONE}"')
    expect(b.locator("#diff")).to_contain_text(f"+    phone_source: \"担当課確認 {today_in_japan().isoformat()}（tanaka）\"")
    b.screenshot(path=str(SCREENSHOTS / "staff-directory-review.png"), full_page=True)
    b.get_by_role("button", name="承認して反映する").click()
    approved_at = time.monotonic()
    expect(b.get_by_role("status")).to_contain_text("書き込みました")
    expect(b.locator(f"#window-{WINDOW} td.phone")).to_contain_text(PHONE)
    expect(b.locator(f"#window-{WINDOW} td.phone")).to_contain_text(f"担当課確認 {today_in_japan().isoformat()}（tanaka）")
    expect(b.locator("#decided")).to_contain_text("suzuki")
    expect(b.locator("#todo tbody tr").first).to_contain_text("受付時間がない")
    expect(b.locator("#todo tbody tr").first).not_to_contain_text("電話番号がない")
    b.screenshot(path=str(SCREENSHOTS / "staff-directory-eniwa.png"), full_page=True)

    # The resident's chat: the action server reads the written file within seconds.
    shown = None
    while time.monotonic() - approved_at < 30:
        resident, page = _ask(browser, url)
        if PHONE in _card(page).inner_text():
            shown = time.monotonic() - approved_at
            break
        resident.close()
        time.sleep(1)
    assert shown is not None, "the approved phone never reached the chat"
    print(f"the approved phone reached the chat {shown:.1f} s after the approval")
    assert shown < 15
    card = _card(page)
    expect(card.locator("a.call")).to_have_attribute("href", "tel:0123990001")
    card.locator("summary").click()
    # The resident reads that the department confirmed it, and when; not which staff member.
    expect(card).to_contain_text(f"電話番号: {today_in_japan().isoformat()}に担当課に確認")
    assert "tanaka" not in card.inner_text()
    card.get_by_text("に担当課に確認").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "directory-phone-in-chat-390x844.png"), full_page=True)
    resident.close()
    staff_a.close()
    staff_b.close()

    diff = subprocess.run(["git", "diff", "--stat", "--", "knowledge"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True).stdout
    assert diff == repository_before, "the repository's own knowledge/ is never written by tests"
