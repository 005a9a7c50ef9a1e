"""Patterns for danger now (labelling guide: emergency and urgent), over normalised text.

A weapon, a fight or a break-in counts only when it reads as happening now; self-harm, someone hurt,
trapped, in water or missing right now counts on its own. Figures of speech are removed first.
"""

from __future__ import annotations

from bot.core.triage.signals import Signal, signal

FIGURES_OF_SPEECH = signal(
    "a figure of speech",
    r"(?:is|are|it's|that's|they're|these|those|feet are|back is|head is) (?:literally )?killing me",
    r"shoot me(?: now)?|kill me now|(?:the|da|a) bomb|bomb(?:ed|ing)? it|photobomb\w*|daylight robbery"
    r"|(?:that's|it's|is|was|pure|absolute) (?:robbery|criminal|theft|a crime|murder)|help!+|dying (?:of|for|to"
    r"|laughing)"
    r"|i'm dead|(?:killed|smashed|nailed|murdered) it|stole the show|a steal|gave me a heart attack"
    r"|bleeding (?:hell|obvious|joke|useless|ridiculous|cheek|idiots?)|(?:you're|you are|ur) on fire"
    r"|armed with (?:a |an )?(?:coffee|cuppa|tea|brew|biscuits?|cake|smile|camera)|knife crime|gun crime"
    r"|(?:shotgun|firearms?|gun) (?:licen[cs]e|certificate|amnesty|surrender)|knife (?:amnesty|bin|arch|surrender)",
)

_WEAPON = (
    r"(?:knife|knives|blade|blades|machete|machetes|zombie knife|gun|guns|firearm|pistol|shotgun|rifle|crossbow"
    r"|axe|hammer|baseball bat|crowbar|screwdriver|broken bottle|acid|sword|something shiny|weapon|cyllell|nóż|noz"
    r"|cuchillo|navaja|pistola)"
)
_PERSON = r"(?:someone|somebody|someone's|somebody's|a man|a woman|men|people|intruders?|burglars?|they|they're)"
_KIN = (
    r"(?:dad|mum|mother|father|son|daughter|child|kid|boy|girl|grandad|grandpa|grandma|gran|nan|nana|husband|wife"
    r"|partner|brother|sister|baby|toddler|little one|friend|neighbour|uncle|auntie|aunt)"
)

