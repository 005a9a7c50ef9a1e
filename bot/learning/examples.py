"""Labelled examples for training: mentions read from X API v2 pages or Meta webhook deliveries, with gold labels.

A data folder holds `labels.jsonl` beside either `mentions.jsonl` (X pages, one response page a line) or
`deliveries.jsonl` (Meta webhook deliveries, one a line: Facebook Page feed comments and visitor posts, Instagram
comments). Both are read by the parsers ingest uses, so the model trains on exactly what it will be shown.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.core.meta import Comment, read_delivery
from bot.core.models import Mention
from bot.core.pages import PageError, mentions_from_page
from bot.core.triage.evaluation import Labels, read_labels

Example = tuple[Mention, Labels]


class ExamplesError(ValueError):
    """A training data folder is missing or inconsistent; the message names the file."""


def read_examples(folder: Path) -> list[Example]:
    """Read one data folder's mentions (X pages or Meta deliveries) and their labels, in file order."""
    labels_file = folder / "labels.jsonl"
    pages, deliveries = folder / "mentions.jsonl", folder / "deliveries.jsonl"
    source = deliveries if deliveries.is_file() else pages
    for path in (source, labels_file):
        if not path.is_file():
            raise ExamplesError(
                f"{path}: not found (a data folder holds labels.jsonl and mentions.jsonl or deliveries.jsonl)"
            )
    try:
        with labels_file.open(encoding="utf-8") as lines:
            labels = read_labels(lines)
        with source.open(encoding="utf-8") as lines:
            objects = [json.loads(line) for line in lines if line.strip()]
        if source is deliveries:
            mentions = _from_deliveries(objects)
        else:
            mentions = [m for page in objects for m in mentions_from_page(page)]
    except (ValueError, PageError) as exc:
        raise ExamplesError(f"{folder}: {exc}") from None
    unlabelled = [m.id for m in mentions if m.id not in labels]
    if unlabelled:
        raise ExamplesError(f"{labels_file}: no labels for {len(unlabelled)} mentions, e.g. {unlabelled[0]}")
    return [(m, labels[m.id]) for m in mentions]


def training_folders(root: Path) -> list[Path]:
    """Return the training data folders under `root` (every `train*` folder; `dev` is the test set), sorted."""
    return sorted(folder for folder in root.glob("train*") if folder.is_dir())


def _from_deliveries(deliveries: list[Any]) -> list[Mention]:
    """Return the comments and visitor posts in Meta webhook deliveries; anything else there is an error."""
    mentions = []
    for number, delivery in enumerate(deliveries, start=1):
        if not isinstance(delivery, dict):
            raise PageError(f"delivery {number}: not a JSON object")
        events, problems = read_delivery(delivery)
        if problems or not all(isinstance(e, Comment) for e in events):
            raise PageError(f"delivery {number}: {'; '.join(problems) or 'holds something other than a comment'}")
        mentions += [e.mention for e in events if isinstance(e, Comment)]
    return mentions


def digest(examples: Iterable[Example]) -> str:
    """Return the SHA-256 of what training sees of the examples, so an artefact names its data exactly."""
    sha = hashlib.sha256()
    for mention, labels in examples:
        row = {
            "id": mention.id,
            "text": mention.text,
            "lang": mention.lang,
            "referenced": [r.type for r in mention.referenced],
            "labels": [labels.category, labels.urgent, labels.needs_reply, labels.route],
        }
        sha.update(json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
    return sha.hexdigest()


def languages(examples: Sequence[Example], minimum: int = 3) -> frozenset[str]:
    """Return the languages (X's `lang`) with at least `minimum` training examples."""
    counts: dict[str, int] = {}
    for mention, _ in examples:
        if len(mention.lang) == 2:
            counts[mention.lang] = counts.get(mention.lang, 0) + 1
    return frozenset(lang for lang, n in counts.items() if n >= minimum)
