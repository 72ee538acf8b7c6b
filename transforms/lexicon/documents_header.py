"""Header vocabulary for ``transforms.documents``: date words, time zones, header labels,
and the words that make a byline line noise rather than a name.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS: tuple[str, ...] = (
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur", "thurs",
    "friday", "fri", "saturday", "sat", "sunday", "sun",
)

# Zone abbreviations -> fixed UTC offset in minutes, or an IANA zone name where daylight
# saving time decides the offset (ET is EST or EDT depending on the date).
ZONES: dict[str, int | str] = {
    "GMT": 0, "UTC": 0, "Z": 0, "UT": 0, "WET": 0,
    "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180,
    "IST": 330, "PKT": 300, "AFT": 270, "ICT": 420, "WIB": 420, "SGT": 480, "HKT": 480,
    "CST": -360, "CDT": -300, "EST": -300, "EDT": -240, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "HST": -600, "JST": 540, "KST": 540,
    "AEST": 600, "AEDT": 660,
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
}

# Header labels that introduce a date or an id ("Published: ...", "Updated ...", "date ...").
DATE_LABELS: tuple[str, ...] = (
    "published", "updated", "last updated", "posted", "first published", "date", "dated",
    "published on", "updated on", "posted on", "last modified", "modified", "released",
    "publication date", "pub date", "on", "at", "time",
)
ID_LABELS: tuple[str, ...] = ("news id", "article id", "story id", "id", "news code", "code", "doc id")

# Words that show a byline fragment is not a person's name.
AUTHOR_NOISE: tuple[str, ...] = (
    "minute read", "min read", "minutes read", "read", "published", "updated", "posted", "author",
    "staff", "reporter", "correspondent", "editor", "writer", "contributor", "columnist",
    "technology", "senior", "chief", "news", "desk", "team", "online", "digital", "share",
    "comments", "follow", "twitter", "email", "opinion", "photo", "video",
)
# Byline role suffixes dropped from a name ("Mark Bridge, Technology Correspondent").
ROLE_WORDS: tuple[str, ...] = (
    "correspondent", "reporter", "editor", "writer", "columnist", "contributor", "journalist",
    "producer", "analyst", "staff", "bureau", "chief", "host", "anchor",
)
# Particles allowed inside a person's name.
NAME_PARTICLES: frozenset[str] = frozenset(
    {"de", "da", "del", "der", "van", "von", "al", "el", "bin", "ibn", "la", "le", "di", "du", "dos", "y", "st", "st."}
)
# Section labels a header line may carry next to its date (upper-case words are also
# accepted as sections; these are the common mixed-case ones).
SECTIONS: frozenset[str] = frozenset({
    "world", "politics", "business", "sport", "sports", "opinion", "technology", "tech", "science",
    "health", "entertainment", "culture", "lifestyle", "national", "international", "asia",
    "europe", "americas", "africa", "middle east", "us", "uk", "economy", "markets", "local",
    "region", "news", "top news", "breaking news", "editorial",
})

# First words that make an unconfirmed top line a sentence (a standfirst, a caption or the
# first body sentence), not a headline.
SENTENCE_OPENERS: frozenset[str] = frozenset({
    "it", "its", "this", "these", "those", "they", "he", "she", "we", "i", "you",
    "there", "here", "last", "earlier", "but", "and", "so", "now", "then", "when", "while",
    "after", "before", "as", "if", "in", "on", "at", "for", "according", "his", "her", "their",
    "our", "my", "one", "some", "many", "most",
})

# Finite auxiliaries that headlines drop ("Ship hits bridge", not "A ship was hit"): an
# unconfirmed top line containing one reads as a sentence.
SENTENCE_AUXILIARIES: frozenset[str] = frozenset({"was", "were", "had", "has", "have", "would", "did", "does"})

# Words a Title Case headline leaves in lower case ("Flight Takes Off In 2018 but Lands in 2017").
TITLE_SMALL_WORDS: frozenset[str] = frozenset(
    "a an the and but or nor for so yet of in on at to by up as is it its via vs with from into onto over per".split()
)
