"""Word tables for quote detection, speaker parsing and quote grouping."""

from __future__ import annotations

# Quotation marks. Opening-only, closing-only and either-way (straight) marks of the double
# family; the single family is handled separately because "’" is usually an apostrophe.
DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
DOUBLE_EITHER = '"'
SINGLE_OPEN = "‘"
SINGLE_CLOSE = "’"
SINGLE_EITHER = "'"

# Characters after which a straight mark opens a quote ("(" , dash, space, start of text).
OPENING_CONTEXT = " \t\n([{—–-/"

# Pronouns that refer back to a person or to an organisation.
PERSON_PRONOUNS = frozenset({"he", "she", "i", "we", "him", "her"})
THING_PRONOUNS = frozenset({"it", "they"})

# Words that start a description rather than a name ("the advisor to ...", "a soldier ...").
DETERMINERS = frozenset({
    "the", "a", "an", "his", "her", "its", "their", "our", "one", "another", "this", "that",
    "these", "those", "some", "several", "many", "two", "three", "both", "all", "other",
})

# Title and role words that precede a name ("National Security Adviser Hamdullah Mohib") and
# are stripped from the name into the description. Lowercase; compared case-insensitively.
TITLE_WORDS = frozenset({
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof.", "sir", "dame",
    "lord", "lady", "president", "vice", "prime", "minister", "secretary", "general", "gen",
    "gen.", "lt", "lt.", "col", "col.", "maj", "maj.", "capt", "capt.", "sgt", "sgt.",
    "admiral", "colonel", "major", "captain", "lieutenant", "commander", "chief", "deputy",
    "senator", "sen", "sen.", "rep", "rep.", "representative", "governor", "gov", "gov.",
    "mayor", "judge", "justice", "king", "queen", "prince", "princess", "pope", "cardinal",
    "bishop", "father", "rabbi", "imam", "sheikh", "ambassador", "envoy", "spokesman",
    "spokeswoman", "spokesperson", "adviser", "advisor", "national", "security", "foreign",
    "defence", "defense", "interior", "finance", "state", "home", "health", "senior",
    "former", "acting", "chairman", "chairwoman", "chair", "director", "head", "leader",
    "chancellor", "premier", "speaker", "analyst", "commissioner", "inspector", "officer",
    "official", "coach", "manager", "ceo", "cfo", "founder", "executive", "economist",
    "professor", "researcher", "lawyer", "attorney", "counsel", "reporter", "correspondent",
    "editor", "author", "soldier", "police", "army", "military", "ministry", "presidential",
    "house", "party", "opposition", "kremlin", "white", "trade", "economic",
    # professions that open a sentence capitalised ("Physicist David Wright said")
    "actor", "actress", "singer", "rapper", "star", "model", "comedian", "producer",
    "filmmaker", "writer", "novelist", "journalist", "physicist", "scientist", "astronomer",
    "doctor", "nurse", "player", "quarterback", "striker", "midfielder", "pitcher", "owner",
    "boss", "coordinator", "activist", "campaigner", "candidate", "congressman",
    "congresswoman", "lawmaker", "legislator", "mp", "mep", "pastor", "reverend", "rev",
    "sheriff", "detective", "constable", "superintendent", "marshal", "secretary-general",
    "co-founder", "cofounder", "president-elect", "businessman", "businesswoman",
    "entrepreneur", "investor", "billionaire", "designer", "architect", "engineer",
    "historian", "philosopher", "psychologist", "spokesmen", "columnist", "host", "anchor",
    "presenter", "veteran", "survivor", "victim", "witness", "resident", "student",
    "teacher", "principal", "dean", "chef", "athlete", "champion", "skipper",
})

# Honorifics: kept out of descriptions ("Mr Mohib" -> speaker Hamdullah Mohib, no description).
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "mx"})

# Head nouns of organisations: "the committee said" is resolved to the last full mention
# ("Tajikistan's national security committee") earlier in the document.
ORG_HEADS = frozenset({
    "committee", "ministry", "government", "agency", "council", "service", "office",
    "department", "commission", "police", "army", "military", "kremlin", "embassy",
    "company", "group", "firm", "bank", "union", "court", "parliament", "administration",
    "authority", "authorities", "organisation", "organization", "party", "movement",
    "militants", "insurgents", "coalition", "alliance", "federation", "board", "bureau",
    "guards", "forces", "command", "secretariat", "cabinet", "presidency", "spokesman's office",
})

# Role nouns of people: "the advisor to ..." resolves to the last speaker introduced with the
# same role word. Spelling variants are normalised by ROLE_VARIANTS.
ROLE_HEADS = frozenset({
    "adviser", "advisor", "spokesman", "spokeswoman", "spokesperson", "minister", "president",
    "official", "officer", "commander", "general", "ambassador", "envoy", "analyst",
    "secretary", "chief", "director", "leader", "governor", "mayor", "senator", "soldier",
    "diplomat", "premier", "chancellor", "chairman", "head", "expert", "professor",
    "lawmaker", "legislator", "source", "witness", "resident", "man", "woman",
})
ROLE_VARIANTS: dict[str, str] = {"advisor": "adviser", "spokeswoman": "spokesman",
                                 "spokesperson": "spokesman"}

