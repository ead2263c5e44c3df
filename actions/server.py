"""The action server: rasa-sdk's app on loopback, answering only Rasa (which holds the token).

    ACTION_SERVER_TOKEN=... python -m actions.server [--port N] [--host 127.0.0.1]

`rasa run actions` listens on every interface and runs any action for anyone who can reach
it: a forged call creates demand events (a crisis among them) and reads the directory. Rasa
sends the token as the `token` query parameter (endpoints.yml: `token: ${ACTION_SERVER_TOKEN}`).
Errors are answered without the tracker rasa-sdk would echo back (the resident's words).
"""
from __future__ import annotations

import argparse
import logging
import secrets
import sys

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request

from bot.knowledge import current_directory
from bot.privacy.log_guard import install_log_guard
from bot.settings import ACTION_SERVER_PORT, ACTION_TOKEN_ENV, action_server_token

logger = logging.getLogger(__name__)
OPEN_PATHS = ("/health",)


def build_app(token: str):
    app = create_app("actions", cors_origins=None)

    @app.middleware("request")
    async def require_token(request: Request):
        if request.path in OPEN_PATHS:
            return None
        offered = request.args.get("token", "")
        if not secrets.compare_digest(offered.encode(), token.encode()):
            return response.json({"error": "forbidden"}, status=403)
        return None

    @app.exception(Exception)
    async def failed(request: Request, error: Exception):
        logger.error("action call failed: %s (the tracker is not logged)", type(error).__name__)
        return response.json({"error": "the action failed"}, status=500)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Run 窓口ナビ's action server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=ACTION_SERVER_PORT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    install_log_guard()
    current_directory()  # an invalid knowledge file stops start-up here, with its message
    token = action_server_token()
    if not token:
        sys.exit(f"Set {ACTION_TOKEN_ENV} (the same value Rasa reads in endpoints.yml) to start the action server.")
    build_app(token).run(args.host, args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
