"""Decide what a mention is, whether it is urgent, whether it needs a reply and where it goes (LABELS.md).

Pure and deterministic: rules over normalised text, each contributing a human-readable reason.
"""

from __future__ import annotations

from bot.core import lexicon as lx
from bot.core import lexicon_intent as li
from bot.core.desk import DeskView
from bot.core.lexicon_emergency import EMERGENCY
from bot.core.models import CONTROL_ROOM, DESK, Category, Mention, TriageDecision
from bot.core.routing import DeskRules, desk_rules
from bot.core.signals import Signal, first
from bot.core.triage_text import PreparedText, cased_body, prepare

_REPLY_CATEGORIES = frozenset(
    {
        Category.EMERGENCY,
        Category.CRIME_REPORT,
        Category.INFORMATION,
        Category.QUESTION,
        Category.COMPLAINT,
        Category.MEDIA,
    }
)


def _own(terms: Signal | None, text: str) -> str | None:
    """Match the force's own configured terms, when it has any."""
    return terms.find(text) if terms else None


def _media(text: PreparedText, rules: DeskRules) -> str | None:
    outlet = _own(rules.media, text.body)
    identity = outlet or li.MEDIA_IDENTITY.find(text.body)
    return identity if identity and li.MEDIA_REQUEST.find(text.body) else None


def _question(text: PreparedText) -> str | None:
    for sentence in text.questions:
        if not li.TO_OTHER_USERS.match(sentence) and not li.ABUSE.find(sentence):
            return f"asks a question ({sentence[:60]!r})"
    return None


def _categorise(mention: Mention, text: PreparedText, rules: DeskRules) -> tuple[Category, list[str]]:
    """Return the category and why, applying the guide's tie-breaks."""
    if mention.is_retweet or text.body.startswith("rt @") or mention.text.lstrip().startswith("RT @"):
        return Category.CHATTER, ["retweet"]
    if reason := first(EMERGENCY, text.plain) or _own(rules.emergency, text.plain):
        return Category.EMERGENCY, [reason]
    if (reason := li.SPAM.find(text.body)) and not li.SCAM_REPORT.find(text.body):
        return Category.CHATTER, [reason]  # spam and adverts posted at the force; a report of one is not
    # Tie-break 4: a named incident, officer or delay makes a complaint however rude; a jibe at policy is abuse.
    specific = first(li.COMPLAINT_SPECIFIC, text.plain)
    abuse = None if specific else li.ABUSE.find(text.plain) or _own(rules.abuse, text.plain)
    complaint = specific or (None if abuse else li.COMPLAINT_POLICY.find(text.plain))
    praise = li.STRONG_PRAISE.find(text.plain)
    media = _media(text, rules)
    # Tie-break 3: with a complaint or thanks the police already know of it, so label what the author wants.
    if not (complaint or praise) and (found := _crime_or_information(mention, text, rules, media)):
        return found
    if media:
        return Category.MEDIA, [media]
    if complaint:
        return Category.COMPLAINT, [complaint]
    thanks = li.PASS_THANKS.find(text.plain)
    addressed = any(h in rules.team_by_handle for h in text.leading)
    conversation = bool(text.leading) and text.leading[0] not in rules.team_by_handle
    if addressed and not thanks and (question := _question(text)):
        return Category.QUESTION, [question]
    if praise or thanks or (praise := li.PRAISE.find(text.plain)):
        return Category.PRAISE, [r for r in (praise, thanks) if r]
    if abuse and addressed and not conversation:
        return Category.ABUSE, [abuse]
    if weak := lx.REGISTRATION.find(text.plain):
        return Category.INFORMATION, [weak]
    return Category.CHATTER, ["nothing to act on" if text.body else "handles or emoji only"]


def _crime_or_information(
    mention: Mention, text: PreparedText, rules: DeskRules, media: str | None
) -> tuple[Category, list[str]] | None:
    """Return a crime report, or a tip about other people's crime (information), or None."""
    crime = first(lx.CRIME, text.statements) or _own(rules.crime, text.statements)
    if crime and _own_loss(text):
        return Category.CRIME_REPORT, [crime]
    if info := None if media else first(lx.INFORMATION, text.plain) or _sighting(mention, text):
        return Category.INFORMATION, [info]
    return (Category.CRIME_REPORT, [crime]) if crime else None


def _own_loss(text: PreparedText) -> bool:
    return any(word in text.statements for word in (" my ", " our ", "my ", " me ", " us "))


def _sighting(mention: Mention, text: PreparedText) -> str | None:
    if reason := lx.PERSON_SIGHTING.find(text.plain):
        return reason
    if lx.NAMED_SIGHTING.search(cased_body(text.cased)):
        return "a sighting of a named person"
    in_thread = bool(mention.referenced) and not mention.is_retweet
    return lx.REPLY_SIGHTING.find(text.plain) if in_thread else None


def _urgency(category: Category, mention: Mention, text: PreparedText) -> str | None:
    """Return why a non-emergency mention is urgent (guide section 2), or None."""
    now = lx.HAPPENING_NOW.find(text.plain)
    if category is Category.CRIME_REPORT:
        danger = lx.DRIVING_DANGER.find(text.plain)
        return f"urgent: {danger}, {now}" if danger and now else None
    if category is Category.INFORMATION and not lx.FOUND.find(text.plain):
        if sighting := _sighting(mention, text):
            return f"urgent: {sighting}"
        return f"urgent: a wanted person or vehicle seen, {now}" if now else None
    return None


def _route(decision: tuple[Category, bool], text: PreparedText, rules: DeskRules) -> tuple[str, str]:
    category, urgent = decision
    if urgent:
        return CONTROL_ROOM, "urgent, so the control room"
    if category in (Category.COMPLAINT, Category.MEDIA):
        return DESK, f"{category.value} goes to the desk"
    if by_handle := rules.team_for_handles(text.handles):
        return by_handle[0], f"mentions {by_handle[1]}"
    if by_place := rules.team_for_place(text.places):
        return by_place[0], f"names place {by_place[1]}"
    return DESK, "no team account or place, so the desk"


def decide(mention: Mention, desk: DeskView) -> TriageDecision:
    """Triage one mention against the desk config: category, urgency, reply need, route and reasons."""
    rules = desk_rules(desk)
    text = prepare(mention.text)
    category, reasons = _categorise(mention, text, rules)
    why_urgent = "urgent: emergency" if category is Category.EMERGENCY else _urgency(category, mention, text)
    urgent = why_urgent is not None
    needs_reply = category in _REPLY_CATEGORIES or (
        category is Category.PRAISE and li.PASS_THANKS.find(text.plain) is not None
    )
    route, why_route = _route((category, urgent), text, rules)
    extra = [r for r in (why_urgent if category is not Category.EMERGENCY else None, why_route) if r]
    return TriageDecision(
        category=category, urgent=urgent, needs_reply=needs_reply, route=route, reasons=(*reasons, *extra)
    )
