"""Subject rights and the audit export through the CLI, against real Redis and the Slack stand-in."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import redis
from click.testing import CliRunner
from slack_sdk import WebClient

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import CORRECTIONS_STREAM, AuditLog, Keys
from bot.cli import main
from bot.core.meta import Comment, facebook_comment
from bot.core.models import Author, Category, Mention, Platform, TriageDecision
from bot.core.tracking import CardRef, MentionState, TrackedMention
from bot.sandbox import SlackSandbox
from bot.sandbox.redis_server import RedisServer
from tests.conftest import EXAMPLE_DESK
from tests.support.meta import CITIZEN, HQ_PAGE, NORTH_PAGE

AT = datetime.now(UTC) - timedelta(hours=3)
TEXT = "@MPNorthtown my neighbour at 14 Canal Street is dealing drugs again"


def tracked(tweet_id: str, username: str, cards: tuple[CardRef, ...], mention: Mention | None = None) -> TrackedMention:
    mention = mention or Mention(
        id=tweet_id,
        text=TEXT,
        created_at=AT,
        conversation_id=tweet_id,
        author=Author(id="17" + tweet_id[-4:], username=username, name="Jo Bloggs", location="Northtown"),
    )
    decision = TriageDecision(
        category=Category.CRIME_REPORT,
        urgent=False,
        needs_reply=True,
        route="northtown",
        reasons=("reports drug dealing",),
    )
    return TrackedMention(
        mention=mention,
        decision=decision,
        team="northtown",
        route="northtown",
        received_at=AT,
        sla_due=AT + timedelta(hours=1),
        cards=cards,
    )


@pytest.fixture
def desk_data(redis_client: redis.Redis, slack_sandbox: SlackSandbox) -> dict[str, str]:
    """Two mentions by jo_canal (one with a card in Slack) and one by someone else, with their traces."""
    slack = WebClient(token="xoxb-test", base_url=slack_sandbox.url)
    posted = slack.chat_postMessage(channel="C0NORTH0001", text=TEXT)
    card = CardRef(channel="C0NORTH0001", ts=str(posted["ts"]), role="team")
    store = RedisMentionStore(redis_client, 30)
    for record in (
        tracked("1993000000000000001", "jo_canal", (card,)),
        tracked("1993000000000000002", "Jo_Canal", ()),
        tracked("1993000000000000003", "someone_else", ()),
    ):
        store.record_new(record)
    AuditLog(redis_client).record("U0DESK00001", "mention.claimed", "1993000000000000001")
    redis_client.set(Keys.reply("1993000000000000001"), json.dumps({"text": "@jo_canal Please DM us"}))
    AuditLog(redis_client).record("U0DESK00001", "mention.claimed", "1993000000000000003")
    correction = {"tweet_id": "1993000000000000002", "label": "category", "desk": "information"}
    redis_client.xadd(CORRECTIONS_STREAM, {"json": json.dumps(correction)})
    redis_client.xadd(
        Keys.dead_letters(),
        {
            "channel": "C0GONE00001",
            "kind": "card",
            "tweet_id": "1993000000000000002",
            "payload": json.dumps({"text": TEXT}),
            "error": "channel_not_found",
        },
    )
    return {"ts": card.ts}


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, redis_server: RedisServer, slack_sandbox: SlackSandbox) -> CliRunner:
    for name, value in {
        "REDIS_URL": redis_server.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": slack_sandbox.url,
        "COMMSDESK_CONFIG": str(EXAMPLE_DESK),
    }.items():
        monkeypatch.setenv(name, value)
    return CliRunner()


def test_find_exports_everything_held_about_an_author(cli: CliRunner, desk_data: dict[str, str]) -> None:
    result = cli.invoke(main, ["subject", "find", "@JO_CANAL"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert (found["handle"], found["subject"]) == ("JO_CANAL", "@JO_CANAL")
    assert sorted(m["mention"]["id"] for m in found["mentions"]) == ["1993000000000000001", "1993000000000000002"]
    assert found["mentions"][0]["mention"]["text"] == TEXT
    assert found["slack_cards"] == [
        {"tweet_id": "1993000000000000001", "channel": "C0NORTH0001", "ts": desk_data["ts"], "role": "team"}
    ]
    assert [(e["action"], e["subject"]) for e in found["audit"]] == [("mention.claimed", "1993000000000000001")]
    assert [json.loads(e["json"])["label"] for e in found["corrections"]] == ["category"]
    assert [e["error"] for e in found["queued_slack_posts"]] == ["channel_not_found"]
    assert found["replies_from_slack"] == [{"text": "@jo_canal Please DM us"}]


def test_erase_redacts_records_and_cards_and_audits_without_content(
    cli: CliRunner, desk_data: dict[str, str], redis_client: redis.Redis, slack_sandbox: SlackSandbox
) -> None:
    result = cli.invoke(main, ["subject", "erase", "jo_canal", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Erased 2 mentions, redrew 1 cards, dropped 1 dead letters." in result.output
    store = RedisMentionStore(redis_client, 30)
    for tweet_id in ("1993000000000000001", "1993000000000000002"):
        record = store.get(tweet_id)
        assert record is not None and record.state is MentionState.REDACTED
        assert (record.mention.text, record.mention.author.username, record.decision.reasons) == ("", "", ())
    other = store.get("1993000000000000003")
    assert other is not None and other.mention.text == TEXT
    [card] = slack_sandbox.messages("C0NORTH0001")
    assert card["text"] == "Mention removed" and "Canal" not in json.dumps(card["blocks"])
    erasures = [e for e in AuditLog(redis_client).entries() if e["action"] == "mention.erased"]
    assert sorted(e["subject"] for e in erasures) == ["1993000000000000001", "1993000000000000002"]
    assert not any("jo_canal" in json.dumps(e).casefold() or "Canal" in json.dumps(e) for e in erasures)
    assert redis_client.xlen(Keys.dead_letters()) == 0
    assert redis_client.get(Keys.reply("1993000000000000001")) is None
    again = cli.invoke(main, ["subject", "erase", "jo_canal", "--yes"])
    assert again.output == "Nothing held about @jo_canal.\n"


def test_erase_asks_first_and_changes_nothing_when_refused(
    cli: CliRunner, desk_data: dict[str, str], redis_client: redis.Redis
) -> None:
    result = cli.invoke(main, ["subject", "erase", "jo_canal"], input="n\n")
    assert result.exit_code == 1
    assert "Erase 2 mentions by @jo_canal and redraw 1 Slack cards? [y/N]" in result.output
    record = RedisMentionStore(redis_client, 30).get("1993000000000000001")
    assert record is not None and record.mention.text == TEXT


ANN_ON_HQ = {"id": "6100000000000099", "name": CITIZEN["name"]}  # the same name, another page-scoped id


def facebook(page_id: str, comment_id: str, who: dict[str, str], cards: tuple[CardRef, ...] = ()) -> TrackedMention:
    """A Facebook comment read from a Graph-shaped object by the parser the webhooks and polls use."""
    raw = {"id": comment_id, "message": TEXT, "created_time": AT.isoformat(), "from": who}
    event = facebook_comment(page_id, raw, post_id=f"{page_id}_900")
    assert isinstance(event, Comment) and event.mention.platform is Platform.FACEBOOK
    return tracked(event.mention.id, "", cards, event.mention)


@pytest.fixture
def commenters(redis_client: redis.Redis, slack_sandbox: SlackSandbox, desk_data: dict[str, str]) -> str:
    """Ann Example on two pages (one page-scoped id each, one card in Slack), and Bob on Northtown's page."""
    slack = WebClient(token="xoxb-test", base_url=slack_sandbox.url)
    posted = slack.chat_postMessage(channel="C0NORTH0001", text=TEXT)
    card = CardRef(channel="C0NORTH0001", ts=str(posted["ts"]), role="team")
    store = RedisMentionStore(redis_client, 30)
    store.record_new(facebook(NORTH_PAGE, f"{NORTH_PAGE}_900_1", CITIZEN, (card,)))
    store.record_new(facebook(HQ_PAGE, f"{HQ_PAGE}_900_2", ANN_ON_HQ))
    store.record_new(facebook(NORTH_PAGE, f"{NORTH_PAGE}_900_3", {"id": "6100000000000055", "name": "Bob Other"}))
    AuditLog(redis_client).record("U0DESK00001", "mention.claimed", f"fb-{NORTH_PAGE}_900_1")
    return card.ts


