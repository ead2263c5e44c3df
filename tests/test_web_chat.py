"""The resident's web page in a real headless Chromium (Debian's), driven by Playwright."""
import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.knowledge import current_directory
from bot.paths import PROJECT_ROOT
from bot.routing import coordinating_window

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EIGHTY_FIFTY = "80歳の母と無職で閉じこもっている兄、母の年金だけで暮らしています"
# What the browser tests show of the answer on a phone (390×844), kept in the repository.
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests
    yield page
    context.close()


def send(page, text):
    page.get_by_label("困っていることを書いてください").fill(text)
    page.keyboard.press("Enter")


def test_8050_worry_shows_cards_for_each_domain_and_the_coordinator(phone_page, live_web, tmp_path):
    page = phone_page
    page.goto(f"{live_web}/?m=eniwa")
    expect(page.locator("#municipality")).to_have_value("eniwa")
    send(page, EIGHTY_FIFTY)
    cards = page.locator("article.card h3")
    expect(cards.first).to_be_visible(timeout=30000)
    expect(page.get_by_text("ほかにも困っていることはありますか。")).to_be_visible()
    titles = cards.all_inner_texts()
    assert any("地域包括支援センター" in t for t in titles), titles
    assert any("（ひきこもり）" in t for t in titles), titles
    assert any("（生活困窮・家計）" in t for t in titles), titles
    assert any("重層支援コーディネーター" in t for t in titles), titles
    assert page.locator("#crisis-banner").is_hidden()
    page.screenshot(path=str(tmp_path / "web-chat-8050.png"), full_page=True)
    assert all(url.startswith(live_web) for url in page.requests), "no CDN, no tracker"


def test_a_crisis_shows_the_banner_and_crisis_lines_first(phone_page, live_web):
    page = phone_page
    page.goto(f"{live_web}/?m=eniwa")
    send(page, "もう消えたい。今夜終わりにしようと思う")
    banner = page.locator("#crisis-banner")
    expect(banner).to_be_visible(timeout=30000)
    expect(banner.get_by_role("link", name="警察（緊急） 110")).to_have_attribute("href", "tel:110")
    first_card = page.locator("#log article.card").first
    expect(first_card).to_have_class("card crisis-line")
    expect(first_card.locator("a.call")).to_have_attribute("href", "tel:0120279338")
    classes = page.locator("#log article.card").evaluate_all("cards => cards.map(c => c.className)")
    last_crisis = max(i for i, c in enumerate(classes) if "crisis-line" in c)
    assert all("crisis-line" in c for c in classes[: last_crisis + 1]), "crisis lines come before local windows"


def test_the_page_works_by_keyboard_and_tells_screen_readers(phone_page, live_web):
    page = phone_page
    page.goto(f"{live_web}/?m=yonago")
    log = page.locator("#log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # the emergency and helplines control
    page.keyboard.press("Tab")  # municipality
    expect(page.locator("#municipality")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("困っていることを書いてください")).to_be_focused()
    page.keyboard.type("ちょっと困ってて")
    page.keyboard.press("Enter")
    # The answer's choices take the focus; the third one is two Tabs away.
    expect(page.get_by_role("button", name="高齢の家族・介護のこと")).to_be_focused(timeout=30000)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="お金・生活費のこと")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("article.card h3").first).to_contain_text("えしこに", timeout=30000)


def test_html_typed_by_a_resident_is_shown_as_text(phone_page, live_web):
    page = phone_page
    page.goto(f"{live_web}/?m=eniwa")
    send(page, "<img src=x onerror=alert(1)>助けて")
    expect(page.locator("#log li.from-user").first).to_have_text("<img src=x onerror=alert(1)>助けて")
    assert page.locator("#log img").count() == 0


def test_a_lost_connection_gives_the_typed_worry_back(phone_page, live_web):
    page = phone_page
    page.goto(f"{live_web}/?m=eniwa")
    page.route("**/api/chat", lambda route: route.abort("internetdisconnected"))
    send(page, "母の介護のことで相談したいです")
    expect(page.get_by_text("いま つながりません")).to_be_visible(timeout=10000)
    expect(page.get_by_label("困っていることを書いてください")).to_have_value("母の介護のことで相談したいです")


def test_security_headers_and_a_bad_request(live_web):
    with urllib.request.urlopen(live_web + "/") as response:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
    request = urllib.request.Request(live_web + "/api/chat", data=b"{not json", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)
    assert error.value.code == 400
    assert "ごめんなさい" in json.loads(error.value.read())[0]["text"]


