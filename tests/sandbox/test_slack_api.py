"""Drive the real slack_sdk WebClient against the Slack stand-in, faults included."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.sandbox import SlackSandbox

CARD_METADATA = {
    "event_type": "commsdesk_mention",
    "event_payload": {"tweet_id": "2122383172375788671", "route": "northtown"},
}


@pytest.fixture
def slack() -> Iterator[SlackSandbox]:
    with SlackSandbox() as sandbox:
        yield sandbox


@pytest.fixture
def client(slack: SlackSandbox) -> WebClient:
    return WebClient(token="xoxb-sandbox", base_url=slack.url, timeout=5)


def test_post_update_and_history_keep_metadata(slack: SlackSandbox, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "bike stolen"}}]
    posted = client.chat_postMessage(
        channel="C0NORTH",
        text="bike stolen",
        blocks=blocks,
        metadata=CARD_METADATA,
        unfurl_links=False,
        unfurl_media=False,
    )
    client.chat_update(channel="C0NORTH", ts=posted["ts"], text="claimed by Sam", blocks=blocks)

    [message] = slack.messages("C0NORTH")
    assert message["text"] == "claimed by Sam"
    assert message["metadata"] == CARD_METADATA
    assert message["unfurl_links"] is False and message["unfurl_media"] is False
    history = client.conversations_history(channel="C0NORTH", include_all_metadata=True)
    assert history["messages"][0]["metadata"]["event_payload"]["tweet_id"] == "2122383172375788671"
    assert "metadata" not in client.conversations_history(channel="C0NORTH")["messages"][0]


def test_history_is_newest_first_with_cursor_pages_and_oldest(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=f"m{n}")["ts"] for n in range(5)]
    assert len(set(stamps)) == 5 and stamps == sorted(stamps)
    first = client.conversations_history(channel="C1", limit=2)
    second = client.conversations_history(channel="C1", limit=2, cursor=first["response_metadata"]["next_cursor"])
    assert [m["text"] for m in first["messages"] + second["messages"]] == ["m4", "m3", "m2", "m1"]
    assert first["has_more"] is True
    newer = client.conversations_history(channel="C1", oldest=stamps[2])
    assert [m["text"] for m in newer["messages"]] == ["m4", "m3"]
    assert newer["response_metadata"]["next_cursor"] == ""


def test_thread_replies_stay_out_of_history(slack: SlackSandbox, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="card")["ts"]
    client.chat_postMessage(channel="C1", text="reminder", thread_ts=parent)
    assert [m["text"] for m in client.conversations_history(channel="C1")["messages"]] == ["card"]
    assert [m["text"] for m in client.conversations_replies(channel="C1", ts=parent)["messages"]] == [
        "card",
        "reminder",
    ]
    assert len(slack.messages("C1")) == 2


def test_a_broadcast_reply_is_in_the_thread_and_in_history_and_the_parent_counts_it(client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="card")["ts"]
    quiet = client.chat_postMessage(channel="C1", text="nudge", thread_ts=parent)["ts"]
    loud = client.chat_postMessage(
        channel="C1", text="re-alert", thread_ts=parent, reply_broadcast=True, metadata=CARD_METADATA
    )
    assert loud["message"]["subtype"] == "thread_broadcast" and loud["message"]["thread_ts"] == parent
    history = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert [m["text"] for m in history] == ["re-alert", "card"]
    assert history[0]["metadata"] == CARD_METADATA
    assert history[1]["reply_count"] == 2 and history[1]["latest_reply"] == loud["ts"]
    one = client.conversations_history(channel="C1", latest=parent, oldest=parent, inclusive=True, limit=1)
    assert [m["text"] for m in one["messages"]] == ["card"]
    assert client.conversations_history(channel="C1", latest=parent, oldest=parent, limit=1)["messages"] == []
    replies = client.conversations_replies(channel="C1", ts=parent)["messages"]
    assert [m["ts"] for m in replies] == [parent, quiet, loud["ts"]]


def test_thread_replies_can_be_updated_and_deleted_and_a_parent_with_replies_leaves_a_tombstone(
    slack: SlackSandbox, client: WebClient
) -> None:
    parent = client.chat_postMessage(channel="C1", text="card")["ts"]
    reply = client.chat_postMessage(channel="C1", text="re-alert", thread_ts=parent, reply_broadcast=True)["ts"]
    client.chat_update(channel="C1", ts=reply, text="removed", blocks=[])
    assert [m["text"] for m in client.conversations_replies(channel="C1", ts=parent)["messages"]] == ["card", "removed"]
    client.chat_delete(channel="C1", ts=reply)
    assert [m.get("reply_count") for m in slack.messages("C1")] == [None]
    second = client.chat_postMessage(channel="C1", text="nudge", thread_ts=parent)["ts"]
    client.chat_delete(channel="C1", ts=parent)
    tombstone, left = slack.messages("C1")
    assert tombstone["subtype"] == "tombstone" and tombstone["text"] == "This message was deleted."
    assert left["ts"] == second and left["thread_ts"] == parent
    with pytest.raises(SlackApiError) as gone:
        client.chat_delete(channel="C1", ts=parent)
    assert gone.value.response["error"] == "message_not_found"
    with pytest.raises(SlackApiError) as missing:
        client.conversations_replies(channel="C1", ts="1.000001")
    assert missing.value.response["error"] == "thread_not_found"


def test_files_upload_v2_end_to_end(slack: SlackSandbox, client: WebClient) -> None:
    png = b"\x89PNG\r\n\x1a\nchart"
    done = client.files_upload_v2(
        channel="C0DESK",
        content=png,
        filename="digest.png",
        title="Mentions",
        alt_txt="Bar chart",
        initial_comment="Digest",
    )
    [uploaded] = slack.files()
    assert done["file"]["id"] == uploaded["id"]
    assert uploaded["content"] == png
    assert (uploaded["title"], uploaded["alt_txt"], uploaded["channel_id"], uploaded["initial_comment"]) == (
        "Mentions",
        "Bar chart",
        "C0DESK",
        "Digest",
    )
    assert slack.messages("C0DESK")[0]["files"][0]["title"] == "Mentions"


def test_dm_by_user_id_or_opened_channel_lands_in_one_conversation(slack: SlackSandbox, client: WebClient) -> None:
    channel = client.conversations_open(users="U0ALEX")["channel"]["id"]
    client.chat_postMessage(channel=channel, text="approved")
    client.chat_postMessage(channel="U0ALEX", text="second")
    assert channel.startswith("D") and channel == slack.dm_channel("U0ALEX")
    assert [m["text"] for m in slack.messages("U0ALEX")] == ["approved", "second"]


def test_views_users_usergroups_permalink_and_ephemeral(slack: SlackSandbox, client: WebClient) -> None:
    slack.set_usergroup("S0APPROVERS", ["U1", "U2"])
    slack.add_user("U1", name="sam", real_name="Sam Jones")
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Request"}, "blocks": []}
    view_id = client.views_open(trigger_id="1.2.abc", view=modal)["view"]["id"]
    client.views_update(view_id=view_id, view=dict(modal, title={"type": "plain_text", "text": "Thanks"}))
    client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    ts = client.chat_postMessage(channel="C1", text="x")["ts"]
    client.chat_postEphemeral(channel="C1", user="U1", text="only you")

    assert slack.views()[view_id]["title"]["text"] == "Thanks"
    assert slack.home("U1") is not None and slack.home("U1")["type"] == "home"  # type: ignore[index]
    assert client.usergroups_users_list(usergroup="S0APPROVERS")["users"] == ["U1", "U2"]
    assert client.users_info(user="U1")["user"]["real_name"] == "Sam Jones"
    assert client.chat_getPermalink(channel="C1", message_ts=ts)["permalink"].endswith(ts.replace(".", ""))
    assert slack.ephemerals("C1")[0]["text"] == "only you"


def test_missing_token_and_unknown_method_are_refused(slack: SlackSandbox) -> None:
    with pytest.raises(SlackApiError) as unauthenticated:
        WebClient(base_url=slack.url).auth_test()
    assert unauthenticated.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as unknown:
        WebClient(token="xoxb-sandbox", base_url=slack.url).api_call("chat.teleport")
    assert unknown.value.response["error"] == "unknown_method"


def test_429_carries_retry_after_and_the_sdk_retry_handler_honours_it(slack: SlackSandbox, client: WebClient) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="card")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"

    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    client.chat_postMessage(channel="C1", text="card")
    assert time.monotonic() - started >= 1.0
    assert [c.outcome for c in slack.calls_to("chat.postMessage")] == ["429", "429", "ok"]
    assert len(slack.messages("C1")) == 1


def test_5xx_fails_and_server_error_handler_retries(slack: SlackSandbox, client: WebClient) -> None:
    slack.fail_next("chat.update", status=503)
    with pytest.raises(SlackApiError) as failed:
        client.chat_update(channel="C1", ts="1.0", text="x")
    assert failed.value.response.status_code == 503

    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2))
    slack.fail_next("chat.postMessage", status=500, times=2)
    assert client.chat_postMessage(channel="C1", text="card")["ok"]
    assert [c.outcome for c in slack.calls_to("chat.postMessage")] == ["500", "500", "ok"]


def test_reset_after_accept_records_the_post_but_the_client_sees_a_connection_error(
    slack: SlackSandbox, client: WebClient
) -> None:
    client.retry_handlers.clear()
    slack.reset_after_accept("chat.postMessage")
    with pytest.raises(OSError):
        client.chat_postMessage(channel="C1", text="card", metadata=CARD_METADATA)
    [message] = slack.messages("C1")
    assert message["metadata"] == CARD_METADATA
    assert slack.calls_to("chat.postMessage")[0].outcome == "reset"


def test_sdk_default_connection_retry_duplicates_a_post_reset_after_accept(slack: SlackSandbox) -> None:
    """slack_sdk retries connection errors by default, so only metadata reconciliation prevents duplicates."""
    client = WebClient(token="xoxb-sandbox", base_url=slack.url, timeout=5)
    slack.reset_after_accept("chat.postMessage")
    client.chat_postMessage(channel="C1", text="card", metadata=CARD_METADATA)
    assert [c.outcome for c in slack.calls_to("chat.postMessage")] == ["reset", "ok"]
    assert len(slack.messages("C1")) == 2


def test_pace_per_channel_answers_429_to_a_second_post_within_the_interval(
    slack: SlackSandbox, client: WebClient
) -> None:
    slack.pace_per_channel(5.0)
    client.chat_postMessage(channel="C1", text="first")
    client.chat_postMessage(channel="C2", text="other channel")
    with pytest.raises(SlackApiError) as paced:
        client.chat_postMessage(channel="C1", text="too soon")
    assert paced.value.response.status_code == 429
    assert 1 <= int(paced.value.response.headers["Retry-After"]) <= 5
    assert slack.paced_429s == 1
    assert [m["text"] for m in slack.messages("C1")] == ["first"]


def test_delay_slows_a_method_and_reset_forgets_everything(slack: SlackSandbox, client: WebClient) -> None:
    slack.delay("auth.test", 0.3)
    started = time.monotonic()
    assert client.auth_test()["user_id"] == "U0BOT"
    assert time.monotonic() - started >= 0.3
    client.chat_postMessage(channel="C1", text="x")
    slack.reset()
    assert slack.calls == [] and slack.messages() == []


def test_conversations_members_pages_and_refuses_unknown_channels(slack: SlackSandbox, client: WebClient) -> None:
    slack.set_members("C0NORTH0001", ["U0A0000001", "U0B0000001", "U0C0000001"])
    first = client.conversations_members(channel="C0NORTH0001", limit=2)
    assert first["members"] == ["U0A0000001", "U0B0000001"]
    rest = client.conversations_members(
        channel="C0NORTH0001", limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    assert rest["members"] == ["U0C0000001"] and rest["response_metadata"]["next_cursor"] == ""
    with pytest.raises(SlackApiError) as err:
        client.conversations_members(channel="C0UNKNOWN01")
    assert err.value.response["error"] == "channel_not_found"
    slack.reset()
    assert client.conversations_members(channel="C0NORTH0001")["members"][0] == "U0A0000001"  # set-up survives