def test_find_names_a_facebook_commenter_by_page_scoped_id(cli: CliRunner, commenters: str) -> None:
    result = cli.invoke(main, ["subject", "find", "--facebook-id", CITIZEN["id"]])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["subject"] == f"Facebook commenter {CITIZEN['id']}"
    assert [m["mention"]["id"] for m in found["mentions"]] == [f"fb-{NORTH_PAGE}_900_1"]
    assert found["slack_cards"][0]["ts"] == commenters
    assert [e["subject"] for e in found["audit"]] == [f"fb-{NORTH_PAGE}_900_1"]
    page = "Northtown Neighbourhood Police"
    assert found["facebook_commenters"] == [
        {"id": CITIZEN["id"], "name": "Ann Example", "page_id": NORTH_PAGE, "page": page}
    ]


def test_find_by_facebook_name_lists_each_page_scoped_id_with_its_page(cli: CliRunner, commenters: str) -> None:
    result = cli.invoke(main, ["subject", "find", "--facebook-name", "Ann Example"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert sorted(m["mention"]["id"] for m in found["mentions"]) == [f"fb-{HQ_PAGE}_900_2", f"fb-{NORTH_PAGE}_900_1"]
    assert [(c["id"], c["page"]) for c in found["facebook_commenters"]] == [
        (CITIZEN["id"], "Northtown Neighbourhood Police"),
        (ANN_ON_HQ["id"], "Midshire Police"),
    ]
    assert json.loads(cli.invoke(main, ["subject", "find", "--facebook-name", "ann example"]).output)["mentions"] == []


def test_erase_by_a_shared_facebook_name_refuses_and_names_the_ids_to_choose_from(
    cli: CliRunner, commenters: str, redis_client: redis.Redis
) -> None:
    result = cli.invoke(main, ["subject", "erase", "--facebook-name", "Ann Example", "--yes"])
    assert result.exit_code == 1
    assert f"{CITIZEN['id']} on Northtown Neighbourhood Police; {ANN_ON_HQ['id']} on Midshire Police" in result.output
    record = RedisMentionStore(redis_client, 30).get(f"fb-{NORTH_PAGE}_900_1")
    assert record is not None and record.mention.text == TEXT


def test_erase_by_page_scoped_ids_redacts_the_commenters_records_and_cards_only(
    cli: CliRunner, commenters: str, redis_client: redis.Redis, slack_sandbox: SlackSandbox
) -> None:
    ids = ["--facebook-id", CITIZEN["id"], "--facebook-id", ANN_ON_HQ["id"]]
    result = cli.invoke(main, ["subject", "erase", *ids, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Erased 2 mentions, redrew 1 cards, dropped 0 dead letters." in result.output
    store = RedisMentionStore(redis_client, 30)
    for mention_id in (f"fb-{NORTH_PAGE}_900_1", f"fb-{HQ_PAGE}_900_2"):
        record = store.get(mention_id)
        assert record is not None and record.state is MentionState.REDACTED
        assert (record.mention.text, record.mention.author.id, record.mention.author.name) == ("", "", "")
    bob = store.get(f"fb-{NORTH_PAGE}_900_3")
    assert bob is not None and bob.mention.author.name == "Bob Other"
    jo = store.get("1993000000000000001")
    assert jo is not None and jo.mention.text == TEXT
    card = next(m for m in slack_sandbox.messages("C0NORTH0001") if m["ts"] == commenters)
    assert card["text"] == "Mention removed" and "Ann" not in json.dumps(card["blocks"])
    erased = [e for e in AuditLog(redis_client).entries() if e["action"] == "mention.erased"]
    assert not any("Ann" in json.dumps(e) or CITIZEN["id"] in json.dumps(e) for e in erased)
    again = cli.invoke(main, ["subject", "erase", *ids, "--yes"])
    assert again.output == f"Nothing held about Facebook commenter {CITIZEN['id']}, {ANN_ON_HQ['id']}.\n"


@pytest.mark.parametrize(
    "args",
    [[], ["@"], ["--facebook-id", " "], ["jo_canal", "--facebook-id", CITIZEN["id"]], ["--facebook-name", "  "]],
)
def test_find_wants_exactly_one_author_and_never_matches_everyone_without_a_username(
    cli: CliRunner, commenters: str, args: list[str]
) -> None:
    result = cli.invoke(main, ["subject", "find", *args])
    assert result.exit_code == 2 and "name one author" in result.output


def test_audit_export_writes_safe_csv_from_a_date(cli: CliRunner, redis_client: redis.Redis, tmp_path: object) -> None:
    old = int((datetime.now(UTC) - timedelta(days=10)).timestamp() * 1000)
    redis_client.xadd(
        "cd:audit", {"actor": "U0OLD", "action": "request.approved", "subject": "PR-1", "at": "old"}, id=f"{old}-0"
    )
    AuditLog(redis_client).record('=HYPERLINK("https://evil.example")', "request.declined", "PR-2", note="+1 cmd")
    result = cli.invoke(main, ["audit", "export"])
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["entry_id", "at", "actor", "action", "subject", "detail"]
    assert [r[3] for r in rows[1:]] == ["request.approved", "request.declined"]
    assert rows[2][2] == '\'=HYPERLINK("https://evil.example")'
    assert rows[2][5] == "note=+1 cmd"
    since = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")
    result = cli.invoke(main, ["audit", "export", "--since", since, "--output", "audit.csv"])
    assert result.exit_code == 0
    with open("audit.csv", encoding="utf-8") as file:
        assert [r[4] for r in list(csv.reader(file))[1:]] == ["PR-2"]
