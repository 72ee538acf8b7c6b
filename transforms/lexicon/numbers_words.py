"""Number words, qualifiers and the ONE table of ranges for approximate and vague words.

Used by transforms/numbers.py; documented in docs/numbers.md ("Ranges"). Every interval the
numbers stage produces for an approximate or vague expression comes from this module.
"""

from __future__ import annotations

# --- Cardinal words ---------------------------------------------------------------------
UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# Multiplying words. "dozen" and "score" multiply too, but make the result approximate.
SCALES: dict[str, float] = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "lakh": 1e5, "crore": 1e7,
}
DOZEN_WORDS: dict[str, int] = {"dozen": 12, "score": 20}
# Abbreviations glued to digits (or after one space for the two/three-letter ones).
SCALE_ABBREVIATIONS: dict[str, float] = {
    "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "tn": 1e12, "trn": 1e12, "tr": 1e12,
}
# Fraction words: "half a million", "two-thirds of", "a quarter of".
FRACTIONS: dict[str, float] = {
    "half": 1 / 2, "halves": 1 / 2, "third": 1 / 3, "thirds": 1 / 3, "quarter": 1 / 4,
    "quarters": 1 / 4, "fifth": 1 / 5, "fifths": 1 / 5, "tenth": 1 / 10, "tenths": 1 / 10,
}
UNICODE_FRACTIONS: dict[str, float] = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75}

# Ordinal words. "first" and "second" are left out on purpose: in news prose they are
# almost never a position worth recording ("at first", "a second time", "second-largest").
ORDINAL_UNITS: dict[str, int] = {
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "thousandth": 1000,
}
# In a compound ("twenty-first") the last part may be "first" or "second".
ORDINAL_TAILS: dict[str, int] = {"first": 1, "second": 2, **ORDINAL_UNITS}

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

# --- Qualifiers --------------------------------------------------------------------------
# Words written before the number -> (qualifier, band). The band names a row of BANDS.
PRE_QUALIFIERS: dict[str, tuple[str, str]] = {
    # approximate, symmetric band
    "about": ("approximate", "around"), "around": ("approximate", "around"),
    "roughly": ("approximate", "around"), "some": ("approximate", "around"),
    "approximately": ("approximate", "around"), "approx.": ("approximate", "around"),
    "an estimated": ("approximate", "around"), "estimated": ("approximate", "around"),
    "circa": ("approximate", "around"), "c.": ("approximate", "around"),
    "an approximate": ("approximate", "around"), "a reported": ("exact", "exact"),
    # approximate, from below / from above
    "nearly": ("approximate", "below"), "almost": ("approximate", "below"),
    "close to": ("approximate", "below"), "just under": ("approximate", "below"),
    "just below": ("approximate", "below"), "just shy of": ("approximate", "below"),
    "just over": ("approximate", "above"), "just above": ("approximate", "above"),
    "slightly more than": ("approximate", "above"), "a little over": ("approximate", "above"),
    "a little more than": ("approximate", "above"),
    # lower bounds
    "at least": ("at_least", "open_above"), "a minimum of": ("at_least", "open_above"),
    "upwards of": ("at_least", "open_above"), "no fewer than": ("at_least", "open_above"),
    "no less than": ("at_least", "open_above"), "not less than": ("at_least", "open_above"),
    "more than": ("more_than", "open_above"), "over": ("more_than", "open_above"),
    "above": ("more_than", "open_above"), "in excess of": ("more_than", "open_above"),
    "greater than": ("more_than", "open_above"), "exceeding": ("more_than", "open_above"),
    "well over": ("more_than", "open_above"), "well above": ("more_than", "open_above"),
    "well in excess of": ("more_than", "open_above"), "north of": ("more_than", "open_above"),
    # upper bounds
    "up to": ("at_most", "open_below"), "at most": ("at_most", "open_below"),
    "no more than": ("at_most", "open_below"), "not more than": ("at_most", "open_below"),
    "as many as": ("at_most", "open_below"), "as much as": ("at_most", "open_below"),
    "a maximum of": ("at_most", "open_below"), "as high as": ("at_most", "open_below"),
    "fewer than": ("less_than", "open_below"), "less than": ("less_than", "open_below"),
    "under": ("less_than", "open_below"), "below": ("less_than", "open_below"),
    "well under": ("less_than", "open_below"), "well below": ("less_than", "open_below"),
}
# Words written after the number (and its unit-less scale).
POST_QUALIFIERS: dict[str, tuple[str, str]] = {
    "or more": ("at_least", "open_above"), "or over": ("at_least", "open_above"),
    "or above": ("at_least", "open_above"), "and more": ("at_least", "open_above"),
    "and above": ("at_least", "open_above"), "plus": ("at_least", "open_above"),
    "or so": ("approximate", "around"), "or fewer": ("at_most", "open_below"),
    "or less": ("at_most", "open_below"), "and under": ("at_most", "open_below"),
}
# "children under 12", "people over 65": a bound written right after one of these words
# is an age when no noun follows the number.
AGE_BOUND_WORDS = frozenset(("under", "over", "above", "below"))
AGE_HOLDERS = frozenset((
    "children", "child", "kids", "boys", "girls", "teens", "teenagers", "youths", "babies",
    "infants", "people", "adults", "men", "women", "persons", "those", "anyone", "everyone",
    "residents", "citizens", "voters", "drivers", "players", "patients",
))
RANGE_OPENERS = ("between", "from")
# A "from X to Y" after one of these is a change (two values), not a range.
CHANGE_VERBS = frozenset((
    "rose", "risen", "rise", "rises", "rising", "increased", "increase", "increases",
    "grew", "grown", "grow", "fell", "fallen", "fall", "falls", "dropped", "drop", "declined",
    "decline", "jumped", "jump", "climbed", "climb", "soared", "raised", "raise", "cut",
    "reduced", "reduce", "revised", "up", "down", "went", "moved", "slipped", "surged",
    "plunged", "doubled", "tripled", "lowered", "boosted", "expanded", "shrank",
))

