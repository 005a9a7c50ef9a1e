"""The ack bench's baseline: a bare Bolt app that only acks a Claim click, under `commsdesk web`'s gunicorn settings.

No front door, Redis, access check or card redraw: what is left is Bolt's own signature check and dispatch and
gunicorn's HTTP, so `ack_latency` can say how much of a click's time is ours.

    PORT=3000 SLACK_API_URL=http://127.0.0.1:PORT/api/ .venv/bin/python -m bench.bare_bolt
"""

from __future__ import annotations

import logging
import os

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.blocks.ids import MentionAction
from bot.cli.web import Gunicorn, gunicorn_options
from bot.sandbox.signed import SIGNING_SECRET


def acknowledge(ack: Ack) -> None:
    """Ack the click and do nothing else."""
    ack()


def main() -> None:
    def load() -> SlackRequestHandler:
        client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"], timeout=10)
        app = App(
            client=client,
            signing_secret=SIGNING_SECRET,
            token_verification_enabled=False,
            raise_error_for_unhandled_request=False,
            logger=logging.getLogger("slack_bolt"),
        )
        app.action(MentionAction.CLAIM)(acknowledge)
        return SlackRequestHandler(app)

    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # `commsdesk web`'s default
    Gunicorn(gunicorn_options(int(os.environ["PORT"]), workers, "warning"), load).run()


if __name__ == "__main__":
    main()