# Nouns for a written statement: "said the statement" resolves to the organisation last
# quoted, since a statement speaks for whoever issued it.
DOCUMENT_NOUNS = frozenset({
    "statement", "communique", "communiqué", "report", "letter", "release", "declaration",
    "note", "post", "tweet", "message", "document", "notice", "bulletin", "announcement",
})

# Capitalised words that never form a person's name on their own.
NOT_NAMES = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "the", "a", "an", "but", "and", "or", "however",
    "in", "on", "at", "as", "for", "of", "to", "it", "he", "she", "they", "we", "i", "this",
    "that", "there", "when", "while", "after", "before", "if", "so", "then", "also",
})

# Particles allowed inside a name ("Osama bin Laden", "Ursula von der Leyen").
NAME_PARTICLES = frozenset({"bin", "al", "al-", "de", "del", "della", "da", "di", "du", "van",
                            "von", "der", "den", "la", "le", "ibn", "abu", "el", "ul", "ur"})

# Words that end the speaker phrase after an inverted verb ("said analyst Atta Noori in Kabul").
NP_STOPS = frozenset({"in", "on", "at", "during", "while", "after", "before", "when", "as",
                      "from", "via", "last", "this", "yesterday", "today", "earlier",
                      "later", "recently", "who", "which", "adding", "saying", "noting",
                      "and", "but", "because", "although", "told", "with"})

# Leading words of a clause that are not part of the subject ("However, he said").
CLAUSE_OPENERS = frozenset({"however", "but", "and", "so", "yet", "still", "meanwhile",
                            "also", "moreover", "instead", "indeed", "then", "now", "later",
                            "earlier", "separately", "finally", "speaking", "asked", "when",
                            "on", "in", "at", "during", "after", "before", "while", "as",
                            "last", "this", "on monday"})

# Spelling normalisation for grouping (British -> American), applied to both sides.
SPELLING_RULES: tuple[tuple[str, str], ...] = (
    (r"our(?=s?$|ing$|ed$|liness$|hood$|able$|ite$|ites$|ly$)", "or"),
    (r"is(e|ed|es|ing|ation|ations)$", r"iz\1"),
    (r"ys(e|ed|es|ing)$", r"yz\1"),
    (r"tre(s?)$", r"ter\1"),
    (r"ll(ed|ing|er)$", r"l\1"),
    (r"ogue$", "og"),
    (r"ence$", "ense"),
)

# Very common words left out of the grouping index (they block nothing).
STOPWORDS = frozenset({
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "is", "are", "was", "were", "be", "been", "it", "its", "that", "this", "we",
    "they", "he", "she", "i", "you", "not", "have", "has", "had", "will", "would", "as",
})

# Abbreviations whose full stop does not end a sentence ("Mr. Reul said").
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "sen", "rep",
    "gov", "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "vs", "mt", "ft", "rev", "hon",
    "u.s", "u.k", "u.n", "e.g", "i.e", "jan", "feb", "aug", "sept", "oct", "nov", "dec",
})

# Words ending the text between two verbs that share a subject ("acknowledged ... but said").
SHARED_SUBJECT_LINKS = frozenset({"and", "but", "or", "then", "by", "before", "after", "while"})

# Prepositions starting an appositive after a name ("David Wright, of the Union of ...").
APPOSITIVE_PREPOSITIONS = frozenset({"of", "from", "at", "with"})

# Words after which a name belongs to a prepositional phrase, not to the speaker.
NP_LINKS = frozenset({"of", "to", "for", "at", "in", "with", "from", "by", "on", "under"})

# Auxiliaries that end a subject phrase ("Pyongyang has constantly threatened ...").
AUXILIARIES = frozenset({
    "is", "are", "was", "were", "has", "have", "had", "did", "does", "do", "will", "would",
    "could", "should", "can", "may", "might", "must", "shall",
})

# Frequent irregular verbs that end a subject phrase ("The constitution came into effect").
COMMON_VERBS = frozenset({
    "came", "went", "took", "made", "gave", "got", "held", "met", "left", "found", "saw",
    "became", "began", "kept", "led", "put", "ran", "sent", "set", "spent", "stood",
    "won", "lost", "paid", "brought", "bought", "built", "chose", "fell", "felt", "knew",
    "thought", "heard", "seems", "appears", "remains", "wants", "needs", "knows", "says",
})

# Small words left lowercase in Title Case ("Turn Up the Shatner" is a title, not a quote).
TITLE_SMALL_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "as", "vs", "via", "into", "onto", "per", "up", "off", "out",
})

# Honorifics that tell a person's gender, for "he said" / "she said" resolution.
MALE_TITLES = ("Mr", "Sir", "Lord", "King", "Prince", "Father", "Brother")
FEMALE_TITLES = ("Mrs", "Ms", "Miss", "Lady", "Dame", "Queen", "Princess", "Sister")

# "X said he ..." / "X told reporters she ...": the pronoun after these verbs tells X's gender.
GENDER_CUE_VERBS = ("said", "says", "told", "added", "explained", "insisted", "admitted",
                    "claimed", "revealed", "wrote", "recalled", "thought", "believed")