# --- THE table of ranges -----------------------------------------------------------------
# Relative bands around a written number N: (low factor, high factor) -> [N*lo, N*hi].
BANDS: dict[str, tuple[float | None, float | None]] = {
    "exact": (1.0, 1.0),
    "around": (0.9, 1.1),      # about / around / roughly / some / an estimated: +-10%
    "below": (0.9, 1.0),       # nearly / almost / close to: up to 10% under N
    "above": (1.0, 1.1),       # just over: up to 10% over N
    "dozen": (0.9, 1.1),       # "a dozen", "two dozen", "a score of": read as +-10%
    "open_above": (1.0, None),  # more than / over / at least: [N, inf); see docs
    "open_below": (None, 1.0),  # fewer than / up to: (-inf, N]
}
# Vague quantities -> inclusive [low, high]. Loose on purpose: a vague word alone should not
# make two outlets disagree. Multiples of a scale word are built from VAGUE_MULTIPLIERS.
VAGUE_WORDS: dict[str, tuple[float, float]] = {
    "a handful": (2, 5),
    "a few": (2, 5),
    "a couple": (2, 3),
    "several": (2, 9),
    "dozens": (24, 144),
    "several dozen": (24, 108),
    "a few dozen": (24, 60),
    "scores": (40, 199),
}
# "<multiplier> <scale>" -> [lo * scale, hi * scale]: "several hundred" = [200, 900].
VAGUE_MULTIPLIERS: dict[str, tuple[float, float]] = {
    "several": (2, 9), "a few": (2, 5), "a couple": (2, 3), "a couple of": (2, 3),
    "many": (2, 9),
}
# Plural scale words: "hundreds" = [2, 9.99...] x 100; "tens of thousands" = [20, 99.9..] x 1000.
VAGUE_PLURAL_SCALES: dict[str, float] = {
    "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12,
}
VAGUE_PLURAL_FACTORS: dict[str, tuple[float, float]] = {
    "": (2, 10), "tens of": (20, 100), "hundreds of": (200, 1000), "many": (2, 10),
}


def vague_table() -> dict[str, tuple[float, float]]:
    """Every vague phrase (lower case, single spaces) -> inclusive [low, high]."""
    table = dict(VAGUE_WORDS)
    for mult, (lo, hi) in VAGUE_MULTIPLIERS.items():
        for scale in ("hundred", "thousand", "million", "billion"):
            table[f"{mult} {scale}"] = (lo * SCALES[scale], hi * SCALES[scale])
    for prefix, (lo, hi) in VAGUE_PLURAL_FACTORS.items():
        for word, base in VAGUE_PLURAL_SCALES.items():
            key = f"{prefix} {word}".strip()
            # upper bound just below the next written order: hundreds -> 999
            table[key] = (lo * base, hi * base - 1)
    return table