def test_no_other_origin_may_call_the_chat_or_rasa(live_web, live_bot):
    """CORS limited to the page's own origin: no Access-Control-Allow-Origin for anyone else."""
    for url in (live_web + "/api/chat", live_bot.webhook):
        request = urllib.request.Request(url, method="OPTIONS", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                headers = response.headers
        except urllib.error.HTTPError as error:
            headers = error.headers
        assert headers.get("Access-Control-Allow-Origin") in (None, ""), url


def helplines_in_view(page):
    """The permanent emergency control is on screen (not scrolled away) and closed or open."""
    summary = page.locator("#helplines summary")
    expect(summary).to_be_visible()
    box = summary.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 844, box


def test_the_emergency_lines_are_one_tap_away_in_every_state(phone_page, live_web):
    page = phone_page
    page.goto(f"{live_web}/?m=eniwa")
    helplines_in_view(page)  # before anything is written
    send(page, EIGHTY_FIFTY)
    expect(page.get_by_text("ほかにも困っていることはありますか。")).to_be_visible(timeout=30000)
    helplines_in_view(page)  # after a long referral, scrolled to its end
    send(page, "ちょっと困ってて")
    expect(page.get_by_role("button", name="お金・生活費のこと")).to_be_visible(timeout=30000)
    helplines_in_view(page)  # while choices wait
    send(page, "もう消えたい。今夜終わりにしようと思う")
    expect(page.locator("#crisis-banner")).to_be_visible(timeout=30000)
    helplines_in_view(page)  # with the crisis banner
    page.locator("#helplines summary").click()
    lines = current_directory().by_id
    for line_id in ("police_110", "fire_ambulance_119", "yorisoi", "kokoro_unified"):
        number = lines[line_id].phone
        expect(page.locator(f"#helplines a[href='tel:{number.replace('-', '')}']")).to_be_visible()


def test_the_emergency_lines_open_by_keyboard(phone_page, live_web):
    page = phone_page
    page.goto(f"{live_web}/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    expect(page.locator("#helplines summary")).to_be_focused()
    page.keyboard.press("Enter")
    police = page.locator("#helplines a[href='tel:110']")
    expect(police).to_be_visible()
    page.keyboard.press("Tab")
    expect(police).to_be_focused()


def test_an_english_conversation_is_answered_in_english(phone_page, live_web, tmp_path):
    page = phone_page
    page.goto(f"{live_web}/?m=eniwa")
    send(page, "Hello")
    expect(page.get_by_text("Hello, this is 窓口ナビ", exact=False)).to_be_visible(timeout=30000)
    send(page, "My mother has dementia and I am exhausted from caring for her alone")
    cards = page.locator("article.card h3")
    expect(cards.first).to_be_visible(timeout=30000)
    expect(page.get_by_text("Is there anything else that worries you?")).to_be_visible()
    titles = cards.all_inner_texts()
    assert any("地域包括支援センター" in t for t in titles), "window names stay in Japanese"
    assert any("community comprehensive care centre" in t for t in titles), "with the kind in English"
    expect(page.locator("article.card").first).to_contain_text("On the phone, say")
    page.screenshot(path=str(tmp_path / "web-chat-english.png"), full_page=True)


def on_screen(page):
    """The part of a 390×844 screen the answer can use: below the sticky emergency bar, above the composer."""
    top = page.locator("#helplines").bounding_box()
    composer = page.locator("#composer").bounding_box()
    return top["y"] + top["height"], composer["y"]


def test_the_first_card_of_an_8050_answer_is_on_a_phone_screen_without_scrolling(phone_page, live_web):
    page = phone_page
    page.goto(f"{live_web}/?m=eniwa")
    send(page, EIGHTY_FIFTY)
    expect(page.get_by_text("ほかにも困っていることはありますか。")).to_be_attached(timeout=30000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "8050-household-390x844.png"))  # what the resident sees
    first = page.locator("#log article.card").first
    top, bottom = on_screen(page)
    box = first.bounding_box()
    assert top <= box["y"] and box["y"] + box["height"] <= bottom, (box, top, bottom)
    # The coordinating window first, saying why; the missing phones and hours told once above it.
    directory = current_directory()
    coordinator = coordinating_window(directory.municipality("eniwa"), directory.routing)
    expect(first.locator("h3")).to_contain_text(coordinator.name)
    expect(first.locator(".why")).to_contain_text("関係する窓口をつないでくれます")
    notice = page.locator("#log .note.notice")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("恵庭市役所の代表電話")
    assert notice.bounding_box()["y"] >= top, "the notice is on screen too"
    expect(page.locator("#log .note.source")).to_contain_text("令和7年度")
    assert page.locator("#log").get_by_text("お住まいの市区町村の役所・役場の代表電話で、この窓口に").count() == 0
    assert page.locator("#log .hours").count() == 0, "no card repeats unknown hours"
    # The details (place, source) fold away and open from the keyboard.
    details = first.locator("details")
    expect(details).not_to_have_attribute("open", "")
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.closest('article.card') !== null && "
                         "document.activeElement.tagName === 'SUMMARY'"):
            break
    summary = page.locator("summary:focus")
    expect(summary).to_have_count(1)
    page.keyboard.press("Enter")
    expect(summary.locator("xpath=..")).to_have_attribute("open", "")
    expect(summary.locator("xpath=..").locator(".detail").last).to_contain_text("出典:")
    assert page.locator("#log details a").count() == 0, "a source's line number never becomes a tel: link"
    expect(first.locator("summary")).to_be_visible()
    # The whole answer in one picture: the sticky bars set in their place so they cover nothing.
    page.evaluate("for (const id of ['helplines', 'composer']) document.getElementById(id).style.position = 'static'")
    page.screenshot(path=str(SCREENSHOTS / "8050-household-390x844-full.png"), full_page=True)


def test_a_single_worry_shows_its_window_with_the_number_to_call_instead(phone_page, live_web):
    page = phone_page
    page.goto(f"{live_web}/?m=matsudo")
    send(page, "ちょっと困ってて")
    page.get_by_role("button", name="住まいのこと").click(timeout=30000)
    first = page.locator("#log article.card").first
    expect(first).to_be_visible(timeout=30000)
    expect(page.get_by_text("ほかにも困っていることはありますか。")).to_be_attached()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "single-domain-390x844.png"))
    top, bottom = on_screen(page)
    box = first.bounding_box()
    assert top <= box["y"] and box["y"] + box["height"] <= bottom, (box, top, bottom)
    department = current_directory().municipality("matsudo").department
    call = page.locator("#log .note.notice a")
    expect(call).to_have_attribute("href", "tel:" + department.phone.replace("-", ""))
    expect(page.locator("#log article.card")).to_have_count(1)
    expect(page.locator("#log .note.source")).to_contain_text("平成30年度")