EMERGENCY: tuple[Signal, ...] = (
    signal(
        "self-harm or suicidal intent",
        r"kill(?:ing)? (?:my ?self|himself|herself|themselves)|end (?:it all|my life|things tonight|it tonight)",
        r"take my (?:own )?life|suicid\w*|(?:want|wanna|going) to die|don't want to (?:be here|live|wake up|go on)",
        r"can(?:'t|not) (?:go on|keep going|cope any ?more|take (?:it|this) any ?more|do this any ?more)",
        r"tonight's the night|this is goodbye|goodbye (?:everyone|all|world)|hurt (?:myself|himself|herself)",
        r"(?:taken|took|swallowed|had) (?:all )?(?:of )?(?:my|the|a load of|loads of|a box of|all the) "
        r"(?:tablets|pills|meds|medication|paracetamol)",
        r"overdos\w*|self[- ]harm\w*|cutting (?:myself|himself|herself)|better off without me",
        r"no (?:reason|point) (?:to live|in living|going on)|won't be (?:here|around) (?:tomorrow|much longer)",
        r"(?:going|gonna|about|threatening|wants?) to jump",
    ),
    signal(
        "a weapon out now",
        rf"(?:with|has|had|got|holding|waving|brandishing|pulled|pulling|carrying|wielding|armed with)(?: out)? "
        rf"(?:a |an |his |her |their |some |two |what looks like (?:a |an )?)?(?:big |large |huge |kitchen "
        rf"|long )?{_WEAPON}",
        rf"{_WEAPON} (?:out|drawn|pulled|fight|attack)|knifepoint|gunpoint|(?:been|being|getting|just|got) (?:stabbed"
        rf"|shot|glassed|slashed)",
        r"(?:stabbing|shooting) (?:him|her|them|someone|people|at)|shots fired|gun ?shots",
    ),
    signal(
        "violence happening now",
        r"(?:kicking|punching|beating|stamping on|attacking|strangling|choking|battering|assaulting) "
        r"(?:him|her|them|someone|somebody|a |an |the |my |each other|his)",
        r"hitting (?:him|her|them|someone|me|my)|(?:he|she|they)(?:'s| is| are|'re) (?:hitting|beating|attacking"
        r"|hurting)",
        r"just (?:grabbed|punched|attacked|mugged|robbed|hit|stabbed|assaulted|knocked|pushed|glassed|battered|smashed|"
        r"kicked in)",
        r"(?:being|getting) (?:attacked|mugged|robbed|beaten|assaulted|stabbed|kidnapped|abducted|raped|chased)",
        r"(?:fight|brawl|stabbing|shooting) (?:going on|happening|kicking off|right now)|kicking off (?:outside|now)",
        r"(?:he's|he has|he) hit (?:her|me) before|(?:fight|fighting|brawl|mugging|robbery"
        r"|attack)(?: [\w']+){0,8} right now",
    ),
    signal(
        "someone hurt",
        r"bleeding|blood (?:everywhere|all over|pouring)|not breathing|(?:isn't|is not|not|aren't) (?:moving|breathing|"
        r"responding|conscious)|unconscious|unresponsive|passed out|collapsed|having a (?:seizure|fit|heart attack"
        r"|stroke)",
        r"(?:been|is|got|badly|seriously) (?:hurt|injured)|head injury|screaming (?:that|for help|help|in pain)",
        r"(?:lad|man|woman|guy|bloke|girl|boy|kid|he|she|someone|somebody|they|people)(?:'s| is| are"
        r"|'re) (?:lying )?on the (?:floor|ground|pavement)|(?:him|her|them|someone|somebody|lying"
        r"|laid"
        r"|left) (?:on|in) the (?:floor|ground|pavement|road)",
    ),
    signal(
        "a break-in or intruder now",
        rf"{_PERSON}(?: is| are)? (?:in|inside|on) (?:my|our|the|next door's) (?:back |front )?(?:garden|house|home"
        r"|flat|yard|shed|loft|kitchen|bedroom|roof|garage|property)",
        r"(?:is|are|'re|someone|somebody|someone's|somebody's|they|they're|men|lads|people|currently) (?:breaking"
        r"|trying to break"
        r"|trying to get) in(?:to)?",
        r"trying (?:the|my|our|to open the|to force the) (?:back |front |patio )?(?:door|doors|window|windows)",
        r"(?:they're|they are|he's|she's|are|still) inside (?:now|still|right now)|inside now",
        r"(?:break[- ]in|burglary|robbery|ram raid|raid) (?:in progress|happening|going on)",
    ),
    signal(
        "someone followed or threatened now",
        r"(?:is|are|'s|'re|been|keeps?|still|now|he|she|someone|a man|they) (?:following|stalking) (?:me|her|him|us"
        r"|my)",
        r"being (?:followed|chased|threatened)",
        r"(?:he'll|he will|she'll|going to|gonna|says he'll|saying he'll|threatening to|threatened to|said he'd) "
        r"(?:kill|stab|shoot|hurt|batter|burn|do) (?:me|her|him|us|them|my|the kids)",
        r"not allowed (?:near|to contact|to come near) (?:me|her|him|us)|(?:non[- ]molestation|restraining) order",
        r"(?:banging|kicking|hammering|pounding) (?:on |at |in )?(?:my|our|the) (?:front |back )?(?:door|window)s?",
        r"turned up at (?:my|our) (?:door|house|flat|work)|won't leave (?:me|us|my|our)|(?:holding|held) \w+ hostage",
    ),
    signal(
        "people trapped, a fire or a crash with injuries",
        r"trapped|(?:people|someone|somebody|someone's|kids|children|family|they|driver|passengers?)(?: is| are|'re)? "
        r"(?:still )?(?:inside|in there)|still (?:in|inside) (?:the )?(?:car|house|flat|building|vehicle|there)",
        r"(?:house|flat|flats|car|building|shop|van|garage|roof|kitchen|block|bus|lorry|caravan|school|pub|someone|it)"
        r"(?:'s| is| are)? (?:on fire|alight|ablaze|in flames)|flames",
        r"on (?:its|it's|their) roof|overturned|no ambulance|(?:need|send|call) (?:an )?ambulance",
        r"(?:just|has|have) (?:hit|knocked (?:down|over)|run over) (?:a|an|the|my|someone|somebody)",
    ),
    signal(
        "someone in water, on a bridge or ledge",
        r"(?:fell|fallen|jumped|gone|went|pushed|thrown|slipped|floating|struggling|someone|somebody|a (?:man|woman|"
        r"person|child|kid|boy|girl)|he's|she's|someone's|body)(?: is| are)? (?:in|into) the (?:river|canal|water|sea"
        r"|lake|reservoir|dock|docks|harbour)",
        r"drowning|(?:wrong|other|outside|far) side of the (?:railings?|barriers?|fence|bridge|parapet)",
        r"(?:standing|sitting|climbing|stood|sat|hanging) (?:on|over|off) (?:the )?(?:bridge|railings|ledge|edge"
        r"|parapet)",
    ),
    signal(
        "a vulnerable person missing or alone now",
        r"(?:dementia|alzheimer's|alzheimers)(?: \w+){0,6} (?:walked|wandered|missing|gone|lost|left)",
        rf"(?:my|our) (?:\w+ )?{_KIN}(?:'s| has| is)? (?:gone missing|missing|walked out|wandered off|run away|ran away"
        r"|disappeared|vanished)",
        r"(?:hasn't|has not|haven't|didn't|did not) (?:come|came|got) home|can't find my (?:\w+ )?" + _KIN,
        r"(?:child|kid|boy|girl|toddler|little one|baby|little lad)(?: about \d+| aged \d+| of \d+)? (?:on (?:his|her|"
        r"their) own|alone|by (?:himself|herself|themselves)|wandering)",
        r"no (?:adult|parent|parents|carer|grown[- ]?up)s? (?:anywhere|around|with)|(?:been gone|gone) (?:about "
        r"|over )?"
        r"(?:an|\d+|two|three) hours?|(?:gone|went) missing (?:tonight|today|this (?:morning|afternoon|evening))",
        r"(?:might|may|could) be (?:lying )?(?:hurt|injured|on the floor)|fallen and can't get up",
        r"(?:not|isn't|hasn't|haven't) (?:been )?(?:answering|opened|opening) (?:the |her |his |their )?(?:door"
        r"|curtains)",
        r"curtains (?:have been )?(?:closed|shut|drawn) (?:for|all)",
        r"(?:haven't|hasn't|not|no one has|nobody has) (?:seen|heard from) (?:\w+ ){0,3}(?:for|in) (?:\d+|two|three"
        r"|four|several|a few) days",
    ),
    signal(
        "a plea for help now",
        r"please (?:hurry|send (?:someone|help|police|an officer|officers|a car))|send (?:someone|help|police|officers)"
        r" (?:now|quick|asap|urgently|please)|on hold (?:to|with|on) 999|999 (?:won't|isn't|not|wont|is not) "
        r"(?:answer|answering|connect|picking)|(?:hear|hearing|heard) (?:\w+ ){0,3}(?:screaming|screams"
        r"|glass smashing)",
        r"(?:is|are|'s|'re|keeps|started|still) screaming|pomocy|socorro|helpwch fi|au secours|hilfe",
    ),
)
