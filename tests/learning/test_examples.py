"""Training data folders: X pages and Meta webhook deliveries read into the same labelled mentions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.models import Platform
from bot.learning.examples import ExamplesError, read_examples, training_folders
from tests.conftest import REPO

PAGE, ACCOUNT = "1500000000000003", "17841400000000003"


def _comment(comment: str, message: str, parent: str = "") -> dict[str, Any]:
    value = {
        "from": {"id": "2450595946049823", "name": "Sam"},
        "post_id": f"{PAGE}_31",
        "comment_id": comment,
        "parent_id": parent or f"{PAGE}_31",
        "message": message,
        "created_time": 1795180611,
        "item": "comment",
        "verb": "add",
    }
    return {
        "object": "page",
        "entry": [{"id": PAGE, "time": 1795180611, "changes": [{"field": "feed", "value": value}]}],
    }


def _visitor_post(post: str, message: str) -> dict[str, Any]:
    value = {"from": {"id": "77", "name": "Jo"}, "post_id": post, "message": message, "created_time": 1795180600}
    value |= {"item": "status", "verb": "add"}
    return {
        "object": "page",
        "entry": [{"id": PAGE, "time": 1795180600, "changes": [{"field": "feed", "value": value}]}],
    }


def _instagram(comment: str, text: str) -> dict[str, Any]:
    value = {"from": {"id": "88", "username": "kez_99"}, "media": {"id": "41", "media_product_type": "FEED"}}
    value |= {"id": comment, "text": text}
    change = {"field": "comments", "value": value}
    return {"object": "instagram", "entry": [{"id": ACCOUNT, "time": 1795180700, "changes": [change]}]}


def _label(mention_id: str, category: str, urgent: bool = False, route: str = "northtown") -> dict[str, Any]:
    needs_reply = category in {"emergency", "crime_report", "information", "question", "complaint", "media"}
    return {"id": mention_id, "category": category, "urgent": urgent, "needs_reply": needs_reply, "route": route}


def _folder(root: Path, deliveries: list[dict[str, Any]], labels: list[dict[str, Any]]) -> Path:
    root.mkdir()
    (root / "deliveries.jsonl").write_text("".join(json.dumps(d) + "\n" for d in deliveries), encoding="utf-8")
    (root / "labels.jsonl").write_text("".join(json.dumps(row) + "\n" for row in labels), encoding="utf-8")
    return root


def test_meta_deliveries_become_labelled_comments_as_ingest_reads_them(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path / "train-meta",
        [
            _comment("31_1", "just seen him get on the 42 at the bus station"),
            _comment("31_2", "@sarah_j look at this 😳", parent="31_1"),
            _visitor_post(f"{PAGE}_32", "Lost dog on Canal Street, brown lurcher, answers to Bo"),
            _instagram("51", "officer i'd like to report a crime 😍"),
        ],
        [
            _label("fb-31_1", "information", urgent=True, route="control_room"),
            _label("fb-31_2", "chatter"),
            _label(f"fb-{PAGE}_32", "information"),
            _label("ig-51", "chatter"),
        ],
    )
    examples = read_examples(folder)
    assert [(m.id, m.platform, m.account_id) for m, _ in examples] == [
        ("fb-31_1", Platform.FACEBOOK, PAGE),
        ("fb-31_2", Platform.FACEBOOK, PAGE),
        (f"fb-{PAGE}_32", Platform.FACEBOOK, PAGE),
        ("ig-51", Platform.INSTAGRAM, ACCOUNT),
    ]
    first, labels = examples[0]
    assert first.text == "just seen him get on the 42 at the bus station"
    assert (labels.category, labels.urgent, labels.route) == ("information", True, "control_room")


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("[1, 2]", "not a JSON object"),
        (
            json.dumps(
                {
                    "object": "page",
                    "entry": [
                        {
                            "id": PAGE,
                            "changes": [
                                {"field": "feed", "value": {"item": "comment", "verb": "remove", "comment_id": "31_9"}}
                            ],
                        }
                    ],
                }
            ),
            "something other than a comment",
        ),
        (json.dumps(_comment("not-an-id", "hello")), "malformed Graph id"),
    ],
)
def test_a_delivery_that_is_not_a_comment_names_its_line(tmp_path: Path, line: str, complaint: str) -> None:
    folder = _folder(tmp_path / "bad", [_comment("31_1", "fine")], [_label("fb-31_1", "chatter")])
    (folder / "deliveries.jsonl").write_text(
        json.dumps(_comment("31_1", "fine")) + "\n" + line + "\n", encoding="utf-8"
    )
    with pytest.raises(ExamplesError, match=rf"delivery 2: .*{complaint}"):
        read_examples(folder)


def test_an_unlabelled_comment_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "train-x", [_comment("31_1", "fine"), _comment("31_2", "also fine")], [])
    (folder / "labels.jsonl").write_text(json.dumps(_label("fb-31_1", "chatter")) + "\n", encoding="utf-8")
    with pytest.raises(ExamplesError, match="no labels for 1 mentions, e.g. fb-31_2"):
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
