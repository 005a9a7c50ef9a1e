"""decide follows the labelling guide: examples, tie-breaks, hostile text, routing and the force's own terms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.models import Author, Category, Mention, ReferencedTweet
from bot.core.triage import decide
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


def mention(text: str, *refs: str) -> Mention:
    return Mention(
        id="1",
        text=text,
        author=Author(id="2", username="someone"),
        created_at=datetime(2026, 11, 16, 20, 0, tzinfo=UTC),
        referenced=tuple(ReferencedTweet(type=r, id="3") for r in refs),
    )


@pytest.mark.parametrize(("text", "category", "urgent", "needs_reply", "route"), GUIDE_EXAMPLES)
def test_guide_examples(desk: Desk, text: str, category: Category, urgent: bool, needs_reply: bool, route: str) -> None:
    decision = decide(mention(text), desk)
    assert (decision.category, decision.urgent, decision.needs_reply, decision.route) == (
        category,
        urgent,
        needs_reply,
        route,
    )
    assert decision.reasons


@pytest.mark.parametrize(
    "text",
    [
        "@MidshirePolice <!channel> someone is breaking into the house opposite RIGHT NOW",
        "@MidshirePolice <@U123> someone is breaking into the house opposite RIGHT NOW",
        "@MidshirePolice <https://evil.example|click> someone is breaking into the house opposite RIGHT NOW",
        "@MidshirePolice someone is brea\u200bking in\u202eto the house opposite RIGHT NOW",
        "@MidshirePolice ѕоmеоnе іѕ brеаkіng іntо thе hоuѕе орроѕіtе RIGHT NOW",
        "@MidshirePolice ｓｏｍｅｏｎｅ ｉｓ ｂｒｅａｋｉｎｇ ｉｎｔｏ the house opposite, call ９９９",
    ],
)
def test_hostile_text_triages_like_plain_text(desk: Desk, text: str) -> None:
    decision = decide(mention(text), desk)
    assert decision.category is Category.EMERGENCY and decision.route == CR


def test_markup_never_changes_a_label(desk: Desk) -> None:
    plain = decide(mention("@MidshirePolice is Oldfield station open today?"), desk)
    marked = decide(mention("@MidshirePolice <!here> is Oldfield station open today? <https://t.co/x|x>"), desk)
    assert (plain.category, plain.route) == (marked.category, marked.route) == (Category.QUESTION, "oldfield")


@pytest.mark.parametrize(
    "text",
    [
        "@MidshirePolice this traffic is killing me",
        "@MidshirePolice £6 a pint in Riverside, daylight robbery",
        "@MidshirePolice Monday again, shoot me now",
        "@MidshirePolice your new recruitment video is the bomb",
    ],
)
def test_figures_of_speech_are_not_emergencies(desk: Desk, text: str) -> None:
    decision = decide(mention(text), desk)
    assert decision.category not in (Category.EMERGENCY, Category.CRIME_REPORT) and not decision.urgent


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("@MidshirePolice there's a woman in the river by the weir shouting for help", E),
        ("@MidshirePolice my dad has dementia and has wandered off, been gone 2 hours", E),
        ("@MidshirePolice a man is following my daughter home, she's terrified", E),
        ("@MidshirePolice I've taken all my tablets", E),
        ("@MidshirePolice someone has collapsed outside the Co-op and isn't breathing", E),
        ("@MidshirePolice my bike was nicked from outside the library yesterday", C),
        ("@MidshirePolice got a call from 'the bank' asking me to move money, I know it's a scam", C),
        ("@MidshirePolice drug dealing every night from the flat above the chippy", INFO),
        ("@MidshirePolice how do I report a lost passport?", Q),
        ("@MidshirePolice the officer who came to my door was so rude", K),
        ("@MidshirePolice freelance journalist here, any comment on the station closures?", M),
        ("@MidshirePolice ACAB", A),
        ("Anyone else hear the helicopter over @MidshirePolice HQ last night?", X),
        ("@friend @MidshirePolice haha you absolute plonker", X),
        ("@MidshirePolice 👀", X),
    ],
)
def test_general_phrasing(desk: Desk, text: str, category: Category) -> None:
    assert decide(mention(text), desk).category is category


def test_retweet_is_always_chatter(desk: Desk) -> None:
    decision = decide(mention("RT @MPRiverside: man with a knife on Mill Lane now", "retweeted"), desk)
    assert (decision.category, decision.urgent, decision.route) == (Category.CHATTER, False, "riverside")
    assert decision.reasons[0] == "retweet"


def test_routes_to_first_non_hq_account_in_text(desk: Desk) -> None:
    decision = decide(mention("@MidshirePolice @MPOldfield @MPRiverside thank you for the talk on Mill Lane"), desk)
    assert decision.route == "oldfield" and "mentions @MPOldfield" in decision.reasons


def test_leading_reply_handles_count_for_routing(desk: Desk) -> None:
    decision = decide(mention("@kev @MPRiverside same happened to us, shed broken into last week", "replied_to"), desk)
    assert (decision.category, decision.route) == (Category.CRIME_REPORT, "riverside")


def test_places_route_first_in_text_ignoring_handles(desk: Desk) -> None:
    decision = decide(mention("@MidshirePolice is Hill Top Road or the Canal St end safer?"), desk)
    assert decision.route == "oldfield" and "names place Hill Top" in decision.reasons
    handle_only = decide(mention("@MidshirePolice @OldfieldFan is the station open?"), desk)
    assert handle_only.route == "desk"


def test_hq_team_comes_from_config(desk: Desk) -> None:
    moved = desk.model_copy(update={"triage": desk.triage.model_copy(update={"hq_team": "roads"})})
    decision = decide(mention("@MidshireRoads @MidshirePolice is the bypass shut?"), moved)
    assert decision.route == "force"


def test_force_terms_extend_the_lexicons(desk: Desk) -> None:
    text = "@MidshirePolice the zorblax gang are at it again"
    assert decide(mention(text), desk).category is Category.CHATTER
    extra = desk.triage.model_copy(update={"crime_terms": ("zorblax gang",), "abuse_terms": ("wombles",)})
    configured = desk.model_copy(update={"triage": extra})
    assert decide(mention(text), configured).category is Category.CRIME_REPORT
    assert decide(mention("@MidshirePolice wombles"), configured).category is Category.ABUSE


def test_media_outlet_from_config(desk: Desk) -> None:
    text = "@MidshirePolice Shire Bugle here, can you confirm the road closure?"
    outlets = desk.triage.model_copy(update={"media_outlets": ("Shire Bugle",)})
    assert decide(mention(text), desk.model_copy(update={"triage": outlets})).category is Category.MEDIA


def test_decide_is_deterministic(desk: Desk) -> None:
    text = "@MPNorthtown car keyed on Canal Street overnight"
    assert decide(mention(text), desk) == decide(mention(text), desk)
