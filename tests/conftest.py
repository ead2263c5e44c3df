import asyncio
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def pytest_collection_modifyitems(config, items):
    """`needs_model`: every test that reaches the trained model through the trained_model fixture
    (directly or through parse, live_bot, live_web…): scripts/test.sh runs the others while the
    model trains."""
    for item in items:
        if "trained_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_model)


@pytest.fixture(scope="session")
def event_loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def trained_model():
    """The project's one trained model: trained here only if its inputs changed, and waited for
    while scripts/test.sh trains it beside the tests that need none (bot.train.training_lock)."""
    from bot import train

    assert train.train_if_stale() == 0, "rasa train failed"
    return train.MODEL_PATH


@pytest.fixture(scope="session")
def concern_parser(trained_model):
    from bot.nlu.concern_parser import ConcernParser, quiet_rasa_logs

    quiet_rasa_logs()
    return ConcernParser.load(trained_model)


@pytest.fixture(scope="session")
def parse(concern_parser, event_loop):
    """parse(text) → Rasa parse data, through the same path as the server."""

    def _parse(text):
        return event_loop.run_until_complete(concern_parser.parse(text))

    return _parse


@pytest.fixture(scope="session")
def live_bot(trained_model, tmp_path_factory):
    """The action server and Rasa, running for real on free loopback ports."""
    from tests.live_servers import LiveBot

    bot = LiveBot(tmp_path_factory.mktemp("live")).start()
    yield bot
    bot.stop()


@pytest.fixture(scope="session")
def live_web(live_bot, tmp_path_factory):
    """The resident's web chat page, relaying to the live Rasa server."""
    from tests.live_servers import start_web

    url, process = start_web(live_bot.rasa_port, live_bot.env, tmp_path_factory.mktemp("web"))
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def demand_log(tmp_path, monkeypatch):
    """The actions' demand log, in a fresh SQLite file for each test."""
    from actions import demand as demand_actions
    from bot.demand import DemandLog

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demand.sqlite3'}")
    monkeypatch.setenv("DEMAND_SPOOL", str(tmp_path / "spool.jsonl"))
    demand_actions.demand_log.cache_clear()
    yield DemandLog(f"sqlite:///{tmp_path / 'demand.sqlite3'}", spool=tmp_path / "spool.jsonl")
    demand_actions.demand_log.cache_clear()


def require_shared(path) -> None:
    """The seeds and the shared taxonomy live beside the checkout (`../shared`). Without them the
    contract tests fail: a skip would hide that every local fact went unchecked."""
    if not path.exists():
        pytest.fail(f"{path} is not beside this checkout: the seeds and taxonomy contract cannot be checked")
