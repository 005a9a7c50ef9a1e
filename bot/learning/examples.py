"""Labelled examples for training: mentions read from X API v2 pages with their gold labels."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.core.models import Mention
from bot.core.pages import PageError, mentions_from_page
from bot.core.triage.evaluation import Labels, read_labels

Example = tuple[Mention, Labels]


class ExamplesError(ValueError):
    """A training data folder is missing or inconsistent; the message names the file."""


def read_examples(folder: Path) -> list[Example]:
    """Read `mentions.jsonl` (X pages) and `labels.jsonl` from one folder, in page order."""
    pages, labels_file = folder / "mentions.jsonl", folder / "labels.jsonl"
    for path in (pages, labels_file):
        if not path.is_file():
            raise ExamplesError(f"{path}: not found (a data folder holds mentions.jsonl and labels.jsonl)")
    try:
        with labels_file.open(encoding="utf-8") as rows:
            labels = read_labels(rows)
        with pages.open(encoding="utf-8") as lines:
            mentions = [m for line in lines if line.strip() for m in mentions_from_page(json.loads(line))]
    except (ValueError, PageError) as exc:
        raise ExamplesError(f"{folder}: {exc}") from None
    unlabelled = [m.id for m in mentions if m.id not in labels]
    if unlabelled:
        raise ExamplesError(f"{labels_file}: no labels for {len(unlabelled)} mentions, e.g. {unlabelled[0]}")
    return [(m, labels[m.id]) for m in mentions]


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
