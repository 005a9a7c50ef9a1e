"""Replying to a Facebook comment from Slack: signed HTTP into the real app, the Slack and Graph stand-ins, real Redis.

The same Reply button, modal and outbox path as X; the worker's Graph source posts as the page the comment was
made on. The invariants are read back from the Graph stand-in's store, Redis, the audit stream and Slack.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import RedisOutbox
from bot.adapters.reply_book import RedisReplyBook
from bot.adapters.store import AuditLog, Keys
from bot.blocks.ids import MentionAction, ReplyBlock
from bot.core.meta import Comment, read_delivery
from bot.core.replies.intents import IntentState
from bot.core.tracking import CardRef, MentionState, TrackedMention
from bot.sandbox import SlackSandbox
from bot.sandbox._graph_store import GraphObject
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.signed import SlackRequests, eventually
from bot.services import Services
from bot.worker import build_worker
from config.settings import Settings
from tests.support.factories import tracked
from tests.support.meta import CITIZEN, NORTH_PAGE, link_tokens, with_meta
from tests.support.reply_modal import ALICE, pick_saved, submit

TEAM_CHANNEL = "C0NORTH0001"
PAGE_NAME = "Northtown Neighbourhood Police"
QUESTION = "Is the Northtown street surgery still on Saturday if it rains? My mum wants to come."
# Over X's 280, well within Facebook's 8,000: the budget is the comment's platform's, not X's.
LONG_ANSWER = (
    "Hi Ann, yes, it goes ahead whatever the weather: we will be inside the community centre on Mill Lane from "
    "10am until 1pm on Saturday. There is step-free access from the car park, and the local officers will be "
    "there to talk about anything on your mum's mind. If she cannot make it, the next surgery is two weeks "
    "later at the library, and you can always report things online at police.uk or call 101."
)


@pytest.fixture
def settings(settings: Settings, graph: GraphSandbox) -> Settings:
    """The suite's deployment with Meta on against the Graph stand-in (and so a secret key for tokens)."""
    return with_meta(settings, graph)


@pytest.fixture(autouse=True)
def members(slack_sandbox: SlackSandbox) -> None:
    slack_sandbox.set_members(TEAM_CHANNEL, [ALICE])
    slack_sandbox.set_members("C0DESK00001", [])
    slack_sandbox.set_members("C0CTRL00001", [])


@pytest.fixture
def comment(services: Services, graph: GraphSandbox) -> GraphObject:
    """A resident's comment on the Northtown page, tracked with a card in the team channel; the page is linked."""
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday, 10am, community centre")
    made = graph.add_comment(post.id, QUESTION, CITIZEN)
    [event], _ = read_delivery(graph.feed_change(made))  # as Meta's webhook would bring it
    assert isinstance(event, Comment)
    ts = str(services.slack.chat_postMessage(channel=TEAM_CHANNEL, text="card")["ts"])
    store = RedisMentionStore(services.redis, services.desk.retention.mention_days)
    assert store.record_new(
        tracked(event.mention.id, mention=event.mention, cards=(CardRef(channel=TEAM_CHANNEL, ts=ts),))
    )
    link_tokens(services)
    return made


@pytest.fixture
def drain(services: Services) -> Any:
    worker = build_worker(services, pace_ms=1)
    return lambda: worker.drainer.drain(20.0)


def open_modal(slack: SlackRequests, sandbox: SlackSandbox, mention_id: str) -> dict[str, Any]:
    answer = slack.block_action(MentionAction.REPLY, mention_id, user_id=ALICE, channel=TEAM_CHANNEL)
    assert answer.status_code == 200
    call = eventually(lambda: sandbox.calls_to("views.open"))[-1]
    return next(v for v in sandbox.views().values() if v["private_metadata"] == call.params["view"]["private_metadata"])


def page_replies(graph: GraphSandbox, comment: GraphObject) -> list[GraphObject]:
    return [c for c in graph.store.children(comment.id, "comment") if c.author.get("id") == NORTH_PAGE]


def stored(services: Services, mention_id: str) -> TrackedMention:
    record = RedisMentionStore(services.redis, services.desk.retention.mention_days).get(mention_id)
    assert record is not None
    return record


