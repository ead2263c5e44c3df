"""The trainers' inbox in a real headless Chromium: a trainer corrects a sample and it appears in
the reviewed data (a temporary folder, never the repository's data/), the sample leaves the
database, and a resident's words are never shown unredacted. Takes docs/screenshots/staff-inbox.png."""
import os
import shutil
from datetime import date, timedelta

import pytest
import yaml
from playwright.sync_api import expect

from bot.demand import DemandLog
from bot.paths import DATA_DIR
from bot.retrain import RetrainPaths, build_comparison, write_comparison
from bot.review.reading import ModelReading
from bot.review.samples import ReviewSamples
from tests.test_retrain import summary
from tests.test_web_chat import SCREENSHOTS, browser  # noqa: F401  (the shared Chromium fixture)
from tests.live_servers import start_staff_site

PASSWORD = "kunren-soudan-2026"
RESIDENT = "山田太郎です。恵庭市京町1丁目2番3号に住んでいます。電話は090-1234-5678。母の介護で、仕事をやめようか迷っています"
IDENTIFYING = ("山田", "太郎", "京町", "090-1234-5678", "1234-5678")
OUT_OF_SCOPE = "駅前の駐輪場は何時まで使えますか"
REPOSITORY_REVIEWED = DATA_DIR / "nlu" / "reviewed"


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.glob("*.yml")} if folder.is_dir() else None


@pytest.fixture(scope="module")
def inbox_site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("inbox")
    reviewed = workdir / "data" / "nlu" / "reviewed"  # the test's copy of the reviewed data
    if REPOSITORY_REVIEWED.is_dir():
        shutil.copytree(REPOSITORY_REVIEWED, reviewed)
    comparison = workdir / "var" / "retrain_comparison.json"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'demand.sqlite3'}", "RASA_TELEMETRY_ENABLED": "false",
           "STORE_REDACTED_SAMPLES": "1", "REVIEWED_DATA_DIR": str(reviewed), "RETRAIN_COMPARISON_FILE": str(comparison)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STORE_REDACTED_SAMPLES", "1")
        samples = ReviewSamples(DemandLog(env["DATABASE_URL"]).engine)
        samples.keep(OUT_OF_SCOPE, "out_of_scope", "eniwa", date.today() - timedelta(days=3), ModelReading.from_parse(
            {"intent": {"name": "out_of_scope", "confidence": 0.48}, "domains": [], "domain_scores": {"other": 0.12},
             "crisis": False}))
        samples.keep(RESIDENT, "unsure", "eniwa", date.today(), ModelReading.from_parse(
            {"intent": {"name": "describe_concern", "confidence": 0.93}, "domains": ["elderly"],
             "domain_scores": {"elderly": 0.46, "carer": 0.38, "employment": 0.21, "health": 0.05},
             "crisis": False, "crisis_score": 0.02}))
    candidate = workdir / "candidate.tar.gz"
    candidate.write_bytes(b"stand-in")
    paths = RetrainPaths(current=candidate, candidate=candidate, comparison=comparison)
    current, better = summary(0.84, 0, 11, 34, 287), summary(0.86, 0, 9, 34, 287)
    better["domains"]["per_domain_f1"].update(isolation=0.71, hikikomori=0.80)  # worse on two domains
    write_comparison(comparison, build_comparison(current, better, paths, "f"))
    log = workdir / "web.log"
    url, process = start_staff_site(workdir, env, "suzuki", PASSWORD)
    yield url, env, reviewed, log
    process.terminate()
    process.wait(timeout=20)


