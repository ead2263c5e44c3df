"""The trainers' inbox without a browser: what a kept sample stores (the redacted text and the
model's codes and scores, nothing else), and what confirming or discarding it does — the
example appended to REVIEWED_DATA_DIR/<date>.yml in data/nlu's layout, the sample gone from
the database at once. Every file is written under tmp_path, never into the repository's data/."""
import math
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest
import yaml
from alembic import command
from alembic.config import Config
from hypothesis import given, settings, strategies as st
from sqlalchemy import create_engine, inspect, select, text

from bot.demand import DemandLog
from bot.demand.schema import review_samples
from bot.demand.store import MIGRATIONS
from bot.paths import DATA_DIR, PROJECT_ROOT
from bot.review.decisions import SampleGone, confirm, discard
from bot.review.reading import ModelReading
from bot.review.reviewed_data import Label, LabelError, ReviewedData, quoted, training_text
from bot.review.samples import ReviewSamples
from tests.live_servers import demand_database

RESIDENT = "山田太郎です。電話は090-1234-5678。母の介護で、仕事をやめようか迷っています"
PARSE = {
    "text": RESIDENT,
    "intent": {"name": "describe_concern", "confidence": 0.61},
    "domains": ["elderly", "not_a_code"],
    "domain_scores": {"elderly": 0.58, "carer": 0.41, "employment": float("nan"), "山田": 0.9},
    "crisis": False,
    "crisis_categories": ["suicide_self_harm", "山田太郎"],
    "crisis_score": 0.07,
    "crisis_evidence": RESIDENT,
    "entities": [{"entity": "danger", "value": RESIDENT}],
}
TODAY = date(2026, 12, 1)


@pytest.fixture
def samples(tmp_path, monkeypatch):
    monkeypatch.setenv("STORE_REDACTED_SAMPLES", "1")
    return ReviewSamples(DemandLog(f"sqlite:///{tmp_path / 'd.sqlite3'}").engine)


@pytest.fixture
def reviewed(tmp_path):
    return ReviewedData(tmp_path / "data" / "nlu" / "reviewed")


def stored_rows(samples):
    with samples.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(review_samples)).all()]


def test_the_model_reading_is_codes_and_numbers_only():
    reading = ModelReading.from_parse(PARSE)
    assert reading.intent == "describe_concern" and reading.intent_confidence == 0.61
    assert reading.domains == ("elderly",)
    assert reading.domain_scores == {"elderly": 0.58, "carer": 0.41}
    assert reading.crisis is False and reading.crisis_categories == ("suicide_self_harm",)
    assert ModelReading.from_parse({"intent": {"name": "山田に電話", "confidence": math.inf}}).intent is None


def test_a_kept_sample_stores_the_redacted_text_and_the_reading_nothing_else(samples):
    assert samples.keep(RESIDENT, "unsure", "eniwa", TODAY, ModelReading.from_parse(PARSE))
    [row] = stored_rows(samples)
    everything = " ".join(str(value) for value in row.values())
    assert "山田" not in everything and "090-1234-5678" not in everything
    assert "母の介護" in row["redacted_text"]
    assert {k: row[k] for k in ("intent", "domains", "crisis", "crisis_categories")} == {
        "intent": "describe_concern", "domains": "elderly", "crisis": False, "crisis_categories": "suicide_self_harm"}
    [sample] = samples.pending()
    assert sample.reading.ranked_scores() == (("elderly", 0.58), ("carer", 0.41))


def test_button_payloads_are_not_kept(samples):
    assert not samples.keep('/describe_concern{"chosen_domain":"elderly"}', "clarified", "eniwa")
    assert samples.pending() == []


def test_the_inbox_lists_newest_first_and_the_terminal_oldest_first(samples):
    for day, words in ((TODAY - timedelta(days=2), "いちばん古い"), (TODAY, "今日の一つ目"), (TODAY, "今日の二つ目")):
        samples.keep(words, "clarified", "eniwa", today=day)
    assert [s.text for s in samples.pending(newest_first=True, limit=2)] == ["今日の二つ目", "今日の一つ目"]
    assert [s.text for s in samples.pending()][0] == "いちばん古い"


