"""Rule tables for fact alignment (transforms/facts.py)."""

from __future__ import annotations

# Kinds whose mentions can report a quantity of the story (dates, years, ids, ages cannot).
COUNTABLE_KINDS = ("count", "money", "percent", "measure", "duration")

# Verb or noun -> predicate class. Mentions with different classes are different facts.
# A class only applies to the kinds listed in PREDICATE_KINDS ("falling" is no predicate
# of a distance; "high" none of a head count).
PREDICATES: dict[str, str] = {
    **dict.fromkeys(("fled", "flee", "fleeing", "flees", "crossed", "cross", "crossing",
                     "retreated", "retreat", "escaped", "entered", "enter", "exodus"), "fled"),
    **dict.fromkeys(("killed", "kill", "kills", "killing", "dead", "died", "die", "deaths", "death",
                     "fatalities", "perished", "toll", "massacred", "murdered", "deadliest"), "killed"),
    **dict.fromkeys(("injured", "wounded", "wounding", "hurt", "injuries", "injuring",
                     "hospitalized", "hospitalised"), "injured"),
    **dict.fromkeys(("arrested", "detained", "arrests", "indicted", "charged"), "arrested"),
    **dict.fromkeys(("missing",), "missing"),
    **dict.fromkeys(("evacuated", "displaced", "stranded"), "displaced"),
    **dict.fromkeys(("seized", "captured", "overran", "overrun", "falling", "control", "taken",
                     "seizing"), "captured"),
    **dict.fromkeys(("remain", "stay", "stationed", "deployed"), "deployed"),
    **dict.fromkeys(("leaked", "leak"), "leaked"),
    **dict.fromkeys(("altitude", "height", "high"), "altitude"),
    **dict.fromkeys(("flew", "flown", "traveled", "travelled", "distance", "range"), "distance"),
    **dict.fromkeys(("raised", "raising"), "raised"),
    **dict.fromkeys(("fallen", "fell", "falls", "fall", "lost", "plunged", "dropped", "dipped",
                     "dip", "down", "losses", "slumped", "tumbled"), "fell"),
    **dict.fromkeys(("rose", "rising", "gained", "up", "soared", "jumped", "climbed"), "rose"),
}

# Words whose class depends on what the number is: districts "falling" to the Taliban are
# captured, a price "falling" to $5,920 fell. Checked before PREDICATES.
KIND_PREDICATES: dict[str, dict[str, str]] = {
    "money": {"falling": "fell", "low": "fell", "lows": "fell", "high": "rose", "highs": "rose"},
    "percent": {"falling": "fell"},
}

_COUNTS = ("count",)
_VALUES = ("money", "percent")
PREDICATE_KINDS: dict[str, tuple[str, ...]] = {
    "fled": _COUNTS, "killed": _COUNTS, "injured": _COUNTS, "arrested": _COUNTS, "missing": _COUNTS,
    "displaced": _COUNTS, "captured": _COUNTS, "deployed": _COUNTS, "leaked": ("count", "measure"),
    "altitude": ("measure",), "distance": ("measure",), "raised": ("money",),
    "fell": _VALUES, "rose": _VALUES,
}

# Predicate classes that name the story's event: within a story, two mentions with the same
# one (and no marker or subject clash) report the same quantity without further evidence.
# The others (fell, rose, distance, ...) also need shared context words.
EVENT_PREDICATES = frozenset({"fled", "killed", "injured", "arrested", "missing", "displaced", "leaked"})

# Words in the mention's own noun phrase (2 words before, 3 after) that make it another,
# additional or partial quantity: "500 other Afghan soldiers", "including 5 children".
PHRASE_MARKERS = (
    "other", "another", "additional", "further", "including", "among them", "of them",
    "of whom", "extra",
)
# Words in the mention's clause that make it a background or earlier quantity.
CLAUSE_MARKERS = (
    "earlier", "already", "previously", "in recent days", "last month", "last week", "last year",
    "in recent weeks", "in recent months", "a year ago", "years ago", "ago", "by comparison",
    "prior to", "compared with", "compared to", "the previous",
)

# A calendar anchor ("in July", "in 2012") differing from the document's publication month or
# year marks background: these month names and the year pattern are read around the mention.
MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}

