"""Patterns for every category but emergency (labelling guide), over normalised text; compiled once at import."""

from __future__ import annotations

import re

from bot.core.signals import Signal, signal

_LOOT = (
    r"(?:mower|bike|bikes|tools|phone|wallet|purse|bag|handbag|laptop|car|van|parcel|parcels|tin|catalytic converter"
    r"|plates|number plates|keys|jewellery|tv|cash|money|moped|scooter|trailer|dog|cat|ring|watch|stuff)"
)

CRIME: tuple[Signal, ...] = (
    signal(
        "reports a theft",
        rf"stolen|{_LOOT}s? (?:was |were |has been |have been |got )?(?:taken|gone|nicked|swiped|missing)",
        r"(?:nicked|pinched|swiped|lifted|snatched|robbed|ripped off|sawn off|sawed off|stole) "
        r"(?:my|our|a|the|his|her|their|two|some|all|off)",
        r"(?:been|got|was|were|gets|get) (?:burgled|robbed|mugged|pickpocketed|broken into|done over)",
        r"(?:broken|broke) into|break[- ]in|burglary|shoplift\w*|(?:shed|garage|car|van|house|flat) (?:done|ransacked)",
        r"ukrad\w*|kradzie\w*|włama\w*|robaron|me robaron|hurto|wedi dwyn",
    ),
    signal(
        "reports damage",
        r"keyed|vandalis\w*|vandals|smashed (?:up |in )?(?:my|our|the|a|every|all|his|her)|slashed (?:my|our|the|all)",
        r"(?:windows?|windscreen|mirror|door)s? (?:smashed|put through|kicked in)|tyres? (?:slashed|let down)",
        r"(?:sprayed|spray[- ]painted|daubed)|graffiti|(?:pulled|ripped|torn) (?:the )?(?:\w+ ){0,2}off|set fire to",
        r"torched|egged|criminal damage|damaged (?:my|our|the)",
    ),
    signal(
        "reports fraud or a scam",
        r"scam(?:mer)? (?:call|caller|text|email|message|site)|(?:it's|it was|is|was) (?:a )?scam|scammed"
        r"|tried to scam",
        r"(?:been|got|was|were) (?:defrauded|conned|hacked|phished)|fraud(?:ulent)? (?:on|with|using) (?:my|our)",
        r"(?:using|used|stole|cloned) (?:my|our) (?:\w+ ){0,2}(?:card|details|identity|account)|card details",
        r"fake (?:£\d+s?|notes?|twenties|tenners|fivers|money|courier|officer|police|bailiff)|counterfeit|gift cards",
        r"sextort\w*|blackmail\w*|(?:hacked|cloned) (?:my|our)|identity theft",
        r"(?:pretending|pretended|claiming|claimed|posing) (?:to be|as)(?: from)? (?:the |a |an |my |her |his |our )?"
        r"(?:police|officers?|bank|hmrc|council|courier|royal mail|dvla|bailiffs?|tv licen[cs]ing|microsoft|amazon)",
    ),
    signal(
        "reports harassment, hate or antisocial behaviour",
        r"harass\w*|keeps? (?:turning up|coming round|following|messaging|texting|calling)|stalk(?:ing|ed|er)"
        r"|threatening (?:messages|texts|calls|letters)|intimidat\w*",
        r"(?:racist|racial|homophobic|transphobic|sexist|antisemitic|islamophobic|hate) (?:abuse|graffiti|attack"
        r"|incident"
        r"|crime|comments?|remarks|slurs?|messages?|language|chanting)|racially abused",
        r"anti-?social|asb|(?:blasting|loud|booming) music|music (?:till|until|blasting|every night)|noise (?:till"
        r"|until)",
        r"(?:letting|setting|throwing) (?:off )?fireworks|fireworks (?:off|at|into)|fly[- ]?tip\w*|dumping (?:it"
        r"|rubbish)",
        r"(?:tearing|racing|ragging|doing wheelies) (?:round|around|up and down|about)|off[- ]road (?:bikes?"
        r"|motorbikes?)",
        r"(?:exposing|exposed) (?:himself|herself)|flashed (?:me|at)|indecent exposure|spiked|groped|spat (?:at|on)",
        r"(?:assaulted|attacked|punched|headbutted|kicked|slapped|bitten|threatened) (?:me|my|us|our)",
        r"(?:i was|i got|i've been|we were|he was|she was) (?:assaulted|attacked|punched|threatened)"
        r"|throwing (?:stones|eggs)",
    ),
    signal(
        "reports a driving offence",
        r"dash ?cam|helmet ?cam|undertak\w*|tailgat\w*|speeding|doing (?:at least )?\d+\+?(?:ish)?|at \d+(?:ish|\+)"
        r"|\d+ ?mph",
        r"jumped the lights|red light|on (?:his|her|their) phone|no insurance|uninsured|zig[- ]?zags|double yellows",
        r"parked (?:on|across|in) (?:the )?(?:pavement|zig|double yellow|junction|dropped kerb|my drive|our drive)",
        r"cut(?:ting)? (?:me|us|a \w+|an? \w+) up|road rage|hit and run|(?:drove|driven|sped) off|fail(?:ed)? to stop",
        r"drink[- ]?driv\w*|drunk|over the limit|swerving|weaving|wrong way|dangerous(?:ly)? driv\w*|nearly (?:hit"
        r"|killed)",
        r"(?:hit|crashed into|reversed into|clipped) (?:my|our) (?:car|van|bike|wall|fence)|boy racers|car meets?",
        r"(?:stagger|staggered|staggering) out|behind the wheel|(?:about|going|gonna) to drive",
        r"had (?:about |at least )?(?:\d+|a few|several|loads of) (?:pints|drinks|beers)",
    ),
    signal(
        "reports a road hazard",
        r"shed (?:its|a|his) load|(?:pallets|debris|glass|bricks) (?:all over|across|in) (?:the )?(?:road|lanes?)",
        r"tree (?:down|across|blocking)|fallen tree|debris|(?:oil|diesel|fuel) (?:spill|all over|on the road)",
        r"(?:sheep|cows|horses|cattle|deer|animals?) (?:on|in|loose on) the (?:road|motorway|carriageway|lane)",
        r"(?:tyre|mattress|ladder|pallet|load|rocks|bricks) (?:in|on|across) the (?:road|lane|carriageway|motorway)",
        r"traffic lights (?:are )?(?:out|not working|broken|stuck)|manhole|black ice|broken down in (?:the"
        r"|a) (?:live )?lane",
    ),
)

