"""Tiny stopword lists for a cheap language guess: the language whose stopwords make the
largest share of a document's first words, if that share is high enough."""

from __future__ import annotations

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to a in that is was for on with as by he it at said from his an be have has are were which but not they this who".split()),
    "de": frozenset("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass sie nach".split()),
    "fr": frozenset("le la les de des et en un une du dans est que pour qui pas par sur au il ne sont avec plus ce se".split()),
    "es": frozenset("el la de que y en los del se las por un para con no una su al es lo como más pero sus le ha".split()),
}
# A language is reported when its stopwords are at least this share of the words.
MIN_SHARE = 0.15