def test_confirming_writes_rasa_training_data_and_deletes_the_sample_at_once(samples, reviewed):
    samples.keep(RESIDENT, "unsure", "eniwa", TODAY, ModelReading.from_parse(PARSE))
    [sample] = samples.pending()
    done = confirm(samples, reviewed, sample.id, Label.checked("describe_concern", ["elderly", "carer", "employment"]),
                   today=TODAY)
    assert samples.pending() == [] and stored_rows(samples) == []
    path = reviewed.folder / "2026-12-01.yml"
    assert done.written.path == path and done.written.added
    content = path.read_text(encoding="utf-8")
    assert "山田" not in content and "090" not in content
    # The layout of data/nlu: quoted text, labels as flow-style example metadata.
    assert '  - text: "〇〇です。電話は〇〇。母の介護で、仕事をやめようか迷っています"\n' in content
    assert "    metadata: {domains: [elderly, carer, employment], crisis: false}\n" in content
    document = yaml.safe_load(content)
    assert document["version"] == "3.1" and document["nlu"][0]["intent"] == "describe_concern"


def test_rasa_reads_the_reviewed_file_with_its_labels(samples, reviewed):
    from bot.nlu.concern_labels import load_labelled_examples

    for words in ("夫が今、包丁を振り回しています", "市役所の駐車場は何時まで？", "兄が家から出ない"):
        samples.keep(words, "clarified", "eniwa", today=TODAY)
    labels = {
        "夫が今、包丁を振り回しています": Label.checked("describe_concern", ["abuse_dv"], True, "violence_now"),
        "市役所の駐車場は何時まで？": Label.checked("out_of_scope"),
        "兄が家から出ない": Label.checked("describe_concern", ["hikikomori"]),
    }
    for sample in samples.pending():
        confirm(samples, reviewed, sample.id, labels[sample.text], today=TODAY)
    examples = {e.text: e for e in load_labelled_examples(reviewed.folder)}
    assert examples["夫が今、包丁を振り回しています"].crisis is True
    assert examples["夫が今、包丁を振り回しています"].domains == ("abuse_dv",)
    assert examples["市役所の駐車場は何時まで？"].intent == "out_of_scope"
    assert examples["兄が家から出ない"].domains == ("hikikomori",) and not examples["兄が家から出ない"].crisis
    assert "crisis_category: violence_now" in (reviewed.folder / "2026-12-01.yml").read_text(encoding="utf-8")


def test_the_trainers_edit_is_redacted_again_before_it_is_written(samples, reviewed):
    samples.keep("母のことで相談です", "clarified", "eniwa", today=TODAY)
    [sample] = samples.pending()
    confirm(samples, reviewed, sample.id, Label.checked("describe_concern", ["elderly"]),
            edited_text="母のことで相談です。連絡は 03-1234-5678 まで", today=TODAY)
    content = (reviewed.folder / "2026-12-01.yml").read_text(encoding="utf-8")
    assert "1234" not in content and "連絡は 〇〇 まで" in content


def test_a_wrong_label_or_a_failed_write_keeps_the_sample(samples, reviewed, monkeypatch):
    samples.keep("よくわからない", "clarified", "eniwa", today=TODAY)
    [sample] = samples.pending()
    for bad in (lambda: Label.checked("describe_concern", ["money"]),
                lambda: Label.checked("out_of_scope", ["elderly"]),
                lambda: Label.checked("describe_concern", ["mental_health"], crisis=True),
                lambda: Label.checked("no_such_intent")):
        with pytest.raises(LabelError):
            bad()
    with pytest.raises(LabelError):
        confirm(samples, reviewed, sample.id, Label.checked("unsure"), edited_text="  ", today=TODAY)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ReviewedData, "append", broken)
    with pytest.raises(OSError):
        confirm(samples, reviewed, sample.id, Label.checked("unsure"), today=TODAY)
    assert [s.id for s in samples.pending()] == [sample.id]


