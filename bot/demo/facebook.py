"""The demo's Facebook step: a comment on a neighbourhood page arrives by signed webhook, is carded, claimed, and
answered from Slack as the page: the same Reply modal and outbox as X, sent through the Graph API once."""

from __future__ import annotations

from collections.abc import Callable

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.meta_tokens import RedisMetaTokens
from bot.blocks.ids import MentionAction, ReplyBlock, ReplyView
from bot.blocks.mention_card import read_card_metadata
from bot.core.models import Platform, desk_id
from bot.sandbox import SlackSandbox
from bot.sandbox.block_kit import state_values
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.meta_webhooks import MetaDeliveries
from bot.sandbox.signed import SlackRequests, eventually
from bot.services import Services
from bot.worker import Worker

Say = Callable[[str], None]
RESIDENT = {"id": "6100000000000077", "name": "Ann Example"}
QUESTION = "Is the street surgery at Northtown library still on this Saturday? My mum wants to ask about the parking."
ANSWER = "Yes, still on! Parking is free on Saturdays, and the officers will be glad to see your mum."


def seed_pages(graph: GraphSandbox, services: Services, secret_key: str) -> None:
    """Give the Graph stand-in the example desk's pages and accounts, and link each one's token, encrypted."""
    tokens = RedisMetaTokens(services.redis, secret_key)
    for _, page in services.desk.facebook_pages():
        graph.add_page(page.id, page.name, token=f"demo-page-{page.id}")
        tokens.link(page.id, f"demo-page-{page.id}")
    for _, account in services.desk.instagram_accounts():
        graph.add_instagram(account.id, account.name, token=f"demo-ig-{account.id}")
        tokens.link(account.id, f"demo-ig-{account.id}")


def show_facebook_comment(
    services: Services,
    graph: GraphSandbox,
    deliveries: MetaDeliveries,
    worker: Worker,
    slack: SlackSandbox,
    signed: SlackRequests,
    officer: str,
    say: Say,
) -> None:
    """Deliver one signed comment webhook, card it, claim it and reply from Slack as the page, see it closed."""
    if worker.meta is None or not services.desk.facebook_pages():
        return
    meta = worker.meta
    team, page = next((t, p) for t, p in services.desk.facebook_pages() if t.key != services.desk.triage.hq_team)
    post = graph.add_post(page.id, "Street surgery this Saturday, 10 till 12 at Northtown library. Come and say hello!")
    comment = graph.add_comment(post.id, QUESTION, RESIDENT)
    mention_id = desk_id(Platform.FACEBOOK, comment.id)
    answer = deliveries.send(graph.feed_change(comment))
    say(f"\n6b. {RESIDENT['name']} comments on the {page.name} Facebook page; Meta's signed webhook is answered")
    say(f"    HTTP {answer.status_code} and a worker turns it into a mention: the same triage, relay and outbox as X.")
    meta.inbox.drain()
    worker.drainer.drain(30)
    card = next(
        m for m in slack.messages(team.channel) if (read_card_metadata(m.get("metadata")) or ("",))[0] == mention_id
    )
    response = signed.block_action(
        MentionAction.CLAIM.value,
        value=mention_id,
        user_id=officer,
        channel=team.channel,
        message_ts=card["ts"],
        message=card,
    )
    store = RedisMentionStore(services.redis, services.desk.retention.mention_days)
    claimed = eventually(lambda: (t := store.get(mention_id)) is not None and t.claimed_by == officer)
    say(f"    carded in #{team.key}; {officer} claims it: HTTP {response.status_code}, claimed: {bool(claimed)}.")
    signed.block_action(
        MentionAction.REPLY, mention_id, user_id=officer, channel=team.channel, message_ts=card["ts"], message=card
    )
    view = eventually(lambda: [v for v in slack.views().values() if mention_id in v.get("private_metadata", "")])[-1]
    values = state_values(view, {f"{ReplyBlock.TEXT}0": ANSWER})
    sent = signed.view_submission(ReplyView.COMPOSE, values, user_id=officer, private_metadata=view["private_metadata"])
    worker.drainer.drain(30)
    replies = [c for c in graph.store.children(comment.id, "comment") if c.author.get("id") == page.id]
    after = store.get(mention_id)
    state = after.state.value if after else "gone"
    say(f"    {officer} presses Reply ({view['title']['text']}) and Send: HTTP {sent.status_code}; the outbox answers")
    say(f"    as {page.name} through the Graph API, once (page replies: {len(replies)}); the comment is now {state}.")
