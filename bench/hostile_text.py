"""Print the worst time `decide` takes over hostile texts of 25,000 characters: `python -m bench.hostile_text`.

Each shape repeats a fragment that could make a regex re-scan the rest of the text from every start (unclosed
Slack markup, quotes, handles, URLs, sentence marks), optionally closed by one character at the very end; then
random texts over an alphabet of markup characters. A linear normaliser decides each in about the time a plain
text of the same length takes, which is printed for comparison.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.core.models import Author, Mention
from bot.core.triage.decide import Triage
from bot.services import build_triage
from config.desk import load_desk

EXAMPLE_DESK = Path(__file__).resolve().parents[1] / "config" / "desk.example.toml"
LENGTH = 25_000
REPEATS = 3
RANDOM_TEXTS = 20
ALPHABET = ["<", ">", "|", "!", "@", "#", "http:", "https:", "mailto:", "'", '"', " ", "a", "?", ".", "\n", "&", ","]
SHAPES = {  # name: (fragment repeated, ending)
    "plain words": ("my bike was stolen from the station ", ""),
    "unclosed <http:": ("<http:", ""),
    "<http: closed once at the end": ("<http:", ">"),
    "<http:x|": ("<https://x|", ""),
    "<http:x| closed once at the end": ("<https://x|", ">"),
    "<mailto:": ("<mailto:", ""),
    "<!here": ("<!here", ""),
    "<@U1 closed once at the end": ("<@U1 ", ">"),
    "<http:| closed once at the end": ("<http:|", ">"),
    "<<< then >>>": ("<", ">"),
    "quote runs '": (" 'aaaaaaaaaaaaaaaaaaaaaaaaa", "'"),
    'quote runs "': (' "' + "b" * 30, '"'),
    "handles @a": ("@a", ""),
    "handle chain @abc,": ("@abc, ", ""),
    "url http://": ("http://", ""),
    "sentence marks ?!": ("?!", ""),
    "clauses , ": ("why, ", "?"),
    "entities &": ("&", ""),
    "look-alike letters": ("kn\u0456fe ", ""),
    "zero-width letters": ("k\u200bn\u200bi\u200bf\u200be ", ""),
}


def hostile(fragment: str, ending: str = "", prefix: str = "@MidshirePolice ") -> str:
    """Return `prefix`, then `fragment` repeated, then `ending`: exactly LENGTH characters."""
    room = LENGTH - len(prefix) - len(ending)
    return prefix + (fragment * (room // len(fragment) + 1))[:room] + ending


def random_text(rng: random.Random) -> str:
    """Return LENGTH characters of markup-heavy noise."""
    pieces: list[str] = []
    size = 0
    while size < LENGTH:
        piece = rng.choice(ALPHABET)
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)[:LENGTH]


def mention(text: str) -> Mention:
    return Mention(
        id="1", text=text, author=Author(id="2", username="someone"), created_at=datetime(2026, 11, 16, tzinfo=UTC)
    )


def timed(text: str, triage: Triage) -> float:
    """Return the best of REPEATS wall-clock times to decide `text` (rules and model)."""
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        triage.decide(mention(text))
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    triage = build_triage(load_desk(EXAMPLE_DESK))
    triage.decide(mention("@MidshirePolice warm up"))
    results = {name: timed(hostile(*shape), triage) for name, shape in SHAPES.items()}
    rng = random.Random(10)
    results |= {f"random markup noise #{n}": timed(random_text(rng), triage) for n in range(RANDOM_TEXTS)}
    for name, seconds in results.items():
        if not name.startswith("random"):
            print(f"{name:34} {seconds * 1000:8.1f} ms")
    noise = [v for k, v in results.items() if k.startswith("random")]
    print(f"{f'random markup noise (worst of {RANDOM_TEXTS})':34} {max(noise) * 1000:8.1f} ms")
    worst = max(results, key=results.__getitem__)
    print(
        f"worst case over {len(results)} hostile texts of {LENGTH:,} characters: {worst} "
        f"{results[worst] * 1000:.1f} ms (plain words {results['plain words'] * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