VAGUE: dict[str, tuple[float, float]] = {
    k: (float(lo), float(hi)) for k, (lo, hi) in vague_table().items()
}

# --- Currencies --------------------------------------------------------------------------
CURRENCY_PREFIXES: dict[str, str] = {
    "$": "USD", "us$": "USD", "usd": "USD", "u.s.$": "USD", "a$": "AUD", "au$": "AUD",
    "c$": "CAD", "ca$": "CAD", "hk$": "HKD", "nz$": "NZD", "s$": "SGD", "€": "EUR",
    "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "₹": "INR", "rs": "INR", "rs.": "INR",
    "inr": "INR", "₽": "RUB", "rub": "RUB", "cny": "CNY", "rmb": "CNY", "chf": "CHF",
    "pkr": "PKR", "afn": "AFN", "₩": "KRW", "₺": "TRY", "r$": "BRL",
}
CURRENCY_WORDS: dict[str, str] = {
    "dollar": "USD", "dollars": "USD", "us dollars": "USD", "euro": "EUR", "euros": "EUR",
    "pounds sterling": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "rupees": "INR", "rupee": "INR", "roubles": "RUB", "rubles": "RUB",
    "rouble": "RUB", "ruble": "RUB", "afghanis": "AFN", "afghani": "AFN", "somoni": "TJS",
    "francs": "CHF", "lira": "TRY", "riyals": "SAR", "rials": "IRR", "dirhams": "AED",
    "won": "KRW", "pesos": "MXN", "rand": "ZAR", "naira": "NGN", "hryvnias": "UAH",
}
# Coins written after a number: money in the main unit ("1 cent" = 0.01 USD). "cent" alone
# is read as a US cent (as "dollar" is read as USD).
CURRENCY_SUBUNITS: dict[str, tuple[str, float]] = {
    "cent": ("USD", 0.01), "cents": ("USD", 0.01), "pence": ("GBP", 0.01),
    "penny": ("GBP", 0.01), "pennies": ("GBP", 0.01), "kopecks": ("RUB", 0.01),
    "paise": ("INR", 0.01),
}

# --- Identifiers -------------------------------------------------------------------------
# Capitalised words after which a number is a label, not a quantity ("Article 5").
IDENTIFIER_CUES = (
    "ID", "No.", "No", "Nos.", "no.", "nos.", "#", "Number", "Article", "Section", "Resolution", "Flight",
    "Chapter", "Page", "Room", "Route", "Highway", "Gate", "Terminal", "Platform", "Phase",
    "Level", "Stage", "Part", "Vol.", "Volume", "Division", "Brigade", "Battalion",
    "Regiment", "Squadron", "Unit", "Code", "Case", "Act", "Bill", "Rule", "Item", "Line",
    "Block", "Building", "Camp", "Checkpoint", "Zone", "Sector", "Channel", "Boeing",
    "Airbus", "Apollo", "Windows", "iPhone", "Galaxy", "Pixel", "Model", "Type", "Class",
    "Group", "Category", "Episode", "Season", "Track", "Lane", "Street", "Avenue", "Road",
    "Ward", "Precinct", "District No.", "Tel", "Tel.", "Phone", "Fax", "Ext.", "ext.",
    "Order", "Decree", "Law", "Protocol", "Paragraph", "Clause", "Annex", "Table", "Figure",
)
# Singular nouns that, right after a bare number (not 1, no qualifier), make the number a
# name: "Nikkei 225 index", "the 5.00 update", "the 2.0 release". A count would take a plural.
LABEL_NOUNS = frozenset((
    "index", "update", "patch", "firmware", "version", "release", "edition",
))
# Words near an "X-Y" that make it a score, not a range.
SCORE_CUES = frozenset((
    "won", "win", "wins", "beat", "beats", "lost", "lose", "loses", "defeat", "defeated",
    "victory", "draw", "drew", "score", "scored", "scoreline", "lead", "led", "trail",
    "trailed", "match", "game", "games", "final", "vote", "voted", "votes", "tie", "tied",
    "playoff", "playoffs", "record", "season", "series", "innings", "set", "sets",
))
# A lower-case prefix before "-2021" that makes it a time reference, not a code.
TIME_PREFIXES = ("mid", "pre", "post", "early", "late", "end", "since", "circa")
