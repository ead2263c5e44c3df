"""Ports live in bot/settings.py: Rasa's endpoints.yml and the start scripts agree with it."""
import re
from urllib.parse import urlparse

import yaml

from bot.paths import PROJECT_ROOT
from bot.settings import ACTION_SERVER_PORT, RASA_PORT, STACK_PORT, WEB_PORT


def test_rasa_calls_the_action_server_on_the_settings_port():
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert urlparse(endpoints["action_endpoint"]["url"]).port == ACTION_SERVER_PORT


def test_the_start_scripts_name_no_port_of_their_own():
    ports = {str(p) for p in (RASA_PORT, ACTION_SERVER_PORT, WEB_PORT, STACK_PORT)}
    for script in ("scripts/run.sh", "scripts/stack.sh"):
        code = [line for line in (PROJECT_ROOT / script).read_text(encoding="utf-8").splitlines()
                if not line.lstrip().startswith("#")]
        found = {n for line in code for n in re.findall(r"\b\d{4}\b", line)} & ports
        assert not found, f"{script} repeats a port from bot/settings.py: {found}"
