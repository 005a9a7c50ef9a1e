"""Training data folders: X pages and Meta webhook deliveries read into the same labelled mentions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core.models import Platform
from bot.learning.examples import ExamplesError, read_examples, training_folders
from bot.sandbox._graph_store import GraphObject
from bot.sandbox.graph_api import GraphSandbox
from tests.conftest import REPO
from tests.support.meta import CITIZEN, NORTH_IG, NORTH_PAGE


def _label(mention_id: str, category: str, urgent: bool = False, route: str = "northtown") -> dict[str, Any]:
    needs_reply = category in {"emergency", "crime_report", "information", "question", "complaint", "media"}
    return {"id": mention_id, "category": category, "urgent": urgent, "needs_reply": needs_reply, "route": route}


def _folder(root: Path, deliveries: list[dict[str, Any]], labels: list[dict[str, Any]]) -> Path:
    root.mkdir()
    (root / "deliveries.jsonl").write_text("".join(json.dumps(d) + "\n" for d in deliveries), encoding="utf-8")
    (root / "labels.jsonl").write_text("".join(json.dumps(row) + "\n" for row in labels), encoding="utf-8")
    return root


def test_meta_deliveries_become_labelled_comments_as_ingest_reads_them(tmp_path: Path, graph: GraphSandbox) -> None:
    appeal = graph.add_post(NORTH_PAGE, "MISSING: Leah, 14")
    sighting = graph.add_comment(appeal.id, "just seen her get on the 42 at the bus station", CITIZEN)
    tag = graph.add_comment(sighting.id, "@sarah_j look at this 😳", CITIZEN)
    visitor = graph.add_post(NORTH_PAGE, "Lost dog on Canal Street, brown lurcher, answers to Bo", CITIZEN)
    media = graph.add_media(NORTH_IG, "Meet Bramble")
    fan = graph.add_comment(media.id, "officer i'd like to report a crime 😍", {"id": "88", "username": "kez_99"})
    folder = _folder(
        tmp_path / "train-meta",
        [graph.feed_change(sighting), graph.feed_change(tag), graph.feed_change(visitor), graph.instagram_change(fan)],
        [
            _label(f"fb-{sighting.id}", "information", urgent=True, route="control_room"),
            _label(f"fb-{tag.id}", "chatter"),
            _label(f"fb-{visitor.id}", "information"),
            _label(f"ig-{fan.id}", "chatter"),
        ],
    )
    examples = read_examples(folder)
    assert [(m.id, m.platform, m.account_id) for m, _ in examples] == [
        (f"fb-{sighting.id}", Platform.FACEBOOK, NORTH_PAGE),
        (f"fb-{tag.id}", Platform.FACEBOOK, NORTH_PAGE),
        (f"fb-{visitor.id}", Platform.FACEBOOK, NORTH_PAGE),
        (f"ig-{fan.id}", Platform.INSTAGRAM, NORTH_IG),
    ]
    first, labels = examples[0]
    assert first.text == "just seen her get on the 42 at the bus station"
    assert (labels.category, labels.urgent, labels.route) == ("information", True, "control_room")


@pytest.mark.parametrize(
    ("damage", "complaint"),
    [
        (lambda graph, comment: [1, 2], "not a JSON object"),
        (lambda graph, comment: graph.feed_change(comment, verb="remove"), "something other than a comment"),
        (
            lambda graph, comment: json.loads(json.dumps(graph.feed_change(comment)).replace(comment.id, "not-an-id")),
            "malformed Graph id",
        ),
    ],
    ids=["not an object", "a removal", "a forged id"],
)
def test_a_delivery_that_is_not_a_comment_names_its_line(
    tmp_path: Path, graph: GraphSandbox, damage: Callable[[GraphSandbox, GraphObject], Any], complaint: str
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    fine, other = (graph.add_comment(post.id, text, CITIZEN) for text in ("fine", "also fine"))
    folder = _folder(
        tmp_path / "bad",
        [graph.feed_change(fine), damage(graph, other)],
        [_label(f"fb-{fine.id}", "chatter"), _label(f"fb-{other.id}", "chatter")],
    )
    with pytest.raises(ExamplesError, match=rf"delivery 2: .*{complaint}"):
        read_examples(folder)


def test_an_unlabelled_comment_is_an_error(tmp_path: Path, graph: GraphSandbox) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    labelled, unlabelled = (graph.add_comment(post.id, text, CITIZEN) for text in ("fine", "also fine"))
    deliveries = [graph.feed_change(labelled), graph.feed_change(unlabelled)]
    folder = _folder(tmp_path / "train-x", deliveries, [_label(f"fb-{labelled.id}", "chatter")])
    with pytest.raises(ExamplesError, match=f"no labels for 1 mentions, e.g. fb-{unlabelled.id}"):
        read_examples(folder)


def test_training_folders_are_every_train_folder_and_never_the_dev_set(tmp_path: Path) -> None:
    for name in ("train-short", "dev", "train", "train-facebook", "notes"):
        (tmp_path / name).mkdir()
    (tmp_path / "train-readme.md").write_text("not a folder", encoding="utf-8")
    assert [f.name for f in training_folders(tmp_path)] == ["train", "train-facebook", "train-short"]


def test_every_repository_training_folder_reads() -> None:
    folders = training_folders(REPO / "data" / "mentions")
    assert folders[0].name == "train"
    platforms = {m.platform for folder in folders for m, _ in read_examples(folder)}
    assert platforms == set(Platform)
