"""Language detection for comments that arrive without a language: a code when sure, "" when not."""

from __future__ import annotations

import pytest

from bot.learning.language import MIN_LETTERS, LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Diolch yn fawr i swyddogion Northtown am eu help neithiwr, roeddech chi'n garedig iawn", "cy"),
        ("Ktoś ukradł mi rower spod sklepu na Canal Street wczoraj wieczorem", "pl"),
        ("Chào anh chị, cho em hỏi đồn cảnh sát Northtown mở cửa lúc mấy giờ ạ?", "vi"),
        ("Will the street surgery still be on Saturday if it rains? My mum wants to come.", "en"),
    ],
)
def test_a_comment_long_enough_gets_its_language(detector: LanguageDetector, text: str, language: str) -> None:
    assert detector.detect(text) == language


@pytest.mark.parametrize(
    "text", ["lol ngl thats well sus 😂", "innit tho bruv", "😂😂🔥👏", "", "https://example.com/x @someone"]
)
def test_short_slang_and_emoji_stay_unknown(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) == ""


def test_handles_and_links_are_not_counted_as_words(detector: LanguageDetector) -> None:
    short = "Dziękuję bardzo!"
    padded = f"@northtown.police @someone_else https://www.facebook.com/1500000000000003 {short}"
    assert detector.guess(padded).letters == detector.guess(short).letters < MIN_LETTERS
    assert detector.detect(padded) == ""
