"""Rule tables for fact alignment (transforms/facts.py)."""

from __future__ import annotations

# Kinds whose mentions can report a quantity of the story (dates, years, ids cannot).
COUNTABLE_KINDS = ("count", "money", "percent", "measure")

# Verb or noun -> predicate class. Mentions with different classes are different facts.
PREDICATES: dict[str, str] = {
    **dict.fromkeys(("fled", "flee", "fleeing", "flees", "crossed", "cross", "crossing",
                     "retreated", "retreat", "escaped", "entered"), "fled"),
    **dict.fromkeys(("killed", "dead", "died", "deaths", "death", "killing", "fatalities",
                     "lives", "perished"), "killed"),
    **dict.fromkeys(("injured", "wounded", "hurt", "injuries"), "injured"),
    **dict.fromkeys(("arrested", "detained", "held", "arrests"), "arrested"),
    **dict.fromkeys(("missing",), "missing"),
    **dict.fromkeys(("evacuated", "displaced"), "displaced"),
    **dict.fromkeys(("seized", "captured", "overran", "overrun", "fallen", "falling", "fell",
                     "control"), "captured"),
    **dict.fromkeys(("remain", "stay", "stationed", "deployed"), "deployed"),
}

# Words near a mention that make it a different (background or additional) quantity.
BACKGROUND_MARKERS = (
    "other", "another", "additional", "earlier", "already", "previously",
    "in recent days", "last month", "last week", "last year", "in recent weeks", "since",
)

# Proper adjectives and names that mark whose quantity it is (a clash splits a fact).
SUBJECT_MODIFIERS: dict[str, str] = {
    "Afghan": "AF", "Afghanistan": "AF", "US": "US", "U.S.": "US", "American": "US",
    "Americans": "US", "NATO": "NATO", "British": "GB", "UK": "GB", "Russian": "RU",
    "Tajik": "TJ", "Chinese": "CN", "Pakistani": "PK", "Iraqi": "IQ", "Syrian": "SY",
    "Israeli": "IL", "Palestinian": "PS", "German": "DE", "French": "FR", "Taliban": "TALIBAN",
}

# Exact round numbers (multiples of 100) are read as +/- this share: "1,000" agrees with "1,037".
ROUND_NUMBER_BAND = 0.05