def test_a_sample_is_written_once_however_often_it_is_confirmed(samples, reviewed):
    samples.keep("子どもの学費が払えない", "clarified", "eniwa", today=TODAY)
    [sample] = samples.pending()
    label = Label.checked("describe_concern", ["child", "poverty"])
    confirm(samples, reviewed, sample.id, label, today=TODAY)
    with pytest.raises(SampleGone):
        confirm(samples, reviewed, sample.id, label, today=TODAY)
    with pytest.raises(SampleGone):
        discard(samples, sample.id)
    assert (reviewed.folder / "2026-12-01.yml").read_text(encoding="utf-8").count("子どもの学費") == 1


def test_discarding_deletes_without_writing(samples, reviewed):
    samples.keep("あいうえお", "out_of_scope", "eniwa", today=TODAY)
    [sample] = samples.pending()
    discard(samples, sample.id)
    assert stored_rows(samples) == [] and reviewed.files() == []


def test_redaction_labels_never_become_rasa_entity_annotations():
    assert training_text("[名前](45)が[住所]に住む [a](b)") == "〇〇(45)が〇〇に住む ［a］(b)"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_reads_back_exactly_from_the_yaml_written(words):
    assert yaml.safe_load(f"text: {quoted(words)}\n")["text"] == words


def test_an_earlier_reviewed_yml_moves_into_the_folder(samples, reviewed):
    legacy = reviewed.folder.with_suffix(".yml")
    legacy.parent.mkdir(parents=True)
    legacy.write_text('version: "3.1"\nnlu:\n- intent: describe_concern\n  examples:\n  - text: "前の例"\n'
                      "    metadata: {domains: [elderly]}\n", encoding="utf-8")
    samples.keep("父の年金が少ない", "clarified", "eniwa", today=TODAY)
    confirm(samples, reviewed, samples.pending()[0].id, Label.checked("describe_concern", ["elderly", "poverty"]),
            today=TODAY)
    assert not legacy.exists()
    assert [p.name for p in reviewed.files()] == ["2026-12-01.yml", "before-inbox.yml"]
    assert "前の例" in (reviewed.folder / "before-inbox.yml").read_text(encoding="utf-8")


def test_the_terminal_tool_writes_into_the_same_folder(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    monkeypatch.setenv("STORE_REDACTED_SAMPLES", "1")
    samples = ReviewSamples(DemandLog(database).engine)
    samples.keep("親の年金が少なくて、兄も家から出ない", "clarified", "eniwa")
    samples.keep("もう消えたい。薬を全部飲む", "clarified", "eniwa")
    folder = tmp_path / "reviewed"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "review"],
        input="elderly,hikikomori,poverty\nmental_health !nothing\nmental_health !suicide_self_harm\n",
        text=True, capture_output=True, cwd=PROJECT_ROOT,
        env={**__import__("os").environ, "DATABASE_URL": database, "REVIEWED_DATA_DIR": str(folder)},
    )
    assert result.returncode == 0, result.stderr
    assert "知らない危険の種類" in result.stdout
    [path] = folder.glob("*.yml")
    assert path.name == f"{date.today().isoformat()}.yml"
    examples = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"][0]["examples"]
    assert examples[0]["metadata"] == {"domains": ["elderly", "hikikomori", "poverty"], "crisis": False}
    assert examples[1]["metadata"] == {"domains": ["mental_health"], "crisis": True,
                                       "crisis_category": "suicide_self_harm"}
    assert samples.pending() == []


def test_the_reviewed_folder_is_configurable_and_defaults_into_data(monkeypatch, tmp_path):
    from bot.settings import reviewed_data_dir

    monkeypatch.delenv("REVIEWED_DATA_DIR", raising=False)
    assert reviewed_data_dir() == DATA_DIR / "nlu" / "reviewed"
    monkeypatch.setenv("REVIEWED_DATA_DIR", str(tmp_path))
    assert reviewed_data_dir() == tmp_path


