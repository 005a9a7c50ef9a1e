"""A second look at a reply before it goes public: does it name, locate or identify anyone, or talk about a case?

Officers know what they may say ("there has been an incident at an address up the road", never "it's Mr Jones
at 34"); this check only points at the words that look like the second kind, so the person can look again.
It flags, it never blocks: the person (or, where the desk config requires it, an approver) decides.

Every pattern is a single linear regular expression over the draft, so a check costs tens of microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Concern(StrEnum):
    """What a flagged phrase may disclose; the value is how the modal names it."""

    NAME = "a person's name"
    ADDRESS = "an address"
    PHONE = "a phone number"
    EMAIL = "an email address"
    VEHICLE = "a vehicle registration"
    BIRTH_DATE = "a date of birth"
    REFERENCE = "a crime or incident reference"
    CASE = "a suspect, victim or live investigation"


@dataclass(frozen=True)
class Flag:
    """One concern and the words of the draft that raised it."""

    concern: Concern
    words: tuple[str, ...]


_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lord|Lady|PC|DC|PCSO|Sgt|DS|DI|DCI|Insp|Supt|Rev)"
_GIVEN = (
    "Adam|Alan|Alice|Amy|Andrew|Anna|Ben|Chloe|Chris|Claire|Daniel|David|Emma|Emily|Gary|George|Grace|Hannah|Harry|"
    "Ian|Jack|James|Jane|Jason|Jessica|John|Jon|Karen|Kate|Kevin|Laura|Lee|Liam|Lisa|Lucy|Mark|Martin|Mary|Matthew|"
    "Michael|Mohammed|Muhammad|Nathan|Neil|Nicola|Oliver|Paul|Peter|Rachel|Richard|Robert|Ryan|Sarah|Scott|Simon|"
    "Sophie|Stephen|Steven|Stuart|Susan|Thomas|Tom|Tony|Wayne|William"
)
_STREETS = (
    r"(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Cl|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl|Gardens|Gdns|"
    r"Terrace|Grove|Hill|Park|Square|Sq|Walk|Row|Mews|Parade|Rise|View)"
)
PATTERNS: tuple[tuple[Concern, re.Pattern[str]], ...] = (
    (Concern.EMAIL, re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (Concern.NAME, re.compile(rf"\b{_TITLES}\.? [A-Z][a-z'-]+(?: [A-Z][a-z'-]+)?\b")),
    (Concern.NAME, re.compile(rf"\b(?:{_GIVEN}) (?!{_STREETS}\b)[A-Z][a-z'-]{{2,}}\b")),
    (Concern.ADDRESS, re.compile(rf"\b\d{{1,4}}[a-zA-Z]?,? (?:[A-Z][a-z']+ ){{1,3}}{_STREETS}\b")),
    (Concern.PHONE, re.compile(r"(?<![\w+])(?:\+44 ?\(?0?\)? ?|0)\d(?:[ -]?\d){8,9}\b")),
    (
        Concern.VEHICLE,
        re.compile(r"\b(?:[A-Z]{2}[0-9]{2} ?[A-Z]{3}|[A-Z][0-9]{1,3} ?[A-Z]{3}|[A-Z]{3} ?[0-9]{1,3}[A-Z])\b"),
    ),
    (
        Concern.BIRTH_DATE,
        re.compile(
            r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b:?(?: [\w/.-]+){0,3}"
            r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:19\d\d|200\d|201[0-5])\b",
            re.IGNORECASE,
        ),
    ),
    (
        Concern.REFERENCE,
        re.compile(
            r"\b(?:crime|incident|log|occurrence|case|ref(?:erence)?|CAD)(?: (?:no|number|ref|reference)\.?)?"
            r"[ :#]*[A-Z]{0,4}[/-]?\d[\dA-Z/-]{3,}\b"
            r"|\b\d{2,4}/\d{4,}/\d{2}\b",
            re.IGNORECASE,
        ),
    ),
    (
        Concern.CASE,
        re.compile(
            r"\b(?:suspects?|victims?|offenders?|accused|arrested|charged|custody|bail(?:ed)?|witness(?:es)?|"
            r"under investigation|live investigation|ongoing investigation|enquiries are ongoing)\b",
            re.IGNORECASE,
        ),
    ),
)


def check(text: str) -> tuple[Flag, ...]:
    """Return a flag for each concern the draft raises, with its words in order, concerns in the modal's order."""
    found: dict[Concern, list[str]] = {}
    for concern, pattern in PATTERNS:
        for match in pattern.finditer(text):
            words = found.setdefault(concern, [])
            if match.group().strip() not in words:
                words.append(match.group().strip())
    return tuple(Flag(kind, tuple(found[kind])) for kind in Concern if kind in found)
