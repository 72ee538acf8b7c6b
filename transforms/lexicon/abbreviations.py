"""Abbreviations and sentence-start words used by the sentence segmenter.

All entries are lowercase and written without their final period ("u.s" stands for "U.S.").
A period after a word in one of these tables is decided as follows (transforms/sentences.py):

- TITLES: always followed by a name, never end a sentence ("Gov. Andrew Cuomo").
- NUMBER_PREFIXES: never end a sentence when a number follows ("No. 5", "p. 55"); elsewhere
  they are ordinary words ("He said no. Then ...").
- AMBIGUOUS: may end a sentence ("... Pitt, Briggs & Co. It closed"); the period ends one only
  when the next word is a usual sentence start (STARTERS). Dotted acronyms ("U.S.", "a.m.")
  and single-letter initials are decided the same way without being listed.
"""

from __future__ import annotations

# Titles and name prefixes: a name follows.
TITLES: frozenset[str] = frozenset({
    "mr", "mrs", "ms", "mx", "messrs", "mmes", "mme", "mlle", "dr", "drs", "prof", "profs",
    "rev", "revd", "hon", "pres", "gov", "govs", "rep", "reps", "sen", "sens", "atty",
    "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "pvt", "pfc", "adm", "cmdr", "cdr",
    "comdr", "brig", "lieut", "insp", "supt", "det", "cmdt", "amb", "fr", "sra",
    "vs", "v", "cf", "viz", "eg", "ie",
    "u.s.s", "h.m.s",
})

# Abbreviations that precede a number.
NUMBER_PREFIXES: frozenset[str] = frozenset({
    "no", "nos", "nr", "n°", "nº", "num", "p", "pp", "pg", "vol", "vols", "fig", "figs",
    "art", "arts", "ch", "chap", "sec", "sect", "para", "par", "tel", "ext", "op", "rt",
    "ver", "v", "ex", "ed", "eds", "approx", "ca", "c", "est", "apt", "rm", "ste", "bldg",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})

# Abbreviations that can also close a sentence.
AMBIGUOUS: frozenset[str] = frozenset({
    # companies and names
    "inc", "co", "cos", "corp", "ltd", "llc", "plc", "bros", "jr", "sr", "assn", "assoc",
    "dept", "div", "univ", "inst", "intl", "natl", "govt", "admin", "mfg", "ind",
    "et al", "al", "etc", "esq", "phd",
    # places and streets
    "st", "ave", "av", "blvd", "rd", "ln", "hwy", "sq", "pl", "ct", "mtn", "ft", "mt",
    # months and days
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "thu", "thur", "thurs", "fri",
    # U.S. states as written in news style (AP)
    # (those that are also common words, "Ill.", "Miss.", "Wash.", "Mass.", are left out)
    "ala", "ariz", "ark", "calif", "colo", "conn", "fla", "ga", "kan", "kans",
    "ky", "md", "mich", "minn", "mont", "neb", "nebr", "nev",
    "okla", "oreg", "penn", "tenn", "tex", "va", "vt", "wis", "wyo",
    # measures and misc
    "approx", "est", "hr", "hrs", "mins", "secs", "yr", "yrs",
    "mos", "wk", "wks", "oz", "lb", "lbs", "yd", "mi", "km", "kg", "gal", "pt",
    "qt", "deg", "dist", "no", "nos", "fig", "vol", "ed", "eds",
    "a.m", "p.m", "u.s", "u.k", "u.n", "e.u", "d.c", "n.y", "l.a", "u.s.a",
})

# Capitalized words that usually begin a sentence: after an ambiguous abbreviation they mark
# a boundary ("in the U.S. The next day"), while a name does not ("the U.S. Government").
STARTERS: frozenset[str] = frozenset({
    # pronouns and determiners
    "i", "he", "she", "it", "we", "they", "you", "this", "that", "these", "those", "there",
    "the", "a", "an", "his", "her", "its", "our", "their", "my", "your", "some", "many",
    "most", "all", "both", "each", "every", "no", "none", "one", "two", "three", "several",
    "such", "any", "another", "other", "others", "few", "much", "more", "less", "what",
    "which", "who", "whom", "whose", "when", "where", "why", "how", "whether", "here",
    # conjunctions and adverbs that open sentences
    "and", "but", "or", "so", "yet", "nor", "for", "because", "although", "though", "while",
    "if", "unless", "since", "as", "after", "before", "then", "now", "still", "also",
    "however", "meanwhile", "moreover", "furthermore", "instead", "indeed", "thus",
    "therefore", "later", "earlier", "today", "yesterday", "tomorrow", "last", "next",
    "first", "finally", "again", "even", "only", "just", "not", "never", "often",
    "sometimes", "once", "well", "yes", "according", "despite", "under", "over", "with",
    "without", "in", "on", "at", "by", "from", "to", "of", "about", "during", "until",
    "among", "between", "against", "through", "within", "amid", "following", "like",
    "unlike", "asked", "officials", "police", "people", "authorities", "critics",
    # auxiliaries (questions)
    "is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would",
    "should", "may", "might", "must", "have", "has", "had", "let", "please",
})

# Titles start sentences too ("... in the U.S. Mr. Trump said"), except right after a short
# fragment opened by one of these prepositions ("At 5 a.m. Mr. Smith went ...").
FRAGMENT_PREPOSITIONS: frozenset[str] = frozenset({
    "at", "by", "until", "till", "before", "after", "from", "since", "around", "about",
    "on", "in", "near", "past",
})
