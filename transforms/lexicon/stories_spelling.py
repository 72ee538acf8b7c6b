"""Spelling folds applied before comparing texts for copies (``transforms.stories``).

Both sides of a comparison go through the same folds, so a fold that also merges two
unrelated words costs nothing: it only has to make variant spellings of one word agree.
Each row: (regex over lower-cased, accent-free text, replacement, why).
"""

from __future__ import annotations

SPELLING_FOLDS: tuple[tuple[str, str, str], ...] = (
    # British / American: neighbour/neighbor, honour/honor, labour/labor.
    (r"(\p{L}{2,})our\b", "${1}or", "-our / -or"),
    (r"(\p{L}{2,})ours\b", "${1}ors", "-ours / -ors"),
    # organise/organize, organised/organized, organisation/organization.
    (r"(\p{L}{2,})is(e|es|ed|ing|ation|ations)\b", "${1}iz${2}", "-ise / -ize"),
    # analyse/analyze.
    (r"(\p{L}{2,})ys(e|es|ed|ing)\b", "${1}yz${2}", "-yse / -yze"),
    # centre/center, theatre/theater, metre/meter.
    (r"(\p{L}{2,})tre(s?)\b", "${1}ter${2}", "-tre / -ter"),
    # travelled/traveled, cancelling/canceling, modelled/modeled.
    (r"(\p{L}{2,})ll(ed|ing|er|ers)\b", "${1}l${2}", "-lled / -led"),
    # defence/defense, licence/license, offence/offense.
    (r"(\p{L}{2,})nce\b", "${1}nse", "-nce / -nse"),
    # adviser/advisor, and other agent nouns spelled -er or -or.
    (r"(\p{L}{3,})(?:er|or)(s?)\b", "${1}r${2}", "-er / -or"),
    # programme/program.
    (r"(\p{L}{3,})mme\b", "${1}m", "-mme / -m"),
    # catalogue/catalog, dialogue/dialog.
    (r"(\p{L}{3,})gue\b", "${1}g", "-gue / -g"),
)

# Light stemming of story terms (``transforms.stories``), so that "troops" and "troop",
# "militaries" and "military" count as one term. Same rule shape as above.
STEM_FOLDS: tuple[tuple[str, str, str], ...] = (
    (r"(\p{L}{3,})ies\b", "${1}y", "-ies plural"),
    (r"(\p{L}{3,}[^s\d])s\b", "${1}", "-s plural"),
)
