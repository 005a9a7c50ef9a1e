"""The pure parts of replying: X's weighted count and Meta's plain one, saved replies and the disclosure check."""

from __future__ import annotations

import pytest

from bot.core.models import Platform
from bot.core.replies.count import LIMIT, measure
from bot.core.replies.disclosure import Concern, check
from bot.core.replies.saved import DEFAULT_REPLIES, PLACEHOLDERS
from config.desk import REPLY_PLACEHOLDERS


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("hello", 5),
        ("a" * LIMIT, LIMIT),
        ("日本語", 6),  # CJK weighs 2
        ("café", 4),  # NFC: é is one code point
        ("cafe\u0301", 4),  # e + combining acute normalises to é
        ("👍", 2),
        ("👍🏽", 2),  # skin tone is part of the emoji
        ("👨\u200d👩\u200d👧", 2),  # a family joined by ZWJ is one emoji
        ("🇬🇧", 2),  # a flag is a pair of regional indicators
        ("1️⃣", 2),  # keycap
        ("❤️", 2),
        ("see https://www.police.uk/pu/contact-us/report-a-crime/ now", 4 + 23 + 4),
        ("police.uk.", 23 + 1),  # a bare domain is a link; the full stop after it is not
        ("—", 1),  # general punctuation is light
    ],
)
def test_measure_counts_as_x_does(text: str, weight: int) -> None:
    assert measure(text).used == weight


def test_budget_says_how_far_over() -> None:
    budget = measure("日" * 141)
    assert budget.over and budget.describe().startswith("282/280 (2 over")
    assert not measure("日" * 140).over


@pytest.mark.parametrize(
    ("text", "concern", "words"),
    [
        ("It was Mr Jones who called", Concern.NAME, ("Mr Jones",)),
        ("Sarah Connor saw it", Concern.NAME, ("Sarah Connor",)),
        ("at 34 Canal Street last night", Concern.ADDRESS, ("34 Canal Street",)),
        ("ring 07700 900123", Concern.PHONE, ("07700 900123",)),
        ("or +44 7700 900123", Concern.PHONE, ("+44 7700 900123",)),
        ("email jon.smith@example.com", Concern.EMAIL, ("jon.smith@example.com",)),
        ("the car AB12 CDE was seen", Concern.VEHICLE, ("AB12 CDE",)),
        ("old plate A123 BCD", Concern.VEHICLE, ("A123 BCD",)),
        ("his DOB 01/02/1985", Concern.BIRTH_DATE, ("DOB 01/02/1985",)),
        ("born 12/05/1990", Concern.BIRTH_DATE, ("born 12/05/1990",)),
        ("crime ref 14/123456/26", Concern.REFERENCE, ("crime ref 14/123456/26",)),
        ("quote incident 4521 of today", Concern.REFERENCE, ("incident 4521",)),
        ("the suspect has been arrested", Concern.CASE, ("suspect", "arrested")),
        ("the victim is being supported", Concern.CASE, ("victim",)),
    ],
)
def test_check_flags_what_may_identify_someone(text: str, concern: Concern, words: tuple[str, ...]) -> None:
    flags = {flag.concern: flag.words for flag in check(text)}
    assert flags.get(concern) == words


@pytest.mark.parametrize(
    "text",
    [
        "@nina_rowe There has been an incident at an address up the road; officers are there now.",
        "@nina_rowe Thanks, please call 101 or 999 in an emergency. James Street is closed until 6pm.",
        "@nina_rowe Road closed on the A1 between junctions 4 and 5 after a collision.",
    ],
)
def test_check_leaves_ordinary_replies_alone(text: str) -> None:
    assert check(text) == ()


def test_default_saved_replies_are_clean_and_fit() -> None:
    names = [reply.name for reply in DEFAULT_REPLIES]
    assert names == [
        "Call 999 now",
        "Report online or call 101",
        "Please DM us",
        "Passed to the local team",
        "Thanks for the kind words",
    ]
    for reply in DEFAULT_REPLIES:
        filled = reply.fill("nina_rowe", "Northtown Neighbourhood Team", "MPNorthtown")
        assert filled.startswith("@nina_rowe ") and "{" not in filled
        assert check(filled) == () and not measure(filled).over


def test_config_and_core_agree_on_placeholders() -> None:
    assert REPLY_PLACEHOLDERS == PLACEHOLDERS


@pytest.mark.parametrize(("platform", "limit"), [(Platform.FACEBOOK, 8000), (Platform.INSTAGRAM, 2200)])
def test_meta_counts_plain_characters_against_its_own_limit(platform: Platform, limit: int) -> None:
    assert measure("日👍 https://www.police.uk/", platform).used == 3 + 22  # a character each: no weights, no t.co
    assert not measure("a" * limit, platform).over and measure("a" * (limit + 1), platform).over
    assert measure("a" * 300, platform).describe() == f"300/{limit:,} ({limit - 300:,} left)"
    assert measure("a" * 300).over  # the same words are too long for X
