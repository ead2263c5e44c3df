"""Faults a resident must not feel: a broken knowledge file at reload, an action server that is down."""
import json
import shutil
import urllib.request

import pytest
import yaml

import bot.knowledge as knowledge
from bot.knowledge import DirectoryInService  # noqa: E402
from bot.paths import KNOWLEDGE_DIR
from tests.live_servers import LiveBot, start_web


def test_a_broken_file_at_reload_keeps_the_old_directory_in_service(tmp_path, monkeypatch):
    monkeypatch.setattr(knowledge, "CHECK_EVERY_SECONDS", 0.0)
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    in_service = DirectoryInService(folder)
    before = in_service.get().municipality("yonago").windows[0].name

    (folder / "yonago.yml").write_text("municipality: [this is not valid\n", encoding="utf-8")
    assert in_service.get().municipality("yonago").windows[0].name == before
    assert in_service.last_error is not None and in_service.last_error.file == "yonago.yml"

    raw = yaml.safe_load((KNOWLEDGE_DIR / "yonago.yml").read_text(encoding="utf-8"))
    raw["windows"][0]["helps_with"] = "更新した説明です。"
    (folder / "yonago.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert in_service.get().municipality("yonago").windows[0].helps_with == "更新した説明です。"
    assert in_service.last_error is None


@pytest.fixture(scope="module")
def bot_without_actions(trained_model, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("no-actions")
    bot = LiveBot(workdir).start(with_actions=False)
    url, web = start_web(bot.rasa_port, bot.env, workdir)
    yield url
    web.terminate()
    web.wait(timeout=20)
    bot.stop()


def test_with_the_action_server_down_the_resident_gets_the_department_phone(bot_without_actions):
    request = urllib.request.Request(
        bot_without_actions + "/api/chat",
        data=json.dumps({"sender": "down", "message": "母の介護がつらいです", "municipality": "kamogawa"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        messages = json.loads(response.read())
    text = "\n".join(m.get("text", "") for m in messages)
    assert "04-7093-1200" in text and "鴨川市" in text
