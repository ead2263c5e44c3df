"""Checks the action server's answers with one JSON-schema validator built once.

Rasa 3.6 checks every action server response with `jsonschema.validate`, which first checks
Rasa's own fixed schema against the draft 2020-12 meta-schema, on every call. Under ten residents
at once that re-check was two thirds of the Rasa process's CPU (py-spy, docs/PERFORMANCE.md),
because every message runs two or three custom actions. The schema never changes, so it is checked
once here; each response is still validated in full and a bad one still raises Rasa's
ValidationError with Rasa's hint.

Installed by importing this module; bot/dialogue/crisis_policy.py imports it because the policy
is loaded by every Rasa process that runs the dialogue (and never by the action server).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = exceptions.best_match(response_validator().iter_errors(result))
    if error is not None:
        # Same words as Rasa's own check, so a trainer reading the log finds Rasa's docs.
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            "the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


RemoteAction._validate_action_result = validate_action_result
