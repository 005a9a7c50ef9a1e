"""Triage: the rules that outrank the model, the safety band, languages, and routing (labelling guide)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.models import Author, Category, Mention, ReferencedTweet
from bot.core.triage.decide import Triage
from config.desk import Desk
from tests.support.triage_models import ScriptedModel, opinion

E, C, INFO, Q = Category.EMERGENCY, Category.CRIME_REPORT, Category.INFORMATION, Category.QUESTION
K, P, A, X = Category.COMPLAINT, Category.PRAISE, Category.ABUSE, Category.CHATTER
CR = "control_room"


def mention(text: str, *refs: str, lang: str = "en") -> Mention:
    return Mention(
        id="1",
        text=text,
        author=Author(id="2", username="someone"),
        created_at=datetime(2026, 11, 16, 20, 0, tzinfo=UTC),
        referenced=tuple(ReferencedTweet(type=r, id="3") for r in refs),
        lang=lang,
    )


def triage(desk: Desk, **script: object) -> Triage:
    return Triage(desk, ScriptedModel(**script))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "@MidshirePolice <!channel> someone is breaking into the house opposite RIGHT NOW, he's got a knife",
        "@MidshirePolice someone is brea\u200bking in\u202eto the house, he's got a knife",
        "@MidshirePolice ѕоmеоnе іѕ brеаkіng іn, hе'ѕ gоt а knіfе",
        "@MidshirePolice ｈｅ'ｓ ｇｏｔ ａ ｋｎｉｆｅ, call ９９９",
        "@MidshirePolice I can't do this any more, tonight's the night. sorry",
    ],
)
def test_hard_safety_phrases_are_emergencies_whatever_the_model_says(desk: Desk, text: str) -> None:
    decision = triage(desk).decide(mention(text))
    assert (decision.category, decision.urgent, decision.possible, decision.route) == (E, True, False, CR)
    assert decision.needs_reply and not decision.reasons[0].startswith("model:")


def test_retweet_is_always_chatter(desk: Desk) -> None:
    urgent = {"knife": opinion(E, urgency=0.99)}
    decision = triage(desk, script=urgent).decide(
        mention("RT @MPRiverside: man with a knife on Mill Lane now", "retweeted")
    )
    assert (decision.category, decision.urgent, decision.route) == (X, False, "riverside")
    assert decision.reasons[0] == "retweet"


def test_spam_is_chatter_but_a_report_of_a_scam_is_not(desk: Desk) -> None:
    script = {"": opinion(C, confidence=0.7)}
    spam = triage(desk, script=script).decide(mention("@MidshirePolice GIVEAWAY 🎁 follow + RT to win a free iPhone"))
    report = triage(desk, script=script).decide(mention("@MidshirePolice scam call pretending to be police"))
    assert spam.category is X and not spam.needs_reply
    assert report.category is C and report.needs_reply


def test_the_model_decides_meaning_and_says_so(desk: Desk) -> None:
    decision = triage(desk, default=opinion(Q, confidence=0.8)).decide(mention("@MPOldfield is the station open?"))
    assert (decision.category, decision.urgent, decision.needs_reply, decision.route) == (Q, False, True, "oldfield")
    assert decision.reasons[0] == "model: question (0.80)" and decision.urgency == 0.0


@pytest.mark.parametrize(
    ("urgency", "urgent", "possible"), [(0.1, False, False), (0.2, True, True), (0.59, True, True), (0.6, True, False)]
)
def test_the_safety_band_sends_unsure_mentions_to_the_control_room(
    desk: Desk, urgency: float, urgent: bool, possible: bool
) -> None:
    model_says = opinion(X, urgency=urgency, confidence=0.6)
    decision = triage(desk, default=model_says).decide(mention("@MPRiverside saw him go in the water by the weir"))
    assert (decision.urgent, decision.possible) == (urgent, possible)
    assert decision.route == (CR if urgent else "riverside")
    assert decision.route_if_not_urgent == "riverside"
    assert any("safety band" in r for r in decision.reasons) is possible


def test_a_sure_urgent_mention_takes_the_likeliest_urgent_category(desk: Desk) -> None:
    model_says = opinion(Q, urgency=0.9, confidence=0.5)
    decision = triage(desk, default=model_says).decide(mention("@MidshirePolice is that him on Quayside now?"))
    assert decision.category in (E, C, INFO) and decision.urgent and not decision.possible and decision.needs_reply


def test_an_emergency_is_always_urgent(desk: Desk) -> None:
    decision = triage(desk, default=opinion(E, urgency=0.05)).decide(mention("@MidshirePolice please come quick"))
    assert (decision.category, decision.urgent, decision.possible, decision.route) == (E, True, False, CR)


def test_a_language_the_model_cannot_read_goes_to_the_desk_for_a_reply(desk: Desk) -> None:
    text = "@MPNorthtown ਮੇਰੀ ਕਾਰ ਚੋਰੀ ਹੋ ਗਈ"
    decision = triage(desk, default=opinion(X, confidence=0.9)).decide(mention(text, lang="pa"))
    assert (decision.route, decision.needs_reply, decision.understood, decision.language) == ("desk", True, False, "pa")
    assert decision.category is C and any("translate" in r for r in decision.reasons)  # ties go in the guide's order


def test_a_trained_language_read_with_confidence_is_decided_by_meaning(desk: Desk) -> None:
    text = "@MPNorthtown diolch am eich help neithiwr"
    decision = triage(desk, default=opinion(P, confidence=0.8)).decide(mention(text, lang="cy"))
    assert (decision.category, decision.route, decision.understood) == (P, "northtown", True)
    unsure = triage(desk, default=opinion(P, confidence=0.3)).decide(mention(text, lang="cy"))
    assert not unsure.understood and unsure.route == "desk"


def test_markup_never_changes_a_label(desk: Desk) -> None:
    model = {"station": opinion(Q)}
    plain = triage(desk, script=model).decide(mention("@MidshirePolice is Oldfield station open today?"))
    marked = triage(desk, script=model).decide(
        mention("@MidshirePolice <!here> is Oldfield station open today? <https://t.co/x|x>")
    )
    assert (plain.category, plain.route) == (marked.category, marked.route) == (Q, "oldfield")


def test_routes_to_first_non_hq_account_in_text(desk: Desk) -> None:
    text = "@MidshirePolice @MPOldfield @MPRiverside thank you for the talk on Mill Lane"
    decision = triage(desk, default=opinion(P)).decide(mention(text))
    assert decision.route == "oldfield" and "mentions @MPOldfield" in decision.reasons


def test_complaints_go_to_the_desk(desk: Desk) -> None:
    decision = triage(desk, default=opinion(K)).decide(mention("@MPNorthtown 5 weeks and no call back"))
    assert decision.route == "desk" and decision.route_if_not_urgent == "desk"


def test_places_route_first_in_text_ignoring_handles(desk: Desk) -> None:
    model = triage(desk, default=opinion(Q))
    decision = model.decide(mention("@MidshirePolice is Hill Top Road or the Canal St end safer?"))
    assert decision.route == "oldfield" and "names place Hill Top" in decision.reasons
    assert model.decide(mention("@MidshirePolice @OldfieldFan is the station open?")).route == "desk"


def test_hq_team_comes_from_config(desk: Desk) -> None:
    moved = desk.model_copy(update={"triage": desk.triage.model_copy(update={"hq_team": "roads"})})
    decision = triage(moved, default=opinion(Q)).decide(mention("@MidshireRoads @MidshirePolice is the bypass shut?"))
    assert decision.route == "force"


def test_force_terms_outrank_the_model(desk: Desk) -> None:
    text = "@MidshirePolice the zorblax gang are at it again"
    assert triage(desk).decide(mention(text)).category is X
    extra = desk.triage.model_copy(update={"crime_terms": ("zorblax gang",), "abuse_terms": ("wombles",)})
    configured = desk.model_copy(update={"triage": extra})
    assert triage(configured).decide(mention(text)).category is C
    assert triage(configured).decide(mention("@MidshirePolice wombles")).category is A
    outlets = desk.triage.model_copy(update={"media_outlets": ("Shire Bugle",)})
    bugle = mention("@MidshirePolice Shire Bugle here, can you confirm the road closure?")
    assert triage(desk.model_copy(update={"triage": outlets})).decide(bugle).category is Category.MEDIA


def test_praise_asking_to_pass_thanks_on_needs_a_reply(desk: Desk) -> None:
    model = triage(desk, default=opinion(P))
    assert model.decide(mention("@MidshirePolice please pass my thanks to PC 1234 who found my dad")).needs_reply
    assert not model.decide(mention("@MPRiverside thank you for the quick response last night")).needs_reply


def test_a_page_is_read_by_the_model_in_one_batch(desk: Desk) -> None:
    model = ScriptedModel()
    decisions = Triage(desk, model).decide_many([mention(f"@MPOldfield post {n}") for n in range(50)])
    assert len(decisions) == 50 and model.seen == [50]
    assert Triage(desk, model).decide_many([]) == [] and model.seen == [50]
