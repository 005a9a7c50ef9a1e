"""prepare strips Slack markup exactly as before, even when the markup never closes (bench/hostile_text.py times it)."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest

from bot.core.models import Author, Category, Mention
from bot.core.triage.decide import Triage
from bot.core.triage.normalise import normalise
from bot.core.triage.text_views import prepare
from config.desk import Desk
from tests.support.triage_models import ScriptedModel

# The patterns before they were made linear: the reference for what stripping must produce.
REFERENCE_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>")
REFERENCE_MARKUP = re.compile(r"<[!@#][^>]*>|<https?:[^>]*>")
PIECES = ["<", ">", "|", "!", "@", "#", "http:", "https:", "mailto:", "x", " ", "@abc"]
EMERGENCY = "@MidshirePolice someone is breaking into the house opposite RIGHT NOW, he has got a knife "


def reference_handles(raw: str) -> str:
    folded = normalise(raw)
    if "<" not in folded:
        return folded
    return " ".join(REFERENCE_MARKUP.sub(" ", REFERENCE_LINK.sub(r" \1 ", folded)).split())


def mention(text: str) -> Mention:
    return Mention(
        id="1", text=text, author=Author(id="2", username="someone"), created_at=datetime(2026, 11, 16, tzinfo=UTC)
    )


def test_stripping_matches_the_reference_on_random_markup() -> None:
    rng = random.Random(10)
    for _ in range(5000):
        raw = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 14)))
        assert prepare(raw).handles == reference_handles(raw), raw


@pytest.mark.parametrize(
    ("raw", "handles"),
    [
        ("<https://x.example|the appeal> now", "the appeal now"),
        ("<http://x.example> <!here> <@U1> <#C1|desk> left", "left"),
        ("<http:<http:<http:x|label> tail", "label tail"),
        ("<http:a> <http:b|c>", "c"),
        ("<http: <!here", "<http: <!here"),
    ],
)
def test_stripping_keeps_link_labels_and_drops_markup(raw: str, handles: str) -> None:
    assert prepare(raw).handles == handles == reference_handles(raw)


@pytest.mark.parametrize(
    ("fragment", "ending"),
    [("<http:", ""), ("<http:", ">"), ("<https://x|", ""), ("<mailto:", ""), ("<!here", ""), ("<http:|", ">")],
)
def test_unclosed_markup_of_25000_characters_decides_like_plain_text(desk: Desk, fragment: str, ending: str) -> None:
    room = 25_000 - len(EMERGENCY) - len(ending)
    text = EMERGENCY + (fragment * room)[:room] + ending
    assert len(text) == 25_000
    decision = Triage(desk, ScriptedModel()).decide(mention(text))
    assert (decision.category, decision.route) == (Category.EMERGENCY, "control_room")
