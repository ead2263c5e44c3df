"""Rasa's REST channel, refusing a malformed body with 400 instead of failing with 500.

Rasa 3.6's RestInput reads `request.json.get(...)`: an empty body or a JSON array makes
that an AttributeError, answered with 500. Same URL (/webhooks/rest/webhook), same replies.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage
from sanic.request import Request


def _body(request: Request) -> Dict[Text, Any]:
    body = request.json
    if not isinstance(body, dict):
        raise InvalidUsage('Send a JSON object: {"sender": "...", "message": "..."}')
    return body


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = _body(req).get("sender")
        return None if sender is None else str(sender)[:128]

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message")
        return None if message is None else str(message)

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _body(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None