DRIVING_DANGER = signal(
    "dangerous driving or a hazard",
    r"(?:about|going|gonna) to drive|had (?:about |at least )?(?:\d+|a few|several|loads of) (?:pints|drinks|beers)",
    r"shed (?:its|a|his) load|(?:pallets|debris|glass|bricks|load) (?:all over|across|in) (?:the )?(?:road|lanes?)",
    r"drunk|drink[- ]?driv\w*|over the limit|stagger\w*|swerving|weaving|all over the road|wrong way|asleep",
    r"undertak\w*|tailgat\w*|nearly (?:hit|crashed)|tree (?:down|across|blocking)|fallen tree|debris|(?:oil"
    r"|diesel) spill",
    r"(?:sheep|cows|horses|cattle|deer|animals?) (?:on|in|loose on) the|(?:tyre|mattress|ladder|pallet|load) (?:in"
    r"|on) the",
)
HAPPENING_NOW = signal(
    "happening now",
    r"right now|(?<!till )(?<!until )(?<!by )now(?! that)|at the moment|currently|as we speak|just (?:passed|pulled"
    r"|left|"
    r"driven|drove|turned|gone|got in|parked|seen|saw|spotted)",
    r"(?:is|are|'s|'re) (?:driving|weaving|swerving|heading|speeding|racing)|driving off|heading (?:towards|for|to|down"
    r"|up|along|onto|into|north|south|east|west)|(?:about|going|gonna) to drive|(?:get|getting|got) behind the wheel",
    r"blocking (?:the|both|a|one|most of the|all|lanes?)|in (?:the|a) (?:live )?lane|(?:cars|traffic) (?:are "
    r"|is )?swerving",
    r"in the last (?:half hour|hour|few minutes|\d+ (?:mins?|minutes))|\d+ (?:mins?|minutes) ago",
)

