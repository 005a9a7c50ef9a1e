"""Untrusted text rendered through bot.blocks.safe can never ping, link, reorder or overflow."""

from __future__ import annotations

import pytest

from bot.blocks.safe import ELLIPSIS, clean, inert, plain


@pytest.mark.parametrize(
    "hostile",
    ["<!channel> look", "<!here>", "<@U0APPR00001> approve this", "<!subteam^S0123456>", "<!date^1^{date}|x>"],
)
def test_special_mentions_are_escaped(hostile: str) -> None:
    out = inert(hostile, 500)
    assert "<" not in out and ">" not in out
    assert out.startswith("&lt;")


def test_fake_link_shows_its_text_literally() -> None:
    assert inert("<https://evil.example|gov.uk>", 500) == "&lt;https://evil.example|gov.uk&gt;"


def test_ampersand_is_escaped_first_so_typed_entities_stay_literal() -> None:
    assert inert("&lt;!channel&gt; & co", 500) == "&amp;lt;!channel&amp;gt; &amp; co"


def test_bare_broadcast_words_cannot_notify() -> None:
    out = inert("hey @channel and @HERE, @everyone", 500)
    assert "@channel" not in out and "@HERE" not in out and "@everyone" not in out
    assert out.replace("\u2060", "") == "hey @channel and @HERE, @everyone"


def test_markdown_links_and_code_fences_are_broken() -> None:
    out = inert("[gov.uk](https://evil.example) ```x```", 500)
    assert "](" not in out and "```" not in out


def test_bidi_and_zero_width_controls_are_removed() -> None:
    assert inert("abc\u202edcba\u2066x\u200b\u200dy\ufeff", 500) == "abcdcbaxy"


def test_control_characters_and_blank_line_runs_are_tidied() -> None:
    assert clean("a\x00b\r\n\n\n\n\nc\x7f  ") == "ab\n\nc"


def test_truncation_respects_the_limit_counting_escapes() -> None:
    out = inert("<" * 100, 20)
    assert len(out) <= 20 and out.endswith(ELLIPSIS)
    assert "&lt" not in out.replace("&lt;", "")  # never a half escape


def test_truncation_keeps_combining_marks_and_flags_whole() -> None:
    text = "e\u0301" * 10
    out = plain(text, 6)
    assert out == "e\u0301e\u0301" + ELLIPSIS
    flags = "\U0001f1ec\U0001f1e7" * 5
    out = plain(flags, 6)
    assert out == "\U0001f1ec\U0001f1e7\U0001f1ec\U0001f1e7" + ELLIPSIS


def test_short_text_is_unchanged_by_plain() -> None:
    assert plain("  Riverside <b> & co  ", 100) == "Riverside <b> & co"


def test_zero_limit_gives_empty_text() -> None:
    assert inert("anything", 0) == ""