def test_migration_0004_keeps_samples_kept_before_it(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(text("insert into review_samples (id, municipality, outcome, kept_on, redacted_text) "
                                "values ('a' || hex(randomblob(15)), 'eniwa', 'clarified', :day, 'よくわからない')"),
                           {"day": date.today().isoformat()})
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        assert connection.execute(text("select version_num from alembic_version")).scalar() == "0005", "head is the merge of the inbox and directory migrations"
    columns = {c["name"] for c in inspect(engine).get_columns("review_samples")}
    assert {"intent", "domains", "domain_scores", "crisis", "crisis_categories", "crisis_score"} <= columns
    [sample] = ReviewSamples(engine).pending(newest_first=True)
    assert sample.text == "よくわからない" and not sample.reading.known


async def test_the_actions_keep_unsure_and_safety_samples_with_their_reading(demand_log, monkeypatch):
    from actions.referral import ActionReferConcern
    from actions.safety import ActionAskSafety
    from tests.test_actions import make_tracker, run

    monkeypatch.setenv("STORE_REDACTED_SAMPLES", "1")
    unsure = make_tracker("母のことで、ちょっと", domains=["elderly"], metadata={"municipality": "eniwa"})
    unsure.latest_message["domain_scores"] = {"elderly": 0.31}
    sure = make_tracker("80歳の母の介護がつらい", domains=["elderly"], metadata={"municipality": "eniwa"})
    await run(ActionReferConcern(), unsure)
    await run(ActionReferConcern(), sure)
    worried = make_tracker("今夜で終わりにしようかな", domains=["mental_health"])
    worried.latest_message.update({"safety_check": True, "crisis_score": 0.4})
    await run(ActionAskSafety(), worried)
    kept = ReviewSamples(demand_log.engine).pending()
    assert [(s.text, s.outcome) for s in kept] == [("母のことで、ちょっと", "unsure"), ("今夜で終わりにしようかな", "safety_check")]
    assert kept[0].reading.domain_scores == {"elderly": 0.31}
    assert kept[1].reading.crisis_score == 0.4


async def test_without_the_opt_in_there_is_no_inbox(tmp_path, monkeypatch):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.staff.accounts import StaffAccounts
    from bot.web.server import create_app

    monkeypatch.delenv("STORE_REDACTED_SAMPLES", raising=False)
    log = DemandLog(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    StaffAccounts(log.engine).add("sato", "kunren-soudan-2026")
    async with TestClient(TestServer(create_app("http://127.0.0.1:9", log))) as client:
        login = await client.get("/staff/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', await login.text()).group(1)
        answer = await client.post("/staff/login", data={"name": "sato", "password": "kunren-soudan-2026", "csrf_token": token},
                                   allow_redirects=False)
        assert answer.status == 302
        dashboard = await client.get("/staff")
        assert "学習データの見直し" not in await dashboard.text()
        assert (await client.get("/staff/inbox")).status == 404


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    with demand_database(request.param, tmp_path_factory.mktemp("race")) as url:
        yield url


def test_two_trainers_confirming_the_same_sample_write_it_once(database_url, tmp_path, monkeypatch):
    """The second waits for the first's transaction, then finds the sample gone (and the
    migrations, 0004_inbox included, run on both databases)."""
    import threading
    import time

    monkeypatch.setenv("STORE_REDACTED_SAMPLES", "1")
    samples = ReviewSamples(DemandLog(database_url).engine)
    samples.keep("兄が家から出ない、もう十年", "clarified", "eniwa", today=TODAY,
                 reading=ModelReading.from_parse({"domains": ["hikikomori"], "domain_scores": {"hikikomori": 0.4}}))
    [sample] = [s for s in samples.pending() if s.text == "兄が家から出ない、もう十年"]
    assert sample.reading.domain_scores == {"hikikomori": 0.4}
    reviewed = ReviewedData(tmp_path / "reviewed")
    slow_append = ReviewedData.append

    def append_slowly(self, *args, **kwargs):
        time.sleep(0.5)  # the first trainer is still writing when the second one presses
        return slow_append(self, *args, **kwargs)

    monkeypatch.setattr(ReviewedData, "append", append_slowly)
    label = Label.checked("describe_concern", ["hikikomori"])
    outcomes = []

    def trainer():
        try:
            confirm(samples, reviewed, sample.id, label, today=TODAY)
            outcomes.append("written")
        except SampleGone:
            outcomes.append("gone")

    threads = [threading.Thread(target=trainer) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["gone", "written"]
    assert (reviewed.folder / "2026-12-01.yml").read_text(encoding="utf-8").count("兄が家から出ない") == 1
    assert samples.get(sample.id) is None
