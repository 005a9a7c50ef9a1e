"""The digest's 7-day chart as PNG bytes: mentions received vs replied, and median first-response time."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.core.digest import TrendPoint

RECEIVED_COLOUR = "#1f4e79"
REPLIED_COLOUR = "#4caf50"
RESPONSE_COLOUR = "#d9822b"


def render_chart(trend: Sequence[TrendPoint], title: str) -> bytes:
    """Draw the trend on a Figure of its own and return it as PNG bytes."""
    figure = Figure(figsize=(8, 4.2), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # the Agg canvas, explicitly: headless, and no pyplot or global backend state
    counts, times = figure.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    positions = list(range(len(trend)))
    width = 0.38
    counts.bar(
        [x - width / 2 for x in positions], [p.received for p in trend], width, label="received", color=RECEIVED_COLOUR
    )
    counts.bar(
        [x + width / 2 for x in positions], [p.replied for p in trend], width, label="replied", color=REPLIED_COLOUR
    )
    counts.set_ylabel("mentions")
    counts.legend(loc="upper left", frameon=False, ncols=2)
    counts.set_title(title, loc="left", fontsize=11)
    counts.yaxis.get_major_locator().set_params(integer=True)
    medians = [p.median_seconds / 60 if p.median_seconds is not None else float("nan") for p in trend]
    times.plot(positions, medians, marker="o", color=RESPONSE_COLOUR)
    times.set_ylabel("median reply (min)")
    times.set_ylim(bottom=0)
    times.set_xticks(positions, [f"{p.day:%a}\n{p.day.day}" for p in trend])
    for axes in (counts, times):
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
