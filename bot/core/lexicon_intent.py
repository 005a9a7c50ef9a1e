"""Patterns for what the author wants of the force: complain, ask, thank, insult, or press enquiries."""

from __future__ import annotations

import re

from bot.core.signals import Signal, signal

COMPLAINT_SPECIFIC: tuple[Signal, ...] = (
    signal(
        "complains of a delay or no response",
        r"no call[- ]?backs?|never (?:called|rang|got) back|not (?:had|heard|got|received) (?:a |any "
        r"|one )?(?:single )?"
        r"(?:reply|response|call|word|update)|no (?:reply|response|update|answer|contact|one came|one has (?:come"
        r"|been))",
        r"still (?:no|not|waiting|haven't|hasn't|nobody)|(?:nobody|no-?one|no one) (?:came|comes|has come|turned up"
        r"|showed"
        r"|bothered|answers)|never (?:came|turned up|showed)",
        r"(?:took|taking|waited|waiting) (?:over |nearly |almost )?\d+ (?:hours|hrs|days|weeks|mins|minutes)",
        r"\d+ (?:hours|hrs|mins|minutes|weeks|days|months) (?:on hold|to get through|to turn up|to answer|to respond|"
        r"waiting|and (?:still )?(?:no|nothing|nobody))|on hold (?:to|for|with) (?:101|\d+)|hours? on hold",
        r"to get through|what's the point|(?:emailed|rang|called|reported|phoned|chased) .{0,40}(?:\d+|three|four|five"
        r"|several|multiple) times|(?:\d+|three|four|five|several) (?:reports|calls|emails) .{0,30}(?:no|nothing)",
        r"no response to|thanks for nothing",
    ),
    signal(
        "complains about an officer or police conduct",
        r"rude|patronising|condescending|swore at|sworn at|shouted at|laughed at|dismissive|unprofessional|arrogant",
        r"wrong (?:crime )?(?:ref|reference|number)|lost my (?:statement|file|evidence)|blocked (?:my|our) (?:drive"
        r"|road)",
        r"wouldn't move|parked (?:in|on) (?:the|a) (?:disabled|double|pavement|bus)|disabled (?:bay|space)|flew past",
        r"(?:no|without) (?:lights|sirens|blues)|stop(?:ped)? and search(?:ed)?|searched .{0,20}(?:again|times)"
        r"|profiling",
        r"explain (?:to me )?why|not good enough|expect better|shameful|disgrace\w*|appalling|unacceptable|not on",
        r"(?:police|patrol|your) (?:car|van|officers?) (?:flew|speeding|was speeding|parked|blocked|doing)",
    ),
)
COMPLAINT_POLICY = signal(
    "complains about a policy or closure",
    r"revenue (?:raising|collecting)|cash cow|priorities|always got time|(?:closed|shut|closing) (?:the|our|down)"
    r" (?:\w+ ){0,3}(?:station|front desk|counter|desk)|waste of (?:money|time|resources|taxpayers)",
    r"(?:tucked|hiding|hidden) (?:behind|in|round)|my complaint|(?:make|making|made) a (?:formal )?complaint",
    r"meeting with (?:the )?(?:sector |local )?inspector|speak to (?:your|a) (?:supervisor|inspector|sergeant|manager)",
    r"answer the phone|before spending",
)

MEDIA_IDENTITY = signal(
    "press enquiry",
    r"journalis\w*|journo|reporter|correspondent|news ?desk|newsroom|news team|editor|producer|press office"
    r"|presenter|bbc|itv|sky news|radio|podcast|newspaper|our (?:paper|readers|listeners|viewers|show|programme)",
    r"echo|gazette|herald|chronicle|argus|courier|advertiser|evening news|telegraph|sentinel|live newsdesk|fm",
)
MEDIA_REQUEST = signal(
    "asks for comment or material",
    r"confirm|comment|statement|interview|come on|on air|live chat|(?:any|an) update|tell us|press (?:contact|release)",
    r"best to contact|spokes\w*|images|stills|photos?|footage|high res|paper|bulletin|deadline|hearing reports",
    r"writing (?:about|a piece|an article)|doing (?:an episode|a piece|a story)|working on|charged",
)

PRAISE = signal(
    "thanks or praise",
    r"thank you|thanks|thankyou|cheers (?:for|to)|well done|good work|great work|great job|good job|keep it up",
    r"much appreciated|appreciate\w*|congratulations|congrats|legends?|heroes|what a gent|kinder|lovely to see",
    r"made my day|deserves? a (?:pay rise|medal|raise)|fair play|respect to|so (?:relieved|grateful)|grateful"
    r"|brilliant "
    r"(?:work|job|team)|feels? (?:so )?(?:much )?safer|diolch|dziękuj\w*|gracias|merci|danke",
)
STRONG_PRAISE = signal(
    "thanks the police",
    r"thank you (?:for|to|so)|thanks (?:for|to|so)|(?:huge|big|massive|many) thanks|well done|good work|great work|"
    r"great job|keep it up|what a gent|couldn't have been kinder|so relieved|congratulations|lovely to see|diolch",
)
PASS_THANKS = signal(
    "asks to pass thanks to an officer",
    r"pass (?:on )?(?:my|our|this|these|the|a|it|them) ?(?:thanks|thank you|gratitude|appreciation|message|on)"
    r"|let (?:him|her|them|the officers?) know|tell (?:his|her|their) (?:boss|sergeant|inspector|manager|supervisor)",
    r"(?:to|on to|onto) (?:his|her|their) (?:sergeant|inspector|boss|manager|supervisor)|commend\w*",
)

ABUSE = signal(
    "insults the police",
    r"acab|1312|pigs?|🐷|🐖|clowns?|🤡|muppets?|useless|pathetic|a joke|disband|parasites?|jobsworths?|scum|filth",
    r"wankers?|tossers?|idiots?|morons?|cretins?|dickheads?|bastards?|bent (?:coppers|cops)|fuck\w*|do one|plod",
    r"get a (?:real|proper) job|arses?|snitch\w*|plastic (?:police|cops|coppers)|hope you (?:all )?(?:get|rot|die)",
    r"overpaid|incompetent|waste of (?:space|oxygen)|laughing ?stock|oink|plonker|woke (?:force|police|cops)|defund",
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
TO_OTHER_USERS = re.compile(r"^(?:anyone|anybody|does anyone|has anyone|did anyone|is anyone|who else|am i the only)\b")
QUESTION_OPENER = re.compile(
    r"^(?:\S+ ){0,2}(?:what|what's|whats|when|when's|where|where's|why|who|who's|whose|how|how's|which|is|isn't|are"
    r"|aren't|was|were|do|does|did|don't|can|can't|could|will|won't|would|should|has|have|am|any|czy|jak|gdzie|kiedy"
    r"|dlaczego|kto|qué|cómo|dónde|cuándo|ble|sut|pryd|pam|oes|ydy)\b"
)
HOW_TO = re.compile(r"^(?:how (?:do|can|would|should) (?:i|we)|where (?:do|can) (?:i|we)|is it legal|am i allowed)\b")
