"""Decide what a mention is, whether it is urgent, whether it needs a reply and where it goes (LABELS.md).

The learned model judges meaning; rules keep what rules do best and what a force must be able to predict:
retweets and spam are chatter, hard safety phrases are emergencies, the force's own configured terms win,
and routing follows handles and places. Urgency runs through the safety band, so a mention the model is
unsure about goes to the control room for a person to check rather than to chatter. Pure and deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from bot.core.desk import DeskView
from bot.core.models import CONTROL_ROOM, DESK, Category, Mention, TriageDecision
from bot.core.triage import lexicon_intent as li
from bot.core.triage.lexicon_emergency import EMERGENCY
from bot.core.triage.model import ModelOpinion, TriageModel, Urgency
from bot.core.triage.routing import DeskRules, desk_rules
from bot.core.triage.signals import first
from bot.core.triage.text_views import PreparedText, prepare

REPLY_CATEGORIES = frozenset(
    {
        Category.EMERGENCY,
        Category.CRIME_REPORT,
        Category.INFORMATION,
        Category.QUESTION,
        Category.COMPLAINT,
        Category.MEDIA,
    }
)
# What an unread post is filed as, in the guide's order (max() keeps the first of equals); not an emergency,
# because every emergency is urgent and urgency has already been decided by the band.
UNREAD_FALLBACK = tuple(c for c in Category if c in REPLY_CATEGORIES and c is not Category.EMERGENCY)
URGENT_CATEGORIES = (Category.EMERGENCY, Category.CRIME_REPORT, Category.INFORMATION)  # guide section 2
BY_HANDLE, BY_PLACE = "mentions ", "names place "  # how a team route's reason starts (route rules 3 and 4)
NO_TEAM = "no team account or place, so the desk"  # route rule 5's reason
UNDERSTOOD = 0.5  # below this confidence a post in another language is left for a person to translate
UNDETERMINED_LANGUAGES = frozenset({"", "und", "zxx", "qme", "qht", "qst", "art"})  # X's codes for "no language"


def translate_url(text: str) -> str:
    """Return a link that opens the post's text in a translator, for a person to read it in English."""
    return "https://translate.google.com/?sl=auto&tl=en&op=translate&text=" + quote(text[:1500], safe="")


class Triage:
    """Decide mentions against one desk config with one trained model, a page at a time."""

    def __init__(self, desk: DeskView, model: TriageModel) -> None:
        self._desk = desk
        self._model = model

    def decide(self, mention: Mention) -> TriageDecision:
        """Triage one mention."""
        return self.decide_many([mention])[0]

    def decide_many(self, mentions: Sequence[Mention]) -> list[TriageDecision]:
        """Triage mentions in order; the model reads them in one batch, which is much faster than one by one."""
        opinions = self._model.opinions(mentions) if mentions else []
        rules = desk_rules(self._desk)
        return [self._decide(m, o, rules) for m, o in zip(mentions, opinions, strict=True)]

    def _decide(self, mention: Mention, opinion: ModelOpinion, rules: DeskRules) -> TriageDecision:
        text = prepare(mention.text)
        verdict = _categorise(mention, text, rules, opinion, self._model.band.place(opinion.urgency))
        category, level = verdict.category, verdict.level
        language = "" if mention.lang in UNDETERMINED_LANGUAGES else mention.lang
        understood = not verdict.by_model or self._reads(language, opinion)
        if not understood and category not in REPLY_CATEGORIES:
            category = max(UNREAD_FALLBACK, key=lambda c: opinion.categories.get(c, 0.0))
        urgent = level is not Urgency.NOT_URGENT
        needs_reply = (
            category in REPLY_CATEGORIES
            or level is Urgency.URGENT
            or (category is Category.PRAISE and li.PASS_THANKS.find(text.plain) is not None)
        )
        calm_route, why_calm = _route(category, understood, text, rules)
        route, why_route = (CONTROL_ROOM, "urgent, so the control room") if urgent else (calm_route, why_calm)
        reasons = [verdict.reason]
        if level is Urgency.POSSIBLE:
            reasons.append(f"possible emergency: urgency {opinion.urgency:.2f} is inside the safety band, check now")
        elif level is Urgency.URGENT and category is not Category.EMERGENCY:
            reasons.append(f"urgent: urgency {opinion.urgency:.2f}")
        if not understood:
            reasons.append(f"written in {language}: the model is unsure, translate to check")
        return TriageDecision(
            category=category,
            urgent=urgent,
            possible=level is Urgency.POSSIBLE,
            urgency=round(opinion.urgency, 4),
            needs_reply=needs_reply,
            route=route,
            route_if_not_urgent=calm_route,
            language=language,
            understood=understood,
            reasons=(*reasons, why_route),
        )

    def _reads(self, language: str, opinion: ModelOpinion) -> bool:
        """Tell whether the model reads this language: English, or one it was trained on, with confidence."""
        if not language or language == "en":
            return True
        return language in self._model.languages and opinion.confidence >= UNDERSTOOD


