from __future__ import annotations

from datetime import timedelta

import pytest

from bot.blocks.durations import duration


@pytest.mark.parametrize(
    ("span", "said"),
    [
        (None, "–"),
        (-5.0, "0 s"),
        (45.4, "45 s"),
        (119.0, "1 min"),
        (timedelta(minutes=125), "2 h 5 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(days=3, hours=5), "3 days"),
    ],
)
def test_every_message_says_a_span_the_same_way(span: timedelta | float | None, said: str) -> None:
    assert duration(span) == said