# Proper adjectives and names that mark whose quantity it is (a clash splits a fact).
SUBJECT_MODIFIERS: dict[str, str] = {
    "Afghan": "AF", "Afghanistan": "AF", "US": "US", "U.S.": "US", "American": "US",
    "Americans": "US", "NATO": "NATO", "British": "GB", "UK": "GB", "Russian": "RU",
    "Tajik": "TJ", "Chinese": "CN", "Pakistani": "PK", "Iraqi": "IQ", "Syrian": "SY",
    "Israeli": "IL", "Palestinian": "PS", "German": "DE", "French": "FR", "Taliban": "TALIBAN",
    "Japanese": "JP", "Korean": "KR", "Indian": "IN", "Iranian": "IR", "Turkish": "TR",
}

# Exact round numbers are read as +/- half their rounding step, at most this share:
# "1,000" agrees with "1,037"; "770 km" with "480 miles" (772 km).
ROUND_NUMBER_BAND = 0.05
# Every exact value gets this relative slack (unit conversions, "548km" = "341 miles").
CONVERSION_SLACK = 0.005

# Measure unit groups -> (dimension, factor to the dimension's base unit). Mentions compare in
# base units, so "3,700 km" and "2,300 miles" are one fact.
UNIT_DIMENSIONS: dict[str, tuple[str, float]] = {
    "km": ("length", 1000.0), "m": ("length", 1.0), "cm": ("length", 0.01), "mm": ("length", 0.001),
    "mile": ("length", 1609.344), "ft": ("length", 0.3048), "yard": ("length", 0.9144),
    "inch": ("length", 0.0254),
    "kg": ("mass", 1.0), "g": ("mass", 0.001), "tonne": ("mass", 1000.0), "lb": ("mass", 0.45359),
    "oz": ("mass", 0.02835),
    "km2": ("area", 1e6), "m2": ("area", 1.0), "sq mile": ("area", 2.58999e6), "ha": ("area", 1e4),
    "acre": ("area", 4046.86),
    "km/h": ("speed", 1.0), "mph": ("speed", 1.609344), "knot": ("speed", 1.852),
    "l": ("volume", 1.0), "gallon": ("volume", 3.78541), "m3": ("volume", 1000.0),
    "barrel": ("volume", 158.987),
    "second": ("time", 1.0), "minute": ("time", 60.0), "hour": ("time", 3600.0),
    "day": ("time", 86400.0), "week": ("time", 604800.0), "month": ("time", 2629800.0),
    "year": ("time", 31557600.0),
}

# Count unit groups (and written counted nouns, singular) that name the same kind of thing
# (the numbers stage keeps them apart).
UNIT_GROUP_EQUIVALENTS: dict[str, str] = {
    "record": "documents", "file": "documents", "document": "documents", "page": "documents",
    "soldier": "troops", "servicemen": "troops", "serviceman": "troops",
    "person": "people", "individual": "people", "resident": "people", "civilian": "people",
    "part": "piece", "fragment": "piece",
}

# Unit groups the numbers stage gives that name no thing counted (pronouns, stray words).
NON_UNITS = frozenset({"other", "others", "more", "people_more", "almost", "us", "include"})

# Context words that say nothing about which quantity it is (plus the predicates and units).
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being below
between both but by can could did do does during each few for from further had has have having
he her here hers him his how i if in into is it its itself just last least less more most my no
nor not now of off on once only or other our out over own said same says she should since so
some such than that the their them then there these they this those through to too under until others
up very was we were what when where which while who whom why will with would you your according
told reported reports report say saying reuters afp ap news mr ms per cent percent about around
nearly almost some roughly approximately least one two three four five six seven eight nine ten
hundred hundreds thousand thousands million millions billion dozens dozen several many
km kms kilometers kilometres kilometer kilometre miles mile metres meters feet foot yards
pounds lb kg kilograms tons tonnes percent per cent dollars
""".split())

# Capitalised words that are not anchors (sentence openers, days, titles).
NON_ANCHORS = frozenset("""
The A An In On At By For From Of To And But Or As It Its This That These Those He She They We I
More Less Over Under About Around Nearly Almost Some At Least Most Many Several Dozens Hundreds
Thousands Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr Mrs Ms Dr President
Minister According After Before When While Since During Until Reports Officials Police
""".split())
