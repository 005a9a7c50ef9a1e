"""The 7-day chart renders headless to a PNG of the expected size, including days with no replies."""

from __future__ import annotations

import struct
from datetime import date, timedelta

from bot.adapters.chart import render_chart
from bot.core.digest import TrendPoint

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_week_renders_as_an_800_by_420_png() -> None:
    trend = [
        TrendPoint(
            day=date(2026, 3, 4) + timedelta(days=n),
            received=3 * n,
            replied=2 * n,
            median_seconds=None if n in (0, 3) else 600.0 * n,
        )
        for n in range(7)
    ]
    data = render_chart(trend, "Northtown")
    assert data.startswith(PNG_MAGIC)
    assert png_size(data) == (800, 420)
    assert 5_000 < len(data) < 500_000


def test_an_empty_week_still_renders() -> None:
    data = render_chart([TrendPoint(day=date(2026, 3, 10), received=0, replied=0, median_seconds=None)], "Empty")
    assert data.startswith(PNG_MAGIC)
