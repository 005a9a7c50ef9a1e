"""Patterns the rules keep beside the model: a media outlet's request, thanks to pass on, spam, and scam reports."""

from __future__ import annotations

from bot.core.triage.signals import signal

MEDIA_REQUEST = signal(
    "asks for comment or material",
    r"confirm|comment|statement|interview|come on|on air|live chat|(?:any|an) update|tell us|press (?:contact|release)",
    r"best to contact|spokes\w*|images|stills|photos?|footage|high res|paper|bulletin|deadline|hearing reports",
    r"writing (?:about|a piece|an article)|doing (?:an episode|a piece|a story)|working on|charged",
)

PASS_THANKS = signal(
    "asks to pass thanks to an officer",
    r"pass (?:on )?(?:my|our|this|these|the|a|it|them) ?(?:thanks|thank you|gratitude|appreciation|message|on)"
    r"|let (?:him|her|them|the officers?) know|tell (?:his|her|their) (?:boss|sergeant|inspector|manager|supervisor)",
    r"(?:to|on to|onto) (?:his|her|their) (?:sergeant|inspector|boss|manager|supervisor)|commend\w*",
)

SPAM = signal(
    "looks like spam or an advert",
    r"follow ?back|follow (?:for|4) follow|f4f|(?:buy|cheap|free|gain|get|more|real) followers|\d+k? followers"
    r"|giveaways?|free (?:iphone|gift|money|crypto|bitcoin|tickets|vouchers?|followers)|(?:win|won) (?:a|an|your) free",
    r"click (?:here|the link|below)|(?:tap|apply|claim|register|sign up|check) (?:it )?here|link in (?:my |our )?bio"
    r"|crypto|bitcoin|btc|forex|nft|airdrop|investment opportunity|recovery (?:experts?|specialists?|services?)",
    r"(?:recover|get back) (?:your )?(?:lost |stolen )?(?:funds|crypto|bitcoin)|grow your|promo code|discount code"
    r"|use (?:my |our )?code|\d+% off|limited (?:time )?offer|earn £?\d+|make money|work from home",
    r"(?:dm|message|whatsapp|inbox) (?:us|me|@\w+) (?:now|today|asap|for (?:more|info|details|prices|a quote)"
    r"|to (?:order|book|buy|join|claim|get|invest))",
    r"claim (?:your|a|the) (?:refund|prize|reward|compensation|money)|refunds? (?:for|on) [\w ]{0,40} here"
    r"|refunds? (?:available|here|now|today)|get (?:your|a) (?:full )?(?:refund|money back)",
    r"you(?:'ve| have) (?:won|been selected)|congratulations,? you",
)
SCAM_REPORT = signal(
    "reports or asks about a scam, so not spam itself",
    r"is (?:this|it|that) (?:really )?(?:a scam|real|legit|genuine|true|you|from you)|scam (?:calls?|texts?|emails?"
    r"|messages?|callers?|sites?|letters?)|report(?:ing|ed)? (?:a |this )?(?:scam|fraud)",
    r"pretend\w* to be|claim(?:ing|ed|s) to be|posing as|impersonat\w*|beware|watch out|be careful|warning",
    r"(?:i|we|my \w+|mum|dad|nan|gran)(?:'ve| have| has)? (?:just )?(?:got|had|received|keep getting|been sent)"
    r" (?:(?:a|an|this|these|two|three|some|loads of|another) )?(?:weird |dodgy |strange )?"
    r"(?:texts?|calls?|phone calls?|emails?|messages?|letters?|dms?|voicemails?)",
    r"(?:text|call|email|message|letter)s? (?:saying|claiming|telling|asking)|(?:sent|texted|rang|called) me",
    r"(?:i|we|he|she|they|mum|dad|nan|gran|my \w+)(?:'ve| have| has|'s)?(?: been| was| were| got| just)? "
    r"(?:scammed|defrauded|conned|ripped off|hacked|phished)|scammed out of|(?:lost|sent|paid|transferred) "
    r"(?:them |him |her )?£?\d",
)
