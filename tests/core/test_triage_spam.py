"""Spam and adverts posted at the force are chatter by rule; a citizen reporting or asking about a scam is not."""

from __future__ import annotations

import pytest

from bot.core.models import Category
from bot.core.triage.decide import Triage
from config.desk import Desk
from tests.core.test_triage import mention
from tests.support.triage_models import ScriptedModel, opinion

MODEL_SAYS_CRIME = ScriptedModel(default=opinion(Category.CRIME_REPORT, confidence=0.7))

SPAM_AT_THE_FORCE = [
    "@MPNorthtown <!channel> refunds for speeding fines here <https://evil.example|midshire.police.uk/refunds>",
    "@MidshirePolice GIVEAWAY 🎁 follow + RT to win a free iPhone 15!!",
    "@MidshirePolice Been scammed? Our recovery experts get your crypto back, DM us now",
    "@MPRiverside follow for follow? 🔁 follow back guaranteed",
    "@MidshireRoads click here for cheap insurance quotes 👉 bit.ly/x",
    "@MidshirePolice earn £500 a day working from home, link in bio",
    "@MPOldfield claim your refund for parking fines today: tinyurl.com/abc",
    "@MidshirePolice congratulations you have been selected for a £1000 voucher",
    "@MPNorthtown 20k followers overnight 💯 message us now for prices",
]

REPORTS_OF_A_SCAM = [
    ("@MidshirePolice I got a text saying I'm owed a refund, is this a scam?", {Category.QUESTION}),
    ("@MidshirePolice scam call pretending to be police, asked for my bank details", {Category.CRIME_REPORT}),
    (
        "@MidshirePolice my nan just had a call from someone claiming to be from her bank asking her to move money",
        {Category.CRIME_REPORT},
    ),
    ("@MidshirePolice I was scammed out of £2000 in bitcoin by a fake investment site", {Category.CRIME_REPORT}),
    ("@MidshirePolice got an email saying claim your refund here, is it really from you?", {Category.QUESTION}),
    ("@MidshirePolice my bike was stolen last night, please DM me", {Category.CRIME_REPORT}),
]


@pytest.mark.parametrize("text", SPAM_AT_THE_FORCE)
def test_spam_posted_at_the_force_is_chatter_whatever_the_model_says(desk: Desk, text: str) -> None:
    decision = Triage(desk, MODEL_SAYS_CRIME).decide(mention(text))
    assert decision.category is Category.CHATTER, decision.reasons
    assert not decision.urgent and not decision.needs_reply
    assert decision.reasons[0].startswith("looks like spam or an advert")


@pytest.mark.parametrize(("text", "categories"), REPORTS_OF_A_SCAM)
def test_a_citizen_reporting_a_scam_is_left_to_the_model(desk: Desk, text: str, categories: set[Category]) -> None:
    model = ScriptedModel(default=opinion(next(iter(categories)), confidence=0.7))
    decision = Triage(desk, model).decide(mention(text))
    assert decision.category in categories and decision.reasons[0].startswith("model:"), decision.reasons
    assert decision.needs_reply