def test_a_facebook_comment_is_answered_from_slack_once_as_its_page(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    graph: GraphSandbox,
    services: Services,
    comment: GraphObject,
    drain: Any,
) -> None:
    mention_id = "fb-" + comment.id
    view = open_modal(live_app, slack_sandbox, mention_id)
    assert view["title"]["text"] == "Reply on Facebook" and QUESTION in json.dumps(view)
    accounts = next(b for b in view["blocks"] if b["block_id"] == ReplyBlock.ACCOUNT)["element"]["options"]
    assert [o["value"] for o in accounts] == [PAGE_NAME]  # the page it was made on, never an X account
    filled = pick_saved(live_app, slack_sandbox, view, "Please DM us")
    box = next(b for b in filled["blocks"] if b["block_id"] == f"{ReplyBlock.TEXT}1")["element"]
    assert box["initial_value"].startswith("Ann Example Thanks for getting in touch.")  # a name, not an @handle
    assert "/8,000" in json.dumps(filled) and "/280" not in json.dumps(filled)
    assert submit(live_app, filled, LONG_ANSWER) == {}
    eventually(lambda: [e for e in slack_sandbox.ephemerals(TEAM_CHANNEL) if "on its way to Facebook" in e["text"]])
    drain()
    drain()  # a second pass finds nothing left to send
    [sent] = page_replies(graph, comment)
    assert sent.text == LONG_ANSWER
    record = stored(services, mention_id)
    assert record.state is MentionState.REPLIED and record.replied_by == PAGE_NAME and record.handled_by == ALICE
    assert record.reply_post_id == sent.id and record.response_time is not None
    [audited] = [r for r in AuditLog(services.redis).entries(mention_id) if r["action"] == "mention.replied_from_slack"]
    assert audited["actor"] == ALICE and PAGE_NAME in audited["detail"] and "Ann Example" not in audited["detail"]
    card = eventually(lambda: [c for c in [json.dumps(slack_sandbox.messages(TEAM_CHANNEL)[-1])] if "replied as" in c])
    assert PAGE_NAME in card[0] and "Mill Lane" in card[0] and "x.com" not in card[0]
    day = record.mention.created_at.astimezone(services.desk.zone).date().isoformat()
    assert services.redis.get(Keys.response_times(day, "northtown"))


def test_after_a_crash_once_graph_accepted_the_reply_is_found_not_posted_again(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    graph: GraphSandbox,
    services: Services,
    comment: GraphObject,
    drain: Any,
) -> None:
    mention_id = "fb-" + comment.id
    assert submit(live_app, open_modal(live_app, slack_sandbox, mention_id), LONG_ANSWER) == {}
    # The worker marked the attempt, Graph took the reply, and the worker died before recording it.
    book = RedisReplyBook(services.redis, RedisOutbox(services.redis, "test"), services.desk.retention.mention_days)
    book.update(mention_id, lambda i: i.model_copy(update={"attempted": True}))
    landed = graph.add_comment(comment.id, LONG_ANSWER)
    drain()
    assert [c.id for c in page_replies(graph, comment)] == [landed.id]
    intent = book.get(mention_id)
    assert intent is not None and (intent.state, intent.post_id) == (IntentState.SENT, landed.id)
    assert stored(services, mention_id).state is MentionState.REPLIED


def test_a_comment_deleted_before_sending_is_refused_privately_and_stays_open(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    graph: GraphSandbox,
    services: Services,
    comment: GraphObject,
    drain: Any,
) -> None:
    mention_id = "fb-" + comment.id
    assert submit(live_app, open_modal(live_app, slack_sandbox, mention_id), "Thanks Ann, see you Saturday.") == {}
    graph.delete(comment.id)
    drain()
    assert page_replies(graph, comment) == []
    told = eventually(lambda: [e for e in slack_sandbox.ephemerals(TEAM_CHANNEL) if "Facebook refused" in e["text"]])
    assert "answer on Facebook" in told[0]["text"]
    assert stored(services, mention_id).state is MentionState.OPEN
    assert [
        r for r in AuditLog(services.redis).entries(mention_id) if r["action"] == "mention.reply.refused_by_facebook"
    ]
