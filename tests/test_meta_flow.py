"""Facebook and Instagram through the real door, worker and clients: signed webhooks and catch-up polls to cards."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from bot.adapters.meta_inbox import RedisMetaInbox
from bot.adapters.meta_tokens import RedisMetaTokens
from bot.adapters.store import AuditLog, SeenRequests
from bot.app import create_app
from bot.blocks.mention_card import read_card_metadata
from bot.cli import main
from bot.core.models import Category, Platform
from bot.core.tracking import MentionState
from bot.core.triage.decide import Triage
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.meta_webhooks import VERIFY_TOKEN, MetaDeliveries, hub_signature
from bot.sandbox.signed import SIGNING_SECRET
from bot.sandbox.wsgi import serve_wsgi
from bot.services import Services, build_meta_webhooks, build_services
from bot.web.front_door import WebApp
from bot.worker import Worker, build_worker
from config.desk import Desk
from config.settings import Settings
from tests.support.meta import CITIZEN, HQ_PAGE, NORTH_IG, NORTH_PAGE, SECRET_KEY, link_tokens, with_meta
from tests.support.triage_models import BAND, ScriptedModel, opinion

QUESTION = "Will the Northtown street surgery still be on Saturday if it rains? My mum wants to come."


@pytest.fixture
def meta_services(settings: Settings, graph: GraphSandbox, desk: Desk, redis_client: Any) -> Iterator[Services]:
    built = build_services(with_meta(settings, graph), desk)
    link_tokens(built)
    yield built
    built.redis.close()


@pytest.fixture
def worker(meta_services: Services) -> Worker:
    return build_worker(meta_services, pace_ms=5)


@pytest.fixture
def deliveries(meta_services: Services) -> Iterator[MetaDeliveries]:
    settings = meta_services.settings
    web = WebApp(
        create_app(settings, meta_services),
        SIGNING_SECRET,
        SeenRequests(meta_services.redis),
        build_meta_webhooks(settings, meta_services.redis),
    )
    with serve_wsgi(web) as url:
        yield MetaDeliveries(url)


def cards_of(slack: SlackSandbox, mention_id: str) -> list[dict[str, Any]]:
    found = []
    for message in slack.messages():
        meta = read_card_metadata(message.get("metadata"))
        if meta is not None and meta[0] == mention_id:
            found.append(message)
    return found


def carded_once(slack: SlackSandbox, mention_id: str) -> bool:
    """One card in each channel it went to (an urgent one also goes to the control room), and at least one."""
    channels = [str(card["channel"]) for card in cards_of(slack, mention_id)]
    return bool(channels) and len(channels) == len(set(channels))


def inbox_depth(services: Services) -> int:
    return RedisMetaInbox(services.redis).depth()


# -- the door ---------------------------------------------------------------------------------------------


def test_the_subscription_handshake_echoes_the_challenge_only_for_our_verify_token(
    deliveries: MetaDeliveries,
) -> None:
    accepted = deliveries.verify(VERIFY_TOKEN, challenge="1158201444")
    assert (accepted.status_code, accepted.text) == (200, "1158201444")
    assert deliveries.verify("someone-elses-token").status_code == 403
    assert deliveries.verify(VERIFY_TOKEN, mode="unsubscribe").status_code == 400
    assert deliveries.verify(VERIFY_TOKEN, challenge="<script>").status_code == 400


def test_forged_and_malformed_deliveries_are_refused_before_anything_is_queued(
    deliveries: MetaDeliveries, graph: GraphSandbox, meta_services: Services
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    body = MetaDeliveries(deliveries.base_url).send_raw  # signed with the real secret unless told otherwise
    payload = graph.feed_change(graph.add_comment(post.id, QUESTION, CITIZEN))
    raw = str(payload).encode()
    assert body(b'{"object": "page", "entry": []}', signature=hub_signature("not-the-secret", raw)).status_code == 401
    assert body(b'{"object": "page", "entry": []}', signature="").status_code == 401
    assert body(b'{"object": "page", "entry": []}', signature="sha1=" + "0" * 40).status_code == 401
    assert body(b"not json at all").status_code == 400
    assert body(b'{"object": "page"}').status_code == 400
    assert body(b"[1, 2]").status_code == 400
    assert body(b"{" + b" " * (1024 * 1024 + 1) + b"}").status_code == 413
    assert inbox_depth(meta_services) == 0


def test_a_comment_on_a_team_page_is_carded_once_in_that_teams_channel_even_when_replayed(
    deliveries: MetaDeliveries,
    graph: GraphSandbox,
    meta_services: Services,
    worker: Worker,
    slack_sandbox: SlackSandbox,
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday, 10-12 at the library")
    comment = graph.add_comment(post.id, QUESTION, CITIZEN)
    payload = graph.feed_change(comment)
    for _ in range(3):  # Meta's retry and two replays of the captured body
        assert deliveries.send(payload).status_code == 200
    assert inbox_depth(meta_services) == 1
    worker.run_once()
    cards = cards_of(slack_sandbox, f"fb-{comment.id}")
    assert len(cards) == 1
    card = cards[0]
    north = meta_services.desk.team("northtown")
    assert north is not None and card["channel"] == north.channel
    shown = str(card["blocks"])
    assert "Facebook comment" in shown and "Northtown Neighbourhood Police" in shown and "Ann Example" in shown
    assert f"https://www.facebook.com/{post.id}?comment_id={comment.id}" in shown
    assert inbox_depth(meta_services) == 0
    tracked = worker.mentions._mentions.get(f"fb-{comment.id}")
    assert tracked is not None and tracked.mention.platform is Platform.FACEBOOK and tracked.route == "northtown"


def test_the_pages_reply_in_the_thread_marks_the_comment_replied_with_its_response_time(
    deliveries: MetaDeliveries, graph: GraphSandbox, worker: Worker
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    comment = graph.add_comment(post.id, QUESTION, CITIZEN)
    deliveries.send(graph.feed_change(comment))
    worker.run_once()
    answer = graph.add_comment(comment.id, "Yes, we'll be inside the library, see you there!")
    deliveries.send(graph.feed_change(answer))
    worker.run_once()
    tracked = worker.mentions._mentions.get(f"fb-{comment.id}")
    assert tracked is not None and tracked.state is MentionState.REPLIED
    assert tracked.replied_by == "Northtown Neighbourhood Police" and tracked.response_time is not None


def test_a_removed_comment_is_redacted_in_redis_and_on_its_card_and_audited_without_content(
    deliveries: MetaDeliveries,
    graph: GraphSandbox,
    worker: Worker,
    slack_sandbox: SlackSandbox,
    meta_services: Services,
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    comment = graph.add_comment(post.id, QUESTION, CITIZEN)
    deliveries.send(graph.feed_change(comment))
    worker.run_once()
    graph.delete(comment.id)
    deliveries.send(graph.feed_change(comment, "remove"))
    worker.run_once()
    mention_id = f"fb-{comment.id}"
    tracked = worker.mentions._mentions.get(mention_id)
    assert tracked is not None and tracked.state is MentionState.REDACTED
    assert tracked.mention.text == "" and tracked.mention.author.name == ""
    shown = str(cards_of(slack_sandbox, mention_id)[0]["blocks"])
    assert "removed on Facebook" in shown and "Ann" not in shown and "rains" not in shown
    entries = AuditLog(meta_services.redis).entries(mention_id)
    assert [e["action"] for e in entries] == ["mention.redacted"]
    assert "rains" not in str(entries)


def test_a_facebook_commenter_is_found_and_erased_by_the_page_scoped_id_graph_gave(
    deliveries: MetaDeliveries,
    graph: GraphSandbox,
    worker: Worker,
    slack_sandbox: SlackSandbox,
    meta_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    comment = graph.add_comment(graph.add_post(NORTH_PAGE, "Street surgery on Saturday").id, QUESTION, CITIZEN)
    deliveries.send(graph.feed_change(comment))
    worker.run_once()
    settings = meta_services.settings
    for name, value in {
        "REDIS_URL": settings.redis_url,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_API_URL": str(settings.slack_api_url),
        "COMMSDESK_CONFIG": settings.commsdesk_config,
    }.items():
        monkeypatch.setenv(name, value)
    found = CliRunner().invoke(main, ["subject", "find", "--facebook-name", CITIZEN["name"]])
    assert found.exit_code == 0, found.output
    assert f'"id": "{CITIZEN["id"]}"' in found.output and "Northtown Neighbourhood Police" in found.output
    erased = CliRunner().invoke(main, ["subject", "erase", "--facebook-id", CITIZEN["id"], "--yes"])
    assert erased.exit_code == 0, erased.output
    mention_id = f"fb-{comment.id}"
    assert [str(card["text"]) for card in cards_of(slack_sandbox, mention_id)] == ["Mention removed"]
    assert [e["action"] for e in AuditLog(meta_services.redis).entries(mention_id)] == ["mention.erased"]


def test_after_an_outage_the_poll_catches_up_without_carding_anything_twice(
    deliveries: MetaDeliveries, graph: GraphSandbox, worker: Worker, slack_sandbox: SlackSandbox
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    delivered = graph.add_comment(post.id, QUESTION, CITIZEN)
    deliveries.send(graph.feed_change(delivered))
    graph.down = True  # Graph is out: the catch-up poll fails, webhooks still queue
    assert worker.meta is not None
    worker.run_once()
    missed = [graph.add_comment(post.id, f"Is the surgery on Brook Road too? question {n}", CITIZEN) for n in range(3)]
    visitor = graph.add_post(NORTH_PAGE, "Someone has dumped a sofa on Canal Street again", CITIZEN)
    media = graph.add_media(NORTH_IG, "Meet the team at Northtown Park")
    on_instagram = graph.add_comment(media.id, "Are you at the park on Sunday?", {"id": "555", "username": "kat"})
    graph.down = False
    worker.run_once()
    worker.run_once()
    for mention_id in [f"fb-{c.id}" for c in (delivered, *missed)] + [f"fb-{visitor.id}", f"ig-{on_instagram.id}"]:
        assert carded_once(slack_sandbox, mention_id), mention_id


def test_three_workers_at_once_give_one_card_per_comment(
    deliveries: MetaDeliveries, graph: GraphSandbox, meta_services: Services, slack_sandbox: SlackSandbox
) -> None:
    workers = [build_worker(meta_services, pace_ms=5) for _ in range(3)]
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    comments = [graph.add_comment(post.id, f"{QUESTION} ({n})", CITIZEN) for n in range(12)]
    for comment in comments[::2]:
        deliveries.send(graph.feed_change(comment))
    start = threading.Barrier(3)

    def run(worker: Worker) -> None:
        start.wait()
        worker.run_once()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for comment in comments:
        assert carded_once(slack_sandbox, f"fb-{comment.id}")


def test_instagram_comments_and_mentions_become_cards(
    deliveries: MetaDeliveries, graph: GraphSandbox, worker: Worker, slack_sandbox: SlackSandbox
) -> None:
    media = graph.add_media(NORTH_IG, "Meet the team at Northtown Park")
    comment = graph.add_comment(
        media.id, "Someone keeps racing motorbikes round the park at night", {"id": "55", "username": "kat"}
    )
    deliveries.send(graph.instagram_change(comment))
    elsewhere = graph.add_media(NORTH_IG, "a post we were tagged in")
    tagged = graph.add_comment(
        elsewhere.id, "@northtown.police my car was broken into on Canal Street", {"id": "56", "username": "lee"}
    )
    entry = {
        "id": NORTH_IG,
        "time": tagged.created,
        "changes": [{"field": "mentions", "value": {"media_id": elsewhere.id, "comment_id": tagged.id}}],
    }
    deliveries.send({"object": "instagram", "entry": [entry]})
    worker.run_once()
    shown = str(cards_of(slack_sandbox, f"ig-{comment.id}")[0]["blocks"])
    assert "Instagram comment" in shown and "@kat" in shown
    assert carded_once(slack_sandbox, f"ig-{tagged.id}")


def test_an_edited_comment_shows_its_new_words_on_the_same_card(
    deliveries: MetaDeliveries, graph: GraphSandbox, worker: Worker, slack_sandbox: SlackSandbox
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    comment = graph.add_comment(post.id, QUESTION, CITIZEN)
    deliveries.send(graph.feed_change(comment))
    worker.run_once()
    comment.text = "Will the Northtown street surgery be indoors? Asking for my mum, she uses a wheelchair."
    deliveries.send(graph.feed_change(comment, "edited"))
    worker.run_once()
    [card] = cards_of(slack_sandbox, f"fb-{comment.id}")
    assert "wheelchair" in str(card["blocks"]) and "rains" not in str(card["blocks"])
    tracked = worker.mentions._mentions.get(f"fb-{comment.id}")
    assert tracked is not None and "wheelchair" in tracked.mention.text


def test_a_page_without_a_working_token_does_not_stop_the_others(
    graph: GraphSandbox, worker: Worker, meta_services: Services, slack_sandbox: SlackSandbox
) -> None:
    RedisMetaTokens(meta_services.redis, SECRET_KEY).unlink(HQ_PAGE)  # listed first in the desk config
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    comment = graph.add_comment(post.id, QUESTION, CITIZEN)
    worker.run_once()
    assert carded_once(slack_sandbox, f"fb-{comment.id}")


def test_an_urgent_comment_reaches_the_control_room_telling_it_to_answer_on_facebook(
    deliveries: MetaDeliveries,
    graph: GraphSandbox,
    worker: Worker,
    slack_sandbox: SlackSandbox,
    meta_services: Services,
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    urgent = "there's a man with a knife outside the library on Canal Street right now shouting at kids, please come"
    comment = graph.add_comment(post.id, urgent, CITIZEN)
    deliveries.send(graph.feed_change(comment))
    worker.run_once()
    room = meta_services.desk.desk.control_room_channel
    [card] = [c for c in cards_of(slack_sandbox, f"fb-{comment.id}") if c["channel"] == room]
    assert "reply on Facebook now" in str(card["blocks"]) and "reply on X" not in str(card["blocks"])


def test_a_comment_deleted_without_a_webhook_is_redacted_by_the_compliance_check(
    deliveries: MetaDeliveries, graph: GraphSandbox, worker: Worker, slack_sandbox: SlackSandbox, x_sandbox: XSandbox
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    kept, gone = (graph.add_comment(post.id, f"{QUESTION} ({n})", CITIZEN) for n in range(2))
    media = graph.add_media(NORTH_IG, "Meet the team")
    ig_gone = graph.add_comment(media.id, "When is the next one?", {"id": "55", "username": "kat"})
    worker.run_once()
    graph.delete(gone.id)
    graph.delete(ig_gone.id)  # Instagram sends no deletion webhooks at all
    report = worker.retention.check_deleted()
    assert report.redacted == 2
    assert not x_sandbox.calls_to("/2/tweets")  # Meta ids are never sent to X
    for mention_id, platform in ((f"fb-{gone.id}", "Facebook"), (f"ig-{ig_gone.id}", "Instagram")):
        tracked = worker.mentions._mentions.get(mention_id)
        assert tracked is not None and tracked.state is MentionState.REDACTED
        assert f"deleted on {platform}" in str(cards_of(slack_sandbox, mention_id)[0]["blocks"])
    alive = worker.mentions._mentions.get(f"fb-{kept.id}")
    assert alive is not None and alive.state is MentionState.OPEN


def test_the_pages_comment_on_a_visitor_post_answers_it(
    deliveries: MetaDeliveries, graph: GraphSandbox, worker: Worker
) -> None:
    visitor = graph.add_post(NORTH_PAGE, "Does anyone know if the Canal Street crossing is being fixed?", CITIZEN)
    deliveries.send(graph.feed_change(visitor))
    worker.run_once()
    deliveries.send(graph.feed_change(graph.add_comment(visitor.id, "Hi Ann, the council tell us it's next week.")))
    worker.run_once()
    tracked = worker.mentions._mentions.get(f"fb-{visitor.id}")
    assert tracked is not None and tracked.state is MentionState.REPLIED


WELSH = "Diolch yn fawr i swyddogion Northtown am eu help neithiwr, roeddech chi'n garedig iawn"
POLISH = "Ktoś ukradł mi rower spod sklepu na Canal Street wczoraj wieczorem"
SLANG = "lol ngl thats well sus 😂"
VIETNAMESE = "Chào anh chị, cho em hỏi đồn cảnh sát Northtown mở cửa lúc mấy giờ ạ?"  # when does the station open


def test_webhooks_and_polling_give_a_comment_the_same_detected_language(
    deliveries: MetaDeliveries, graph: GraphSandbox, worker: Worker
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    graph.down = True  # the poll fails: these arrive by webhook only
    pushed = [graph.add_comment(post.id, text, CITIZEN) for text in (WELSH, POLISH, SLANG, "😂😂🔥")]
    for comment in pushed:
        deliveries.send(graph.feed_change(comment))
    worker.run_once()
    graph.down = False  # no webhook for these: the catch-up poll finds them
    polled = [graph.add_comment(post.id, c.text, CITIZEN) for c in pushed]
    worker.run_once()
    for by_webhook, by_poll, language in zip(pushed, polled, ("cy", "pl", "", ""), strict=True):
        records = [worker.mentions._mentions.get(f"fb-{c.id}") for c in (by_webhook, by_poll)]
        assert [(r.mention.lang, r.decision.language) for r in records if r] == [(language, language)] * 2


@pytest.mark.parametrize(
    ("urgency", "route"),
    [(0.01, "desk"), (BAND.lower + 0.05, "control_room")],
    ids=["calm: the desk translates and answers", "inside the band: the control room checks it first"],
)
def test_a_comment_in_a_language_the_model_cannot_read_is_carded_to_translate_and_answer(
    deliveries: MetaDeliveries,
    graph: GraphSandbox,
    meta_services: Services,
    slack_sandbox: SlackSandbox,
    desk: Desk,
    monkeypatch: pytest.MonkeyPatch,
    urgency: float,
    route: str,
) -> None:
    # a scripted model that reads English, Welsh and Polish only, so the flow, not the packaged model's scores
    model = ScriptedModel(default=opinion(Category.QUESTION, urgency=urgency))
    monkeypatch.setattr("bot.worker.build_triage", lambda desk: Triage(desk, model))
    worker = build_worker(meta_services, pace_ms=5)
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    comment = graph.add_comment(post.id, VIETNAMESE, CITIZEN)
    deliveries.send(graph.feed_change(comment))
    worker.run_once()
    tracked = worker.mentions._mentions.get(f"fb-{comment.id}")
    assert tracked is not None and tracked.mention.lang == "vi"
    decision = tracked.decision
    assert (decision.route, decision.needs_reply, decision.understood) == (route, True, False)
    channel = desk.desk.channel if route == "desk" else desk.desk.control_room_channel
    [card] = [c for c in cards_of(slack_sandbox, f"fb-{comment.id}") if c["channel"] == channel]
    shown = str(card["blocks"])
    assert "Written in vi" in shown and "https://translate.google.com/" in shown
