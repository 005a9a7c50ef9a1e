"""Drive tweepy (through build_x_client) against the X stand-in's endpoints directly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import tweepy

from bot.adapters.x import build_x_client
from bot.sandbox import XSandbox
from tests.conftest import DEV

FORCE_ID = "1400000000000000001"
NORTHTOWN_ID = "1400000000000000003"


@pytest.fixture
def x() -> Iterator[XSandbox]:
    with XSandbox() as sandbox:
        sandbox.load_pages(DEV / "mentions.jsonl")
        yield sandbox


@pytest.fixture
def client(x: XSandbox) -> tweepy.Client:
    return build_x_client("sandbox-bearer", x.url, timeout=5)


def test_mentions_are_newest_first_with_meta_and_author_expansions(client: tweepy.Client) -> None:
    page = client.get_users_mentions(NORTHTOWN_ID, max_results=5, expansions="author_id")
    ids = [t["id"] for t in page["data"]]
    assert ids == sorted(ids, key=int, reverse=True)
    assert page["meta"]["result_count"] == 5
    assert (page["meta"]["newest_id"], page["meta"]["oldest_id"]) == (ids[0], ids[-1])
    assert all(any(m["id"] == NORTHTOWN_ID for m in t["entities"]["mentions"]) for t in page["data"])
    assert {u["id"] for u in page["includes"]["users"]} == {t["author_id"] for t in page["data"]}


def test_pagination_tokens_walk_every_mention_once(client: tweepy.Client) -> None:
    seen: list[str] = []
    token = None
    while True:
        page = client.get_users_mentions(FORCE_ID, max_results=20, pagination_token=token)
        seen += [t["id"] for t in page.get("data", [])]
        token = page["meta"].get("next_token")
        if not token:
            break
    assert len(seen) == len(set(seen)) > 20


def test_since_id_returns_only_newer_mentions(client: tweepy.Client) -> None:
    everything = client.get_users_mentions(FORCE_ID, max_results=100)["data"]
    since = everything[3]["id"]
    newer = client.get_users_mentions(FORCE_ID, since_id=since, max_results=100)["data"]
    assert [t["id"] for t in newer] == [t["id"] for t in everything[:3]]
    assert client.get_users_mentions(FORCE_ID, since_id=everything[0]["id"])["meta"] == {"result_count": 0}


@pytest.mark.parametrize("bad", [4, 101])
def test_max_results_out_of_bounds_is_a_400(client: tweepy.Client, bad: int) -> None:
    with pytest.raises(tweepy.BadRequest):
        client.get_users_mentions(FORCE_ID, max_results=bad)


def test_recent_search_matches_any_handle_in_the_query(client: tweepy.Client) -> None:
    page = client.search_recent_tweets("@MPNorthtown OR @mpriverside", max_results=100)
    for tweet in page["data"]:
        names = {m["username"].casefold() for m in tweet["entities"]["mentions"]}
        assert names & {"mpnorthtown", "mpriverside"}
    with pytest.raises(tweepy.BadRequest):
        client.search_recent_tweets("@MPNorthtown", max_results=5)


def test_replies_posted_become_own_posts_with_metrics(x: XSandbox, client: tweepy.Client) -> None:
    mention = client.get_users_mentions(FORCE_ID)["data"][0]
    with pytest.raises(tweepy.Forbidden, match="Application-Only is forbidden"):
        client.create_tweet(text="Please DM us", in_reply_to_tweet_id=mention["id"], user_auth=False)
    as_force = build_x_client(x.issue_token(FORCE_ID)["access_token"], x.url, timeout=5)
    created = as_force.create_tweet(text="Please DM us", in_reply_to_tweet_id=mention["id"], user_auth=False)
    x.add_own_post(FORCE_ID, "Road closed on the A1", public_metrics={"like_count": 7})
    posts = client.get_users_tweets(FORCE_ID)["data"]
    assert posts[1]["id"] == created["data"]["id"]
    assert posts[1]["referenced_tweets"] == [{"type": "replied_to", "id": mention["id"]}]
    assert posts[0]["public_metrics"]["like_count"] == 7


def test_lookup_reports_deleted_tweets_in_errors(x: XSandbox, client: tweepy.Client) -> None:
    kept, gone = (t["id"] for t in client.get_users_mentions(FORCE_ID, max_results=5)["data"][:2])
    x.delete(gone)
    answer = client.get_tweets([kept, gone])
    assert [t["id"] for t in answer["data"]] == [kept]
    assert answer["errors"][0]["resource_id"] == gone
    assert answer["errors"][0]["title"] == "Not Found Error"


def test_users_by_username(client: tweepy.Client) -> None:
    answer = client.get_users(usernames=["MidshirePolice", "nobody_here"])
    assert answer["data"][0]["id"] == FORCE_ID
    assert answer["errors"][0]["value"] == "nobody_here"
    assert client.get_user(username="MPNorthtown")["data"]["id"] == NORTHTOWN_ID


def test_rate_limit_headers_and_bearer_check(x: XSandbox) -> None:
    path = f"{x.url}/2/users/{FORCE_ID}/mentions"
    authed = requests.get(path, headers={"Authorization": "Bearer t"}, timeout=5)
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(authed.headers.keys())
    assert int(authed.headers["x-rate-limit-remaining"]) == x.rate_limit - 1
    assert requests.get(path, timeout=5).status_code == 401


def test_injected_429_errors_and_new_mentions(x: XSandbox, client: tweepy.Client) -> None:
    x.rate_limit_next("/2/users", reset_header=False)
    with pytest.raises(tweepy.TooManyRequests) as limited:
        client.get_users_mentions(FORCE_ID)
    assert "x-rate-limit-reset" not in limited.value.response.headers
    x.errors_next("/2/users", errors=[{"detail": "partial", "title": "Partial"}])
    assert client.get_users_mentions(FORCE_ID)["errors"] == [{"detail": "partial", "title": "Partial"}]
    [new_id] = x.add_mentions(FORCE_ID, "MidshirePolice", count=1)
    assert client.get_users_mentions(FORCE_ID, max_results=5)["data"][0]["id"] == new_id
    assert [c.status for c in x.calls_to("/2/users")] == [429, 200, 200]
