"""What triage needs from the desk config, compiled once per config: force accounts, places and extra terms.

Force HQ is the team named by `[triage] hq_team` (default "force"): mentions of its accounts do not
route to it; they fall through to the places named in the text, then to the desk (labelling guide, route rules 3-5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.desk import DeskView
from bot.core.triage.normalise import normalise
from bot.core.triage.regex_gate import word_keys
from bot.core.triage.signals import Signal, signal, terms_signal

HANDLE = re.compile(r"@(\w{1,15})")


@dataclass(frozen=True)
class DeskRules:
    """Routing tables and the force's own terms, ready for matching."""

    team_by_handle: dict[str, str]
    spelling: dict[str, str]  # folded handle -> the handle as configured
    hq_handles: frozenset[str]
    places: tuple[tuple[Signal, str, str], ...]  # (place as a Signal, team key, place as configured)
    emergency: Signal | None
    crime: Signal | None
    abuse: Signal | None
    media: Signal | None

    def team_for_handles(self, text: str) -> tuple[str, str] | None:
        """Return (team key, handle) of the first non-HQ force account named in normalised `text`."""
        for found in HANDLE.finditer(text):
            handle = found.group(1)
            if handle in self.team_by_handle and handle not in self.hq_handles:
                return self.team_by_handle[handle], "@" + self.spelling[handle]
        return None

    def team_for_place(self, text: str) -> tuple[str, str] | None:
        """Return (team key, place) of the earliest place named in `text` (handles already removed)."""
        best: tuple[int, int, str, str] | None = None
        keys = word_keys(text)
        for named, team, place in self.places:
            if named.keys is not None and named.keys.isdisjoint(keys):
                continue
            found = named.pattern.search(text)
            if found and (best is None or (found.start(), -len(found.group(0))) < (best[0], best[1])):
                best = (found.start(), -len(found.group(0)), team, place)
        return (best[2], best[3]) if best else None


def _place_signal(place: str) -> Signal:
    words = [re.escape(w).replace("'", "'?") for w in normalise(place).split()]
    return signal("names a place", r"\s+".join(words))


def _terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in (normalise(raw) for raw in terms) if t)


@lru_cache(maxsize=16)
def _compile(
    teams: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...],
    hq_team: str,
    extra: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]],
) -> DeskRules:
    team_by_handle = {normalise(h): key for key, handles, _ in teams for h in handles}
    spelling = {normalise(h): h for _, handles, _ in teams for h in handles}
    hq = frozenset(normalise(h) for key, handles, _ in teams if key == hq_team for h in handles)
    places = tuple((_place_signal(p), key, p) for key, _, team_places in teams for p in team_places if normalise(p))
    emergency, crime, abuse, media = (_terms(t) for t in extra)
    return DeskRules(
        team_by_handle=team_by_handle,
        spelling=spelling,
        hq_handles=hq,
        places=places,
        emergency=terms_signal("a term the force treats as an emergency", emergency),
        crime=terms_signal("a term the force treats as a crime", crime),
        abuse=terms_signal("a term the force treats as abuse", abuse),
        media=terms_signal("names a media outlet", media),
    )


_BY_IDENTITY: dict[int, tuple[DeskView, DeskRules]] = {}
_IDENTITIES = 8


def desk_rules(desk: DeskView) -> DeskRules:
    """Return the compiled rules for `desk`: looked up by identity (desk config is frozen), else by content."""
    seen = _BY_IDENTITY.get(id(desk))
    if seen is not None and seen[0] is desk:
        return seen[1]
    if len(_BY_IDENTITY) >= _IDENTITIES:
        _BY_IDENTITY.clear()
    rules = _rules_by_content(desk)
    _BY_IDENTITY[id(desk)] = (desk, rules)
    return rules


def _rules_by_content(desk: DeskView) -> DeskRules:
    teams = tuple((t.key, tuple(a.handle for a in t.accounts), tuple(t.places)) for t in desk.teams)
    cfg = desk.triage
    extra = (tuple(cfg.emergency_terms), tuple(cfg.crime_terms), tuple(cfg.abuse_terms), tuple(cfg.media_outlets))
    return _compile(teams, cfg.hq_team, extra)
