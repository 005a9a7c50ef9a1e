"""normalise folds disguised text into plain lower-case text for matching."""

from __future__ import annotations

import pytest

from bot.core.triage.normalise import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Fish &amp; Chips", "fish & chips"),
        ("call ９９９", "call 999"),
        ("ＫＮＩＦＥ", "knife"),
        ("kn\u200bi\u200dfe", "knife"),
        ("kni\u202efe", "knife"),
        ("\ufeffsoft\u00adhyphen", "softhyphen"),
        ("а knifе оutside", "a knife outside"),
        ("ѕсаm", "scam"),
        ("Someone\u2019s  here\n now", "someone's here now"),
    ],
)
def test_normalise_folds_disguises(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