def test_a_trainer_corrects_a_sample_and_it_becomes_training_data(browser, inbox_site):  # noqa: F811
    url, env, reviewed, log = inbox_site
    repository_before = _snapshot(REPOSITORY_REVIEWED)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(url + "/staff/inbox")
    expect(page).to_have_url(url + "/staff/login")
    page.get_by_label("職員名").fill("suzuki")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(url + "/staff")
    page.get_by_role("link", name="学習データの見直し").click()
    expect(page).to_have_url(url + "/staff/inbox")

    samples = page.locator("article.sample")
    expect(samples).to_have_count(2)
    newest = samples.first
    expect(newest.locator("blockquote")).to_contain_text("母の介護で、仕事をやめようか迷っています")
    expect(newest).to_contain_text("自信が低いまま案内した")
    expect(newest.locator(".model-domains")).to_have_text("高齢・介護")
    expect(newest.locator("table.scores tr").first).to_contain_text("0.46")
    expect(samples.last.locator("blockquote")).to_have_text(OUT_OF_SCOPE)
    expect(page.locator("#verdict")).to_contain_text("入れ替えできます")
    expect(page.locator("#crisis-recall")).to_contain_text("1.000")
    expect(page.locator("#false-alarms")).to_contain_text("-2")
    for words in IDENTIFYING:  # not in the page, not in its form fields
        assert words not in page.content()
        assert words not in newest.locator("textarea").input_value()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "staff-inbox.png"), full_page=True)

    # The model said 高齢・介護 only; the trainer adds ケアラー and 仕事・就労 and confirms.
    newest.get_by_label("ケアラー・ヤングケアラー").check()
    newest.get_by_label("仕事・就労").check()
    expect(newest.get_by_label("高齢・介護")).to_be_checked()
    newest.get_by_role("button", name="確かめて学習データに入れる").click()
    expect(page.locator("#done")).to_contain_text("学習データに入れました")
    expect(page.locator("article.sample")).to_have_count(1)

    written = reviewed / f"{date.today().isoformat()}.yml"
    content = written.read_text(encoding="utf-8")
    assert not any(words in content for words in IDENTIFYING)
    examples = {e["text"]: e.get("metadata") for b in yaml.safe_load(content)["nlu"] for e in b["examples"]}
    [(text, metadata)] = [(t, m) for t, m in examples.items() if "母の介護" in t]
    assert metadata == {"domains": ["elderly", "carer", "employment"], "crisis": False}
    assert text.startswith("〇〇です。")
    with DemandLog(env["DATABASE_URL"]).engine.connect() as connection:
        from sqlalchemy import text as sql
        left = connection.execute(sql("select redacted_text from review_samples")).scalars().all()
    assert left == [OUT_OF_SCOPE]

    # A wrong label is refused with a message, and nothing is written or deleted.
    remaining = page.locator("article.sample").first
    remaining.get_by_label("意図").select_option("out_of_scope")
    remaining.get_by_label("住まい").check()
    remaining.get_by_role("button", name="確かめて学習データに入れる").click()
    expect(page.get_by_role("alert")).to_contain_text("describe_concern")
    expect(page.locator("article.sample")).to_have_count(1)

    # A forged decision (no CSRF token) is refused; the real discard removes the sample.
    sample_id = page.locator("article.sample").first.get_attribute("id").removeprefix("sample-")
    forged = page.request.post(f"{url}/staff/inbox/{sample_id}/discard", form={"csrf_token": "forged"},
                               max_redirects=0)
    assert forged.status == 403
    page.locator("article.sample").first.get_by_role("button", name="捨てる").click()
    expect(page.locator("#done")).to_contain_text("捨てました")
    expect(page.locator("#no-samples")).to_be_visible()
    assert OUT_OF_SCOPE not in written.read_text(encoding="utf-8")

    assert _snapshot(REPOSITORY_REVIEWED) == repository_before  # the repository's data/ untouched
    served = log.read_text(encoding="utf-8", errors="replace")
    assert "母の介護" not in served and not any(words in served for words in IDENTIFYING)
    context.close()


def test_the_inbox_needs_a_login(inbox_site):
    from tests.test_staff_dashboard import status_of

    url, *_ = inbox_site
    assert status_of(url + "/staff/inbox") == 302
    assert status_of(url + "/staff/inbox/" + "a" * 32 + "/confirm", data=b"") == 401
