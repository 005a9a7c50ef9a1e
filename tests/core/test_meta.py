"""Meta's payloads as the desk reads them: webhook changes and API objects to comments, replies and removals."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.meta import AccountReply, Comment, MentionedIn, Removed, read_delivery
from bot.core.models import Category, Mention, Platform, TriageDecision, graph_id, platform_of
from bot.core.relay import on_own_page, owning_team
from config.desk import load_desk
from tests.conftest import EXAMPLE_DESK

PAGE = "1500000000000003"


def feed(value: dict[str, object], page: str = PAGE) -> dict[str, object]:
    return {
        "object": "page",
        "entry": [{"id": page, "time": 1795976400, "changes": [{"field": "feed", "value": value}]}],
    }


COMMENT = {
    "from": {"id": "6100000000000077", "name": "Ann Example"},
    "item": "comment",
    "verb": "add",
    "post_id": f"{PAGE}_900",
    "comment_id": "900_901",
    "parent_id": f"{PAGE}_900",
    "created_time": 1795976400,
    "message": "Is the surgery still on if it rains?",
}


def test_a_comment_becomes_a_mention_of_the_authors_own_words_with_the_post_as_context() -> None:
    events, problems = read_delivery(feed(COMMENT))
    assert problems == []
    [comment] = events
    assert isinstance(comment, Comment) and not comment.edited
    mention = comment.mention
    assert (mention.id, mention.platform, mention.account_id) == ("fb-900_901", Platform.FACEBOOK, PAGE)
    assert mention.text == "Is the surgery still on if it rains?" and mention.author.name == "Ann Example"
    assert mention.conversation_id == f"fb-{PAGE}_900"
    assert mention.url == f"https://www.facebook.com/{PAGE}_900?comment_id=900_901"
    assert mention.created_at == datetime.fromtimestamp(1795976400, UTC)
    assert platform_of(mention.id) is Platform.FACEBOOK and graph_id(mention.id) == "900_901"


def test_the_pages_reply_edits_removals_and_visitor_posts() -> None:
    reply = COMMENT | {"from": {"id": PAGE, "name": "Northtown"}, "comment_id": "900_902", "parent_id": "900_901"}
    [answered] = read_delivery(feed(reply))[0]
    assert isinstance(answered, AccountReply) and answered.answered == "fb-900_901"
    [edited] = read_delivery(feed(COMMENT | {"verb": "edited", "message": "Never mind"}))[0]
    assert isinstance(edited, Comment) and edited.edited and edited.mention.text == "Never mind"
    assert read_delivery(feed(COMMENT | {"verb": "remove"}))[0] == [Removed("fb-900_901")]
    visitor = {
        "from": {"id": "61", "name": "Lee"},
        "item": "status",
        "verb": "add",
        "post_id": f"{PAGE}_905",
        "created_time": 1795976400,
        "message": "Sofa dumped on Canal Street",
    }
    [post] = read_delivery(feed(visitor))[0]
    assert isinstance(post, Comment) and post.mention.id == f"fb-{PAGE}_905"
    assert read_delivery(feed(COMMENT | {"verb": "hide"}))[0] == []
    assert read_delivery(feed({"item": "reaction", "verb": "add", "post_id": f"{PAGE}_900"}))[0] == []


def test_instagram_comments_and_mentions() -> None:
    value = {"from": {"id": "55", "username": "kat"}, "media": {"id": "1790"}, "id": "1791", "text": "When?"}
    entry = {"id": "17841400000000003", "time": 1795976400, "changes": [{"field": "comments", "value": value}]}
    [comment] = read_delivery({"object": "instagram", "entry": [entry]})[0]
    assert isinstance(comment, Comment) and comment.mention.id == "ig-1791"
    assert comment.mention.platform is Platform.INSTAGRAM and comment.mention.author.username == "kat"
    mention = {"field": "mentions", "value": {"media_id": "1795", "comment_id": "1796"}}
    entry["changes"] = [mention]
    assert read_delivery({"object": "instagram", "entry": [entry]})[0] == [
        MentionedIn("17841400000000003", "1796", "1795")
    ]


def test_malformed_changes_are_reported_not_raised() -> None:
    events, problems = read_delivery(feed(COMMENT | {"comment_id": "../../me", "created_time": "yesterday"}))
    assert events == [] and problems == ["facebook comment: missing or malformed Graph id"]
    assert read_delivery({"object": "page", "entry": "nope"}) == ([], [])


def test_a_comment_on_a_team_page_goes_to_that_team_before_any_place_it_names() -> None:
    desk = load_desk(EXAMPLE_DESK)
    [comment] = read_delivery(feed(COMMENT))[0]
    assert isinstance(comment, Comment)
    mention: Mention = comment.mention
    fallback = TriageDecision(
        category=Category.QUESTION,
        urgent=False,
        needs_reply=True,
        route="desk",
        route_if_not_urgent="desk",
        reasons=("model: question", "no team account or place, so the desk"),
    )
    routed = on_own_page(mention, fallback, desk)
    assert routed.route == "northtown" and routed.reasons[-1].startswith("posted on the Facebook page")
    assert "no team account or place, so the desk" not in routed.reasons
    complaint = fallback.model_copy(update={"category": Category.COMPLAINT})
    assert on_own_page(mention, complaint, desk).route == "desk"
    by_place = fallback.model_copy(
        update={"route": "oldfield", "route_if_not_urgent": "oldfield", "reasons": ("names place Brook Road",)}
    )
    routed_by_page = on_own_page(mention, by_place, desk)
    assert (routed_by_page.route, routed_by_page.route_if_not_urgent) == ("northtown", "northtown")
    assert routed_by_page.reasons == ("posted on the Facebook page of team northtown",)
    urgent = fallback.model_copy(update={"urgent": True, "route": "control_room"})
    assert on_own_page(mention, urgent, desk).route == "control_room"
    assert owning_team(mention, on_own_page(mention, urgent, desk), desk) == "northtown"
    hq = mention.model_copy(update={"account_id": "1500000000000001"})
    assert on_own_page(hq, fallback, desk).route == "desk"


def test_records_stored_before_platforms_existed_read_as_x() -> None:
    old = Mention.model_validate_json(
        '{"id": "17", "text": "hi", "author": {"id": "9"}, "created_at": "2026-01-01T00:00:00Z"}'
    )
    assert old.platform is Platform.X and old.url == "https://x.com/i/status/17" and platform_of(old.id) is Platform.X