INFORMATION: tuple[Signal, ...] = (
    signal(
        "answers an appeal",
        r"(?:re|regarding|about|from|in|on) (?:your|the) (?:\w+ ){0,4}(?:appeal|cctv|e-fit|efit)|re your|re the",
        r"(?:from|about|regarding|on) your (?:\w+ ){0,2}(?:post|tweet|photos?|picture)",
        r"your (?:\w+ ){0,3}appeal|(?:wanted|missing) (?:man|woman|lad|girl|boy|person|teen|kid|child|poster)",
        r"is (?:it|that|this) the (?:one|car|van|man|person)|the missing",
    ),
    signal(
        "offers information",
        r"if it helps|if (?:it's|its|it is|that's|this is) (?:any )?(?:use|useful|helpful|of use|any help)|if useful",
        r"in case it helps|thought you (?:should|might|would|ought to|'d) (?:know|want to know|like to know)|fyi",
        r"for your info\w*|heads up|might be (?:worth|useful|connected|related)|(?:happy|willing) to (?:give|send"
        r"|share)",
    ),
    signal(
        "says where someone or something is",
        r"(?:lives?|living|stays?|staying|hangs? (?:out|about|around)) (?:at|in|on|with|round|behind|near|above)",
        r"keeps? (?:their|his|her|them|the) (?:\w+ )?(?:in|at|behind|under)|(?:is|'s) a (?:lad|girl|man|woman) (?:at"
        r"|from)",
        r"dealing (?:from|out of|at|on|in|behind|round)|drugs? (?:dealing|den|house|dealer)|county lines|cuckoo\w*",
        r"cannabis (?:farm|factory)|(?:up|listed|advertised|for sale|being sold) on (?:facebook|marketplace|ebay"
        r"|gumtree)",
        r"partial reg|(?:car|van|vehicle|bike|moped|scooter|quad)s? (?:has been |been"
        r" |was |is )?(?:dumped|abandoned|burnt out)|(?:posting|posted|streaming) (?:on \w+ )?from",
        r"(?:seen|saw|spotted) (?:him|her|them|the (?:man|woman|lad|girl|boy|suspect|car|van|driver)) (?:again|at|in"
        r"|on|"
        r"near|outside|parked|by|getting|walking)|know who (?:did|done)",
    ),
)
PERSON_SIGHTING = signal(
    "a sighting of a missing person",
    r"(?:seen|saw|spotted) (?:the )?missing|missing (?:\w+ ){0,4}(?:is|was) (?:at|in|on|outside|near|by)",
    r"(?:just|i've|i have) (?:seen|saw|spotted) (?:her|him)",
)
FOUND = signal("reported found", r"(?:been|was|now|has been|were) found|found (?:safe|alive|well)")
NAMED_SIGHTING = re.compile(
    r"^[A-Z][a-z]+ [A-Z][a-z]+ (?:has been |is |was |just )?(?:seen|spotted|posting|at|in|on|outside|near|getting"
    r"|walking|hanging)\b|(?:seen|saw|spotted) [A-Z][a-z]+ (?:at|in|on|outside|near|getting|walking|by)\b"
)
REPLY_SIGHTING = signal(
    "a sighting in reply to an appeal",
    r"^(?:i think )?(?:she|he)(?:'s| is| was) (?:in|at|on|outside|near|by|with|getting|walking|sat|sitting|hanging)",
)
REGISTRATION = signal("gives a registration", r"[a-z]{2}\d{2} ?[a-z]{3}")