@dataclass(frozen=True)
class _Verdict:
    category: Category
    reason: str
    level: Urgency
    by_model: bool  # False when a rule decided, so the language does not matter


def _categorise(
    mention: Mention, text: PreparedText, rules: DeskRules, opinion: ModelOpinion, level: Urgency
) -> _Verdict:
    """Return the category, why, and the urgency level after the rules have had their say."""
    if mention.is_retweet or text.body.startswith("rt @") or mention.text.lstrip().startswith("RT @"):
        return _Verdict(Category.CHATTER, "retweet", Urgency.NOT_URGENT, by_model=False)
    if reason := first(EMERGENCY, text.plain) or _own(rules, "emergency", text.plain):
        return _Verdict(Category.EMERGENCY, reason, Urgency.URGENT, by_model=False)
    if (reason := li.SPAM.find(text.body)) and not li.SCAM_REPORT.find(text.body):
        return _Verdict(Category.CHATTER, reason, Urgency.NOT_URGENT, by_model=False)  # a report of spam is not spam
    if own := _own_category(rules, text):
        return _Verdict(own[0], own[1], level if own[0] in URGENT_CATEGORIES else Urgency.NOT_URGENT, by_model=False)
    category = opinion.category
    if category is Category.EMERGENCY:
        level = Urgency.URGENT  # every emergency is urgent (guide section 2)
    elif level is Urgency.URGENT and category not in URGENT_CATEGORIES:
        category = max(URGENT_CATEGORIES, key=lambda c: opinion.categories.get(c, 0.0))
    reason = f"model: {category.value} ({opinion.categories.get(category, 0.0):.2f}){_neighbours(opinion)}"
    return _Verdict(category, reason, level, by_model=True)


def _own(rules: DeskRules, kind: str, text: str) -> str | None:
    """Match one kind of the force's own configured terms, when it has any."""
    terms = getattr(rules, kind)
    return terms.find(text) if terms else None


def _own_category(rules: DeskRules, text: PreparedText) -> tuple[Category, str] | None:
    """Return the category the force's own terms give, which outranks the model's opinion."""
    if (outlet := _own(rules, "media", text.body)) and li.MEDIA_REQUEST.find(text.body):
        return Category.MEDIA, outlet
    if crime := _own(rules, "crime", text.statements):
        return Category.CRIME_REPORT, crime
    if abuse := _own(rules, "abuse", text.plain):
        return Category.ABUSE, abuse
    return None


def _neighbours(opinion: ModelOpinion) -> str:
    if not opinion.neighbours:
        return ""
    labels = ", ".join(n.category.value + (" urgent" if n.urgent else "") for n in opinion.neighbours)
    return f"; nearest examples: {labels}"


def _route(category: Category, understood: bool, text: PreparedText, rules: DeskRules) -> tuple[str, str]:
    """Return where a mention goes when it is not urgent, and why (guide route rules 2-5)."""
    if not understood:
        return DESK, "not understood, so the desk"
    if category in (Category.COMPLAINT, Category.MEDIA):
        return DESK, f"{category.value} goes to the desk"
    if by_handle := rules.team_for_handles(text.handles):
        return by_handle[0], f"{BY_HANDLE}{by_handle[1]}"
    if by_place := rules.team_for_place(text.places):
        return by_place[0], f"{BY_PLACE}{by_place[1]}"
    return DESK, NO_TEAM
