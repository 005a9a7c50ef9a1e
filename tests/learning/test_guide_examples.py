"""The labelling guide's own worked examples (data/mentions/LABELS.md section 5), decided by the shipped triage.

Every urgent example must reach the control room, and every one the rules decide must be exact. The rest are
the model's to get right: docs/triage.md lists how it does on them (two of eighteen are misfiled today).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.models import Author, Category, Mention, ReferencedTweet
from bot.services import build_triage
from config.desk import Desk

E, C, INFO, Q = Category.EMERGENCY, Category.CRIME_REPORT, Category.INFORMATION, Category.QUESTION
K, M, P, A, X = Category.COMPLAINT, Category.MEDIA, Category.PRAISE, Category.ABUSE, Category.CHATTER
CR = "control_room"

GUIDE_EXAMPLES = [
    ("@MPRiverside man with a knife chasing a lad down Mill Lane now", E, True, True, CR),
    ("@MidshirePolice I can't do this any more, tonight's the night. sorry", E, True, True, CR),
    ("@MPOldfield van broken into on Brook Road overnight, all my tools gone", C, False, True, "oldfield"),
    ("@MidshireRoads red Golf swerving across both lanes of the A61 right now, driver looks asleep", C, True, True, CR),
    (
        "@MidshirePolice the Transit from your appeal has been parked on Quayside for 3 days",
        INFO,
        False,
        True,
        "riverside",
    ),
    ("@MidshirePolice the missing lad from your appeal is at Northtown bus station now", INFO, True, True, CR),
    ("@MidshirePolice help!! is Oldfield station open on Sundays?", Q, False, True, "oldfield"),
    ("@MidshireRoads is the bypass still shut?", Q, False, True, "roads"),
    ("@MPNorthtown 5 weeks and no call back about my burglary", K, False, True, "desk"),
    ("@MidshirePolice 2 hours to get through on 101, amazing service 👏", K, False, True, "desk"),
    ("@MidshirePolice Echo newsdesk: can you confirm an arrest on Canal Street today?", M, False, True, "desk"),
    (
        "@MidshireRoads could someone come on our breakfast show about winter driving? Radio Midshire",
        M,
        False,
        True,
        "desk",
    ),
    ("@MPRiverside thank you for the quick response last night", P, False, False, "riverside"),
    ("@MidshirePolice please pass my thanks to PC 1234 who found my dad", P, False, True, "desk"),
    ("@MidshirePolice useless clowns 🤡", A, False, False, "desk"),
    ("@MidshireRoads parasites, get a real job", A, False, False, "roads"),
    ("RT @MidshirePolice: MISSING: Jay, 15, from Kingsmoor estate…", X, False, False, "northtown"),
    ("@MPOldfield 10k followers in 24h, DM us 💯", X, False, False, "oldfield"),
]


def mention(text: str) -> Mention:
    retweet = (ReferencedTweet(type="retweeted", id="3"),) if text.startswith("RT @") else ()
    return Mention(
        id="1",
        text=text,
        author=Author(id="2", username="someone"),
        created_at=datetime(2026, 11, 16, 20, 0, tzinfo=UTC),
        referenced=retweet,
    )


@pytest.mark.parametrize(("text", "category", "urgent", "needs_reply", "route"), GUIDE_EXAMPLES)
def test_guide_examples_are_safe_and_rule_decided_ones_exact(
    desk: Desk, text: str, category: Category, urgent: bool, needs_reply: bool, route: str
) -> None:
    decision = build_triage(desk).decide(mention(text))
    assert decision.urgency is not None and decision.reasons
    if urgent:
        assert decision.urgent and decision.route == CR and decision.needs_reply, decision.reasons
    if not decision.reasons[0].startswith("model:"):
        assert (decision.category, decision.urgent, decision.needs_reply, decision.route) == (
            category,
            urgent,
            needs_reply,
            route,
        ), decision.reasons


def test_hostile_and_25000_character_texts_are_decided(desk: Desk) -> None:
    hostile = "<http:" * 4000 + "<!here|<x>>" * 100 + "\u202e\u200b" * 500 + "someone has a knife at the door"
    decision = build_triage(desk).decide(mention("@MidshirePolice " + hostile[:24_984]))
    assert len(mention("@MidshirePolice " + hostile[:24_984]).text) == 25_000 and decision.reasons
