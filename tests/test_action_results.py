"""The once-built check of action server answers still rejects what Rasa's own check rejects."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.dialogue.crisis_policy  # noqa: F401  (loading the policy installs the check)
from bot.dialogue.action_results import validate_action_result


def remote_action() -> RemoteAction:
    return RemoteAction("action_refer_concern", None)


def test_the_policy_installs_the_check_rasa_calls():
    assert RemoteAction._validate_action_result is validate_action_result


@pytest.mark.parametrize("response", [
    {"events": [{"event": "slot", "name": "language", "value": "en"}], "responses": [{"text": "こんにちは"}]},
    {"events": [], "responses": []},
    {},
])
def test_a_valid_answer_passes_as_with_rasas_check(response):
    jsonschema.validate(response, RemoteAction.action_response_format_spec())
    assert remote_action()._validate_action_result(response) is True


@pytest.mark.parametrize("response", [
    {"events": [{"event": 5}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": "SlotSet"},
])
def test_a_malformed_answer_is_rejected_with_rasas_hint(response):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as raised:
        remote_action()._validate_action_result(response)
    assert "Failed to validate Action server response" in raised.value.message
