"""`commsdesk demo`: the whole desk offline, on the sandbox stand-ins, narrated for a newcomer.

Starts Redis (a throwaway redis-server unless REDIS_URL is set), the Slack, X and Graph API stand-ins, the web app
and one worker cycle; relays the sample mentions, clicks a card's Claim through a signed request, files a platform
request that an approver questions and approves, answers one mention from Slack (Reply, a saved reply, sent to X
once through the outbox), cards and claims a Facebook comment that arrived by signed webhook and answers it from
Slack as the page, posts the digest, asks `/commsdesk status`, and prints what every channel and direct message
received.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

import config
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import SeenRequests
from bot.app import create_app
from bot.blocks.ids import Command, MentionAction
from bot.demo.facebook import seed_pages, show_facebook_comment
from bot.demo.platform_request import REQUESTER, file_question_and_approve
from bot.demo.reply import reply_from_slack
from bot.jobs.post_digest import PostStatus
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.meta_webhooks import APP_SECRET, VERIFY_TOKEN, MetaDeliveries
from bot.sandbox.redis_server import RedisServer
from bot.sandbox.signed import SlackRequests, eventually
from bot.sandbox.transcript import render_channels, render_message
from bot.sandbox.wsgi import serve_wsgi
from bot.services import Services, build_meta_webhooks, build_services
from bot.web.front_door import WebApp
from bot.worker import build_worker
from config.desk import Desk, load_desk
from config.settings import Settings

OFFICER = "U0DEMOPC001"
Say = Callable[[str], None]


def example_desk_path() -> Path:
    return Path(config.__file__).with_name("desk.example.toml")


def demo_pages(now: datetime) -> list[dict[str, Any]]:
    """The sample mentions, re-timed to the last hour so SLAs and staffed hours read naturally."""
    text = resources.files("bot.sandbox").joinpath("data/demo_mentions.jsonl").read_text(encoding="utf-8")
    pages = [json.loads(line) for line in text.splitlines() if line.strip()]
    for page in pages:
        for n, tweet in enumerate(page["data"]):
            tweet["created_at"] = (now - timedelta(minutes=3 + 4 * n)).isoformat().replace("+00:00", "Z")
    return pages


@contextmanager
def redis_for_demo(settings_from_env: Settings, workdir: Path) -> Iterator[str]:
    """Use REDIS_URL when it is set, else a throwaway redis-server that is gone when the demo ends."""
    if "redis_url" in settings_from_env.model_fields_set:
        yield settings_from_env.redis_url
        return
    server = RedisServer(workdir / "redis").start()
    try:
        yield server.url
    finally:
        server.stop()


def run_demo(env_settings: Settings, say: Say = print) -> None:
    """Run the offline demo end to end, narrating with `say`."""
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="commsdesk-demo-")))
        redis_url = stack.enter_context(redis_for_demo(env_settings, workdir))
        slack = stack.enter_context(SlackSandbox())
        x = stack.enter_context(XSandbox())
        x.add_pages(demo_pages(datetime.now(UTC)))
        graph = stack.enter_context(GraphSandbox())
        secret = secrets.token_hex(16)
        secret_key = Fernet.generate_key().decode()
        settings = Settings(
            slack_bot_token="xoxb-demo",
            slack_signing_secret=secret,
            slack_api_url=slack.url,
            x_bearer_token="demo-bearer",
            x_api_url=x.url,
            meta_app_secret=APP_SECRET,
            meta_verify_token=VERIFY_TOKEN,
            meta_api_url=graph.url,
            commsdesk_secret_key=secret_key,
            redis_url=redis_url,
            commsdesk_config=str(example_desk_path()),
            _env_file=None,
        )
        desk = load_desk(settings.commsdesk_config)
        services = build_services(settings, desk)
        seed_pages(graph, services, secret_key)
        _seat_officer(slack, desk)
        say(f"Comms Desk demo: {desk.desk.name}, {len(desk.teams)} teams, Slack and X stand-ins on loopback.")
        worker = build_worker(services)
        say("\n1. The worker polls X for mentions of every desk account, triages them and posts cards.")
        worker.run_once()
        meta = build_meta_webhooks(settings, services.redis)
        web = WebApp(create_app(settings, services), secret, SeenRequests(services.redis), meta)
        web_url = stack.enter_context(serve_wsgi(web))
        signed = SlackRequests(web_url, secret)
        _claim_first_urgent(services, slack, signed, say)
        file_question_and_approve(services, slack, signed, say)
        reply_from_slack(services, slack, x, signed, OFFICER, lambda: worker.drainer.drain(30), say)
        show_facebook_comment(services, graph, MetaDeliveries(web_url), worker, slack, signed, OFFICER, say)
        worker.drainer.drain(30)
        today = datetime.now(desk.zone).date()
        say(f"\n7. The morning digest job runs (for {today}, so the sample day shows) and posts each channel once.")
        outcomes = worker.digests.post(today) or []
        posted = sum(o.status is PostStatus.POSTED for o in outcomes)
        say(f"   digests posted: {posted} (desk roll-up + {len(desk.teams)} teams)")
        _show_status(signed, say)
        say("\n9. What each Slack channel and direct message shows now:")
        say(render_channels(slack, _channel_names(desk, slack)))


def _seat_officer(slack: SlackSandbox, desk: Desk) -> None:
    """Put the demo's officer in the desk and control-room channels: who may act is read from Slack membership."""
    for channel in (desk.desk.channel, desk.desk.control_room_channel):
        slack.set_members(channel, [OFFICER])
    for team in desk.teams:
        slack.set_members(team.channel, [])


def _claim_first_urgent(services: Services, slack: SlackSandbox, signed: SlackRequests, say: Say) -> None:
    room = services.desk.desk.control_room_channel
    card = next(m for m in slack.messages(room) if (m.get("metadata") or {}).get("event_type"))
    tweet_id = card["metadata"]["event_payload"]["tweet_id"]
    say(f"\n2. {OFFICER} clicks Claim on the control-room card for post {tweet_id} (a signed Slack request).")
    response = signed.block_action(
        MentionAction.CLAIM.value, value=tweet_id, user_id=OFFICER, channel=room, message_ts=card["ts"], message=card
    )
    store = RedisMentionStore(services.redis, services.desk.retention.mention_days)
    claimed = eventually(lambda: (t := store.get(tweet_id)) is not None and t.claimed_by == OFFICER)
    say(f"   HTTP {response.status_code}; claimed in Redis: {bool(claimed)}; card updated in place.")


def _show_status(signed: SlackRequests, say: Say) -> None:
    say(f"\n8. {OFFICER} types {Command.COMMSDESK} status; the answer is shown to them alone:")
    answer = signed.command(Command.COMMSDESK, "status", user_id=OFFICER).json()
    say(render_message({"blocks": answer["blocks"]}, indent="   | "))


def _channel_names(desk: Desk, slack: SlackSandbox) -> dict[str, str]:
    names = {
        desk.desk.control_room_channel: "#control-room",
        desk.desk.channel: "#comms-desk",
        desk.desk.requests_channel: "#platform-requests",
    }
    names |= {team.channel: f"#{team.key}" for team in desk.teams}
    names |= {slack.dm_channel(user): f"DM with {user}" for user in (REQUESTER, *desk.desk.approvers)}
    return names
