"""Numeric mentions as intervals, with qualifier, kind and what is counted.

Interface:
- ``find_numbers(text) -> list[Mention]``: mentions in one piece of text (usually one
  sentence), offsets relative to ``text``.
- ``numbers(sentences) -> pl.DataFrame``: input columns doc_id, sentence_no, char_start,
  text, role (the sentences table); one row per mention with offsets into the document
  text; output conforms to ``schema.TABLES["numbers"]``.

How it works: one compiled candidate regex finds the number core (digits, number words,
vague words, dates, times, codes); a little Python per candidate reads the words around it
(qualifier before; scale, percent, range, unit after). Every range for approximate and vague
words comes from ``transforms.lexicon.numbers_words``; every unit group from
``transforms.lexicon.units``. Conventions are documented in docs/numbers.md.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

import polars as pl

from transforms import schema
from transforms.collector import collector_paused
from transforms.lexicon import numbers_words as W
from transforms.lexicon import units as U


class Mention(NamedTuple):
    start: int
    end: int
    surface: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    kind: str
    unit: str | None
    unit_group: str | None
    currency: str | None


# --- Compiled patterns (built from the lexicon tables) ------------------------------------


def _alt(words: object) -> str:
    """Regex alternation of words, longest first, spaces matching any whitespace.

    Written as a trie ("t(?:hree|wo)" rather than "three|two"): the same words with the same
    preference (a longer word before its prefix), but a failing match tries a few branches
    instead of every word, which matters for the case-insensitive lists.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in {str(w) for w in words}:  # type: ignore[attr-defined]
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_re(trie)


def _trie_re(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [
        (r"\s+" if ch == " " else re.escape(ch)) + _trie_re(node[ch])
        for ch in sorted(k for k in node if k)
    ]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if "" in node else group


_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?[½⅓⅔¼¾]?"
_MONTH_NAMES = [m.capitalize() for m in W.MONTHS] + [m.upper() for m in W.MONTHS if len(m) > 3]
_MONTH = rf"(?:{_alt(_MONTH_NAMES)})"
_WORD_TOKEN = _alt([*W.UNITS, *W.TENS, *W.SCALES, *W.DOZEN_WORDS])
_SCALE_WORDS = _alt([*W.SCALES, *W.DOZEN_WORDS])
_TZ = r"GMT|UTC|IST|EST|EDT|CET|CEST|BST|PST|PDT|MSK|AST|PKT|[Ll]ocal\s+time"

# The candidate alternatives, in priority order (the first that matches wins).
_CANDIDATE_PARTS: tuple[tuple[str, str], ...] = (
    ("iso", r"\b\d{4}-\d{2}-\d{2}\b"),
    ("mdate", rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!:)(?:,?\s+\d{{4}}\b(?![,.]\d))?"),
    ("ddate", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+\d{{4}}\b(?![,.]\d))?"),
    ("mydate", rf"\b{_MONTH}\.?,?\s+\d{{4}}\b(?![,.]\d)"),
    ("sdate", r"\b\d+/\d+(?:/\d{2,4})?(?:st|nd|rd|th)?\b(?!/)"),
    ("time", rf"""\b\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s?(?i:[ap]\.m\.|[ap]m\b))?(?:\s?(?:{_TZ})\b)?
      |\b\d{{1,2}}\.\d{{2}}\s?(?i:[ap]\.m\.|[ap]m\b)
      |\b\d{{1,2}}\s?(?:[ap]\.m\.|[ap]m\b|[AP]M\b)
      |\b\d{{4}}\s?(?:{_TZ}|hrs)\b"""),
    ("phone", r"""\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}\b
      |\(\d{3}\)\s?\d{3}-\d{4}\b|\b\d{3}-\d{3}-\d{4}\b"""),
    ("ident", r"""\b(?!(?:Mid|Pre|Post|Early|Late|Anti|Non|Over|Under|Top|Sub|Ex|Since)-)
      [A-Z][A-Za-z]*-?\d+(?:[A-Za-z\d-]*[A-Za-z\d])?\b"""),
    ("vague", rf"\b(?i:{_alt(W.VAGUE)})\b"),
    ("fracw", rf"""\b(?i:(?:one|two|three|four|five|nine|a)[\s-]+(?:{_alt(W.FRACTIONS)})|half)\b
      (?=\s+(?:of|the)\b)"""),
    ("ordw", rf"\b(?i:(?:(?:{_alt(W.TENS)})-)(?:{_alt(W.ORDINAL_TAILS)})|(?:{_alt(W.ORDINAL_UNITS)}))\b"),
    ("words", rf"""\b(?i:(?:a|an|half(?:\s+an?)?)\s+(?={_SCALE_WORDS}))?
      (?i:(?:{_WORD_TOKEN})(?:(?:-|\s+and\s+a\s+half\s+|\s+and\s+|\s+a\s+(?={_SCALE_WORDS})|\s+)(?:{_WORD_TOKEN}))*)
      (?i:\s+and\s+a\s+half)?\b"""),
    ("digits", rf"{_DIGITS}|[½⅓⅔¼¾]"),
)


def _candidate_re(names: tuple[str, ...] | None = None) -> re.Pattern[str]:
    return re.compile(
        "|".join(f"(?P<{n}>{p})" for n, p in _CANDIDATE_PARTS if names is None or n in names),
        re.VERBOSE,
    )


_CANDIDATE = _candidate_re()
# The same alternatives split by the first character, so a match tries only those that can
# start there (the order within each subset is kept).
_CANDIDATE_DIGIT = _candidate_re(("iso", "ddate", "sdate", "time", "phone", "digits"))
_CANDIDATE_LETTER = _candidate_re(("mdate", "mydate", "ident", "vague", "fracw", "ordw", "words"))
# set membership: one test for "ASCII digit" (isascii() and isdigit() are two calls)
_ASCII_DIGITS = frozenset("0123456789")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _candidate_at(text: str, pos: int) -> re.Match[str] | None:
    c = text[pos : pos + 1]
    if c in _ASCII_DIGITS:
        return _CANDIDATE_DIGIT.match(text, pos)
    if c in _ASCII_LETTERS:
        return _CANDIDATE_LETTER.match(text, pos)
    return _CANDIDATE.match(text, pos)


# Right context, matched at the end of a value.
_ABBR = re.compile(r"(?:mln|mn|bn|bln|trn|tn|k|K|m|b)\b|\s(?:mln|mn|bn|tn)\b")
_SCALE_AFTER = re.compile(rf"(?:\s*|-)(?i:({_alt(W.SCALES)}))\b(?!-)")
_PERCENT = re.compile(r"\s?%|\s?(?i:per\s?cent|percent|pct)\b|\s(?i:percentage\s+points?)\b")
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—)\s*|\s+(?:to|and|or)\s+|\s*(?:-|–)\s*")
_POST_QUAL = re.compile(rf"\s+(?i:({_alt(W.POST_QUALIFIERS)}))\b|(\+)|-(plus)\b")
_ORD_SUFFIX = re.compile(r"(?:st|nd|rd|th)\b")
_DECADE = re.compile(r"s\b")
_ALNUM = re.compile(r"[^\W_]+")  # letters and digits of any script (isalpha() is Unicode)
_LIST_JOIN = re.compile(r",?\s+(?:and|or|to|&)\s+|,\s+")
_CURRENCY_AT = re.compile(rf"(?i:{_alt(W.CURRENCY_PREFIXES)})\s?")
_WORD_SPLIT = re.compile(r"[\s-]+")
_ALPHA_TOKENS = re.compile(r"[A-Za-z]+\.?")
_INTS = re.compile(r"\d+")
_NAME_YEAR = re.compile(r"[A-Z][a-z]+-\d{4}")
_LABEL_TAIL = re.compile(r"[-–]\d+\b")
_AGE_GLUED = re.compile(r"(?:yo|y\.o\.|yrs?\.?\s+old)\b")
_YEAR_AND = re.compile(r"\s*(?:–|-|\s+to\s+|\s+and\s+)\s*(\d{4})\b")
_YEAR_RANGE_TAIL = re.compile(r"[-–/](\d{4}|\d{2})\b")
_HYPHEN_UNIT = re.compile(r"-(?:and-a-half-)?([A-Za-z]+)\b(-old\b)?")
_AGE_AFTER = re.compile(r"\s+(years?|yrs?)[\s-]+old\b")
_CURRENCY_AFTER = re.compile(rf"\s+(?i:({_alt(W.CURRENCY_WORDS)}))\b")
_SUBUNIT_AFTER = re.compile(rf"\s+(?i:({_alt(W.CURRENCY_SUBUNITS)}))\b")
_MEASURE_AFTER = re.compile(
    rf"(\s?)({_alt(k for k in U.MEASURE_UNITS if not k.isalpha() or k.isupper())}|(?i:{_alt(k for k in U.MEASURE_UNITS if k.isalpha())}))(?![\w/²])"
)
_DURATION_AFTER = re.compile(rf"\s*(?i:({_alt(U.DURATION_UNITS)}))\b")
_DURATION_GLUED = re.compile(rf"(?i:({_alt(U.DURATION_UNITS)}))\b")

# Left context: small patterns anchored at the end of the text before a value. Each one is
# only tried when the last word before the value makes it possible (a set lookup).
_CURRENCY_BEFORE = re.compile(
    rf"(?:(?<![A-Za-z])(?i:({_alt(k for k in W.CURRENCY_PREFIXES if k[0].isalpha())}))|({_alt(k for k in W.CURRENCY_PREFIXES if not k[0].isalpha())}))\s?\Z"
)
_CURRENCY_SYMBOL_CHARS = frozenset(k[-1] for k in W.CURRENCY_PREFIXES if not k[-1].isalpha())
_CURRENCY_WORD_PREFIXES = frozenset(k.rstrip(".") for k in W.CURRENCY_PREFIXES if k[-1].isalpha())
_PRE_QUAL = re.compile(rf"(?<![\w$])(?i:({_alt(W.PRE_QUALIFIERS)}))\s+\Z")
_PRE_QUAL_LAST = frozenset(k.split()[-1] for k in W.PRE_QUALIFIERS)
# How far back a qualifier can start (the longest, with room for extra spaces).
_PRE_QUAL_SPAN = max(map(len, W.PRE_QUALIFIERS)) + 12
_RANGE_OPENER = re.compile(r"(?<!\w)(?i:(between|from))\s+\Z")
_ID_CUE = re.compile(rf"(?:(?<![\w.#])(?:{_alt(W.IDENTIFIER_CUES)})|(?i:\bid))\s*[:#]?\s*\Z")
_ID_CUE_LAST = frozenset(k.split()[-1].lower().rstrip(".") for k in W.IDENTIFIER_CUES) | {"id"}
_NEG_BEFORE = re.compile(r"(?:(?<![\w.,])[-−]|(?i:\bminus\s+))\Z")
_AGED_BEFORE = re.compile(r"(?i:\b(aged|age|ages|turned|turns|turning))\s+\Z")
# "Stephen Paddock, 64, lived": a small number set off by commas after a name is an age.
_APPOSITIVE_BEFORE = re.compile(r"\b[A-Z][a-z]+,[^\S\r\n]\Z")
_APPOSITIVE_AFTER = re.compile(r"\s*(?:[,;)]|\.(?!\d)|\Z)")
_ONE_NOT_BEFORE = frozenset((
    "no", "any", "every", "each", "the", "this", "that", "which", "someone", "anyone",
    "everyone", "at", "another", "with", "than",
))
# Capitalised words after which a number is still a quantity, not a label.
_LABEL_NOT_NAMES = frozenset((
    *W.MONTHS, *W.PRE_QUALIFIERS, "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "in", "on", "at",
    "by", "of", "for", "to", "from", "since", "until", "and", "or", "the", "a", "an", "only",
    "just", "all", "with", "top", "killing", "killed", "kills", "says", "said", "told", "said:",
    "between", "than", "about", "nearly", "almost", "some", "over", "under", "around", "after",
    "before", "during", "last", "past", "next", "first", "leaving", "left",
))
_ONE_NOT_AFTER = (" of", " another", " by", " after", " or another", " point", " side", "-")

# Noun phrase after a count.
_NEXT_WORD = re.compile(r"[^\S\r\n]+([A-Za-z][A-Za-z'’]*(?:-\w+)*)")
_PARTITIVE = re.compile(r"\s+of\s+(?:(?:the|these|those|its|their|our|his|her|all)\s+)?")
# The first word of a counted noun may follow an editorial bracket or open a quote:
# "[several] border areas", 'two "young black athletes"'.
_FIRST_WORD = re.compile(r"\]?[^\S\r\n]+[\"“‘]?([A-Za-z][A-Za-z'’]*(?:-\w+)*)")
# A number after a partitive is skipped: "3 of the 10 crossings" counts crossings.
_PARTITIVE_NUMBER = re.compile(
    rf"[^\S\r\n]+(?:\d{{1,3}}(?:,\d{{3}})*|(?i:(?:{_WORD_TOKEN})(?:-(?:{_WORD_TOKEN}))?))(?=[^\S\r\n])"
)
_STOP = (frozenset("""
a an the and or but nor of in into on onto at to from by for with without across over under
after before during since as than that which who whom whose were was are is be been being
had have has will would could should may might must can do did does not no also still now
then there here it its they them their he she his her we our you your this these those
such each per if when while where so according said says say told including like about
around near between among against through toward towards within inside outside up down
out off back ago earlier later last next more less most least all both either neither
just only even very too yet already again every any some many much few several other's
what how why whether amid via onboard aboard upon toward deep long tall wide high old away
apart apiece overall times percent per
""".split()) | {w for k in W.PRE_QUALIFIERS for w in k.split()}) - {"more", "other"}
_BE_WORDS = frozenset(("were", "was", "are", "is", "have", "had", "has", "been"))
_BE_THEN_PARTICIPLE = re.compile(r"(?:\s+(?:been|being|also|reportedly|later|all))*\s+([a-z]+)")
# Hyphen compounds after which the counted noun follows: "1,000-strong force".
_COMPOUND_PASS = frozenset(("strong", "odd", "plus", "some"))
_NOT_NOUN_SUFFIX = ("ed", "ing", "ly")


def _round(x: float | None) -> float | None:
    """12 significant digits, so 2.3 million is 2300000.0, not 2299999.9999999995."""
    if x is None:
        return None
    if type(x) is int or x.is_integer():
        return float(x)
    return float(f"{x:.12g}")


def _digits_value(s: str) -> float:
    if s[-1] in W.UNICODE_FRACTIONS:  # "5½"
        return (float(s[:-1]) if len(s) > 1 else 0.0) + W.UNICODE_FRACTIONS[s[-1]]
    return float(s.replace(",", ""))


@functools.lru_cache(maxsize=4096)
def _words_value(s: str) -> tuple[float, bool, bool]:
    """Value of a number-word phrase, whether it used dozen/score (approximate), and whether
    it holds a scale word (hundred, thousand...)."""
    toks = [t for t in _WORD_SPLIT.split(s.lower()) if t and t != "and"]
    mult = 1.0
    if toks and toks[0] == "half":
        mult, toks = 0.5, toks[1:]
    total = current = 0.0
    approx = False
    for t in toks:
        if t in ("a", "an"):
            current = current or 1.0
        elif t == "half":
            current += 0.5
        elif t in W.UNITS:
            current += W.UNITS[t]
        elif t in W.TENS:
            current += W.TENS[t]
        elif t == "hundred":
            current = (current or 1.0) * 100
        elif t in W.DOZEN_WORDS:
            current = (current or 1.0) * W.DOZEN_WORDS[t]
            approx = True
        elif t in W.SCALES:
            total += (current or 1.0) * W.SCALES[t]
            current = 0.0
    low = s.lower()
    return (total + current) * mult, approx, any(t in low for t in W.SCALES)


def _ordinal_words_value(s: str) -> float:
    parts = s.lower().split("-")
    if len(parts) == 2:
        return float(W.TENS[parts[0]] + W.ORDINAL_TAILS[parts[1]])
    return float(W.ORDINAL_TAILS[parts[0]])


def _band(value: float, band: str) -> tuple[float | None, float | None]:
    lo, hi = W.BANDS[band]
    return (
        None if lo is None else _round(value * lo),
        None if hi is None else _round(value * hi),
    )


_NOT_PLURAL = ("ss", "us", "is", "'s", "’s", "ics", "news")


def _unit_case_ok(unit: str) -> bool:
    """One-letter units are lower case as written: "5m" is metres, "5G" is a code."""
    return len(unit) > 1 or unit.islower() or unit == "°"


def _is_plural(word: str) -> bool:
    """A lower-case word that looks like a plural noun ("runners", not "across", "news")."""
    return word.islower() and len(word) > 3 and word.endswith("s") and \
        not word.endswith(_NOT_PLURAL) and word not in _STOP


def _singular(word: str) -> str:
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def _count_unit(text: str, pos: int) -> tuple[str | None, str | None, int]:
    """What a count counts: (unit as written, unit group, end offset of the unit)."""
    p = pos
    m = _PARTITIVE.match(text, p)
    if m:
        p = m.end() - 1  # keep one space for _NEXT_WORD
        nm = _PARTITIVE_NUMBER.match(text, p)
        if nm:
            nw = _NEXT_WORD.match(text, nm.end())
            if not (nw and nw.group(1)[0].islower()):
                return None, None, pos  # "23 of 41 Skip": a counter, not a count of things
            p = nm.end()
    words: list[tuple[str, int, int]] = []
    head = -1
    while len(words) < 6:
        m = _NEXT_WORD.match(text, p)
        if m is None and not words:
            m = _FIRST_WORD.match(text, p)  # after "]" or an opening quote
        if not m:
            break
        w = m.group(1)
        lw = w.lower()
        if not words and lw in _BE_WORDS:
            # "527 were injured", "400 have been wounded": people by the participle
            m2 = _BE_THEN_PARTICIPLE.match(text, m.end())
            if m2 and m2.group(1).lower() in U.PEOPLE_PARTICIPLES:
                return m2.group(1), "people", m2.end(1)
            break
        if lw in _STOP:
            break
        if not words and lw in U.PEOPLE_PARTICIPLES:
            return w, "people", m.end(1)
        if not words and lw in ("more", "other", "additional", "further"):
            m2 = _NEXT_WORD.match(text, m.end())
            if m2 and m2.group(1).lower() in U.PEOPLE_PARTICIPLES:
                return text[m.start(1) : m2.end(1)], "people", m2.end(1)
        if lw in U.COUNT_GROUPS:
            words.append((w, m.start(1), m.end(1)))
            head = len(words) - 1
            # extend over a following group noun ("security forces personnel")
            m2 = _NEXT_WORD.match(text, m.end())
            if m2 and m2.group(1).lower() in U.COUNT_GROUPS:
                words.append((m2.group(1), m2.start(1), m2.end(1)))
                head = len(words) - 1
            break
        if words and (lw.endswith(_NOT_NOUN_SUFFIX) or w[0].isdigit()):
            # an -ed/-ing word is an adjective only before a plural noun ("underexposed shots")
            m2 = _NEXT_WORD.match(text, m.end())
            if not (m2 and _is_plural(m2.group(1)) and m2.group(1).lower() not in _STOP):
                break
        words.append((w, m.start(1), m.end(1)))
        p = m.end()
        if _is_plural(w):
            break  # a plural noun ends the phrase: "10k runners took part"
    if not words:
        return None, None, pos
    if head < 0:
        # no known head: the phrase up to its last word, group = that word singularised
        last = words[-1][0]
        if last.lower().endswith(_NOT_NOUN_SUFFIX) and len(words) > 1:
            words.pop()
            last = words[-1][0]
        start, end = words[0][1], words[-1][2]
        return text[start:end], _singular(last), end
    start, end = words[0][1], words[head][2]
    # the first group noun decides: "police officers" are police, not troops
    for w, _, _ in words:
        group = U.COUNT_GROUPS.get(w.lower())
        if group is not None:
            break
    # "X of Y": "1,037 servicemen of the Afghan government forces"
    m = _PARTITIVE.match(text, end)
    if m and words[head][0].lower() in U.MEMBER_NOUNS:
        q = m.end() - 1
        for _ in range(5):
            m2 = _NEXT_WORD.match(text, q)
            if not m2 or m2.group(1).lower() in _STOP:
                break
            if m2.group(1).lower() in U.COUNT_GROUPS:
                end = m2.end(1)
                if group == "people":
                    group = U.COUNT_GROUPS[m2.group(1).lower()]
                break
            q = m2.end()
    return text[start:end], group, end


_new_tuple = tuple.__new__


class _Value(NamedTuple):
    value: float
    end: int
    scaled: bool
    approx: bool  # dozen/score words


def _value_at(text: str, pos: int) -> _Value | None:
    """A number (digits with scale, or words) starting at ``pos``, for range tails."""
    m = _candidate_at(text, pos)
    if not m:
        return None
    if m.lastgroup == "digits":
        v = _digits_value(m.group())
        end = m.end()
        return _scale_digits(text, v, end, currency=True)
    if m.lastgroup == "words":
        v, approx, scaled = _words_value(m.group())
        return _Value(v, m.end(), scaled, approx)
    return None


def _scale_digits(text: str, v: float, end: int, currency: bool) -> _Value:
    c = text[end : end + 1]
    if not (c.isalpha() or c == "-" or (c.isspace() and _peek(text, end) in _SCALE_NEXT)):
        return _new_tuple(_Value, (v, end, False, False))  # the common case: no scale
    a = _ABBR.match(text, end)
    if a:
        key = a.group().strip()
        if key in ("m", "b", "K") and not currency:
            nxt = _NEXT_WORD.match(text, a.end())
            if not (nxt and nxt.group(1).lower() in U.COUNT_GROUPS):
                return _Value(v, end, False, False)
        return _Value(v * W.SCALE_ABBREVIATIONS[key.lower()], a.end(), True, False)
    s = _SCALE_AFTER.match(text, end)
    if s:
        return _Value(v * W.SCALES[s.group(1).lower()], s.end(), True, False)
    return _Value(v, end, False, False)


def _mk(
    text: str, start: int, end: int, value: float | None, low: float | None,
    high: float | None, qualifier: str, kind: str, unit: str | None = None,
    group: str | None = None, currency: str | None = None,
) -> Mention:
    # _round inlined for the common case (a whole float): one call less per mention
    v = value if type(value) is float and value.is_integer() else _round(value)
    # tuple.__new__ skips the NamedTuple's Python-level __new__ (one per mention)
    return _new_tuple(Mention, (
        start, end, text[start:end], v, v if low == value else _round(low),
        v if high == value else _round(high), qualifier, kind, unit, group, currency,
    ))


def _date_value(year: int | None, month: int, day: int | None) -> float:
    """Dates as comparable numbers: YYYYMMDD, or MMDD when the year is not written."""
    return float((year or 0) * 10000 + month * 100 + (day or 0))


def _point(text: str, m: re.Match[str], kind: str, value: float | None) -> Mention:
    return _mk(text, m.start(), m.end(), value, value, value, "exact", kind)


def _special(text: str, m: re.Match[str]) -> Mention | None:
    """Dates, times, phone numbers and codes: kept, never counts."""
    g = m.lastgroup
    s = m.group()
    if g == "iso":
        y, mo, d = (int(x) for x in s.split("-"))
        return _point(text, m, "date", _date_value(y, mo, d))
    if g in ("mdate", "ddate", "mydate"):
        month = next(
            W.MONTHS[t.lower().rstrip(".")] for t in _ALPHA_TOKENS.findall(s)
            if t.lower().rstrip(".") in W.MONTHS
        )
        nums = [int(x) for x in _INTS.findall(s)]
        year = next((n for n in nums if n >= 1000), None)
        day = next((n for n in nums if n < 1000), None)
        if day is not None and not 1 <= day <= 31:
            return None
        return _point(text, m, "date", _date_value(year, month, day))
    if g == "sdate":
        parts = [int(x) for x in _INTS.findall(s)]
        if len(parts) == 2 and parts[1] and text.startswith(" of ", m.end()):
            v = parts[0] / parts[1] * 100  # "1/3 of": a share, kind percent
            return _mk(text, m.start(), m.end(), v, v, v, "exact", "percent", None, "percent")
        mo, d = parts[0], parts[1]
        if not (1 <= mo <= 12 and 1 <= d <= 31) or s[-1].isalpha() or len(s.split("/")[0]) > 2:
            return _point(text, m, "identifier", None)  # "24/7", "23/30" (a gallery counter)
        year = parts[2] if len(parts) == 3 else None
        if year is not None and year < 100:
            year += 2000 if year < 50 else 1900
        return _point(text, m, "date", _date_value(year, mo, d))
    if g == "time":
        nums = [int(x) for x in _INTS.findall(s)]
        if len(nums) == 1 and nums[0] >= 100:  # 0237 GMT
            hh, mm = divmod(nums[0], 100)
        else:
            hh, mm = nums[0], (nums[1] if len(nums) > 1 else 0)
        low = s.lower()
        if ("pm" in low or "p.m" in low) and hh < 12:
            hh += 12
        if ("am" in low or "a.m" in low) and hh == 12:
            hh = 0
        if hh > 24 or mm > 59:
            return _point(text, m, "identifier", None)
        return _point(text, m, "time", float(hh * 100 + mm))
    if g == "ident" and _NAME_YEAR.fullmatch(s):
        return None  # "Mid-2021" at the start of a sentence: the digits are a year
    return _point(text, m, "identifier", None)


_SPECIAL = frozenset(("iso", "mdate", "ddate", "mydate", "sdate", "time", "phone", "ident"))


_PEEK = re.compile(r"[^\S\r\n]*([A-Za-z]+)")
_SCALE_NEXT = frozenset((*W.SCALES, *(k.capitalize() for k in W.SCALES), "mn", "mln", "bn", "tn"))


# The reading steps peek at the same position several times (scale? percent? range? unit?):
# the last answer is kept. One tuple, rebound at once, so concurrent callers stay correct.
_peek_last: tuple[str, int, str] = ("", -1, "")


def _peek(text: str, end: int) -> str:
    """The word at ``end`` (after spaces), as written; "" when there is none."""
    global _peek_last
    t, e, w = _peek_last
    if e == end and t is text:
        return w
    m = _PEEK.match(text, end)
    w = m.group(1) if m else ""
    _peek_last = (text, end, w)
    return w


_PCT_NEXT = frozenset(("per", "percent", "pct", "percentage"))
_RANGE_NEXT = frozenset(("to", "and", "or"))
_POST_NEXT = frozenset(k.split()[0] for k in W.POST_QUALIFIERS)
# First words of every unit the words after a number can start with (lower case).
_UNIT_FIRST = frozenset(
    re.split(r"[\s/.]", k.lower())[0]
    for k in (*W.CURRENCY_WORDS, *W.CURRENCY_SUBUNITS, *U.DURATION_UNITS, *U.MEASURE_UNITS)
) | {"years", "year", "yrs", "yr", "us"}


def _may_follow(text: str, end: int, chars: str, words: frozenset[str]) -> bool:
    """Cheap test before a pattern: a joining char, or a space and one of ``words``."""
    c = text[end : end + 1]
    if not c:
        return False
    if c in chars:
        return True
    if c.isspace():
        c2 = text[end + 1 : end + 2]
        return (c2 != "" and c2 in chars) or _peek(text, end).lower() in words
    return False


def _may_be_percent(text: str, end: int) -> bool:
    c = text[end : end + 1]
    if c == "%":
        return True
    if c.isspace() or c.isalpha():
        return text[end + 1 : end + 2] == "%" or _peek(text, end).lower() in _PCT_NEXT
    return False


def _may_have_unit(text: str, end: int) -> bool:
    """False when the words after a number cannot start a currency, duration or measure."""
    c = text[end : end + 1]
    if c.isspace():
        w = _peek(text, end)
        return w == "" or w.lower() in _UNIT_FIRST
    return c != "" and (c.isalpha() or c in "-°²")


def _last_word(before: str) -> str:
    """Lower-cased last word of ``before`` (punctuation stripped), or ""."""
    parts = before.rsplit(None, 1)
    return parts[-1].strip(".,:;#()[]\"'").lower() if parts else ""


class _Read:
    """A mention being read: mutable state shared by the reading steps."""

    __slots__ = (
        "approx_word",
        "band",
        "before",
        "currency",
        "end",
        "fraction",
        "group",
        "high",
        "is_range",
        "kind",
        "last",
        "low",
        "qm",
        "qualifier",
        "ro",
        "scaled",
        "start",
        "unit",
        "vague",
        "value",
    )

    def __init__(self, start: int, end: int, before: str, last: str) -> None:
        self.start, self.end, self.before = start, end, before
        self.last = last  # _last_word(before), read by several steps
        self.value: float | None = None
        self.low: float | None = None
        self.high: float | None = None
        self.currency: str | None = None
        self.unit: str | None = None
        self.group: str | None = None
        self.kind = "count"
        self.qualifier, self.band = "exact", "exact"
        self.approx_word = self.scaled = self.vague = self.fraction = self.is_range = False
        self.qm: re.Match[str] | None = None
        self.ro: re.Match[str] | None = None


def _read(text: str, m: re.Match[str]) -> tuple[Mention | None, int]:
    """Read the mention whose core is ``m``; returns it (or None) and where to go on."""
    g = m.lastgroup
    start, end = m.span()
    special: Mention | None = None
    if g in _SPECIAL:
        special = _special(text, m)
        if special is None and g == "ident":
            return None, start + 1  # let the digits inside be read on their own
        if special is None or special.kind != "percent":
            return special, end
    before = text[max(0, start - 40) : start]
    if g == "ordw":
        v = _ordinal_words_value(m.group())
        return _mk(text, start, end, v, v, v, "exact", "ordinal"), end
    if g == "digits" and start > 0:
        prev = text[start - 1]
        if prev == "." and (start == 1 or text[start - 2] in " (") and m.group().isdigit():
            v = float("0." + m.group())  # ".292"
            return _mk(text, start - 1, end, v, v, v, "exact", "count"), end
        if prev.isalnum() or prev in "/.,_":
            return None, end  # tail of a code, a decimal or a slash form already read
        if prev in "-–" and start > 1 and text[start - 2].isdigit():
            return None, end  # tail of an X-Y already read
    last = _last_word(before)
    if g == "digits" and start > 0 and last in _ID_CUE_LAST and _ID_CUE.search(before):
        return _mk(text, start, end, None, None, None, "exact", "identifier"), end
    r = _Read(start, end, before, last)
    if g == "vague":
        r.low, r.high = W.VAGUE[" ".join(m.group().lower().split())]
        r.vague, r.qualifier = True, "vague"
    elif g == "words":
        surface = m.group()
        if surface.lower() == "one" and (
            last in _ONE_NOT_BEFORE or text.startswith(_ONE_NOT_AFTER, end)
        ):
            return None, end
        v, r.approx_word, r.scaled = _words_value(surface)
        r.value = r.low = r.high = v
    elif g == "fracw":
        toks = _WORD_SPLIT.split(m.group().lower())
        num = 1.0 if toks[0] in ("a", "half") else float(W.UNITS.get(toks[0], 1))
        r.value = r.low = r.high = num * W.FRACTIONS[toks[-1]] * 100
        r.fraction = True
    elif g == "sdate":  # "1/3 of", "about 1/10th of": a share, read like a word fraction
        r.value = r.low = r.high = special.value  # type: ignore[union-attr]
        r.fraction = True
    else:  # digits
        early = _read_digits(text, m, r)
        if early is not None:
            return early
    _read_qualifier(text, r)
    if r.kind == "identifier":
        return _mk(text, r.start, r.end, None, None, None, "exact", "identifier"), r.end
    _read_unit(text, r)
    mention = _mk(
        text, r.start, r.end, r.value, r.low, r.high, r.qualifier, r.kind, r.unit, r.group,
        r.currency,
    )
    return mention, r.end


def _read_digits(text: str, m: re.Match[str], r: _Read) -> tuple[Mention | None, int] | None:
    """Value, currency, sign and scale of a digit core; a finished mention for years etc."""
    start, end = m.span()
    raw = m.group()
    v = _digits_value(raw)
    prev = text[start - 1] if start else ""
    if prev in _CURRENCY_SYMBOL_CHARS or (prev.isspace() and r.last in _CURRENCY_WORD_PREFIXES):
        cm = _CURRENCY_BEFORE.search(text, max(0, start - 6), start)
        if cm:
            r.currency = W.CURRENCY_PREFIXES[(cm.group(1) or cm.group(2)).lower()]
            r.start = start = cm.start()
    is_minus = prev != "" and prev in "-−"
    if not is_minus and prev.isspace():
        is_minus = text.endswith(("minus", "Minus"), 0, start - 1)
    if r.currency is None and is_minus:
        nm = _NEG_BEFORE.search(text, max(0, start - 8), start)
        if nm:
            r.start = start = nm.start()
            v = -v
    sv = _scale_digits(text, v, end, r.currency is not None)
    r.value = r.low = r.high = sv.value
    r.end, r.scaled = sv.end, sv.scaled
    if start != m.start():
        r.before = text[max(0, start - 40) : start]
        r.last = _last_word(r.before)
    if sv.scaled or r.currency is not None:
        return None
    om = _ORD_SUFFIX.match(text, end) if text[end : end + 1].isalpha() else None
    if om:
        return _mk(text, start, om.end(), v, v, v, "exact", "ordinal"), om.end()
    is_year = len(raw) == 4 and raw.isdigit() and 1000 <= v <= 2199
    if end < len(text) and text[end].isalpha() and not (is_year and _DECADE.match(text, end)):
        gm = _MEASURE_AFTER.match(text, end)
        if (gm and not gm.group(1) and _unit_case_ok(gm.group(2))) or _DURATION_GLUED.match(text, end) or \
                _AGE_GLUED.match(text, end):
            return None  # "50,000km", "250mph", "10yrs", "14yo": read by _read_unit
        # digits glued to letters we do not know: a code ("5G", "4x4", "1080p")
        cm2 = _ALNUM.match(text, end)
        assert cm2 is not None
        return _mk(text, start, cm2.end(), None, None, None, "exact", "identifier"), cm2.end()
    if is_year:
        year = _read_year(text, r, v)
        if year is not None:
            return year
    if v != 1 and text[end : end + 1] == " " and _peek(text, end) in W.LABEL_NOUNS \
            and r.last not in _PRE_QUAL_LAST and not _is_compound_head(text, end):
        # "Nikkei 225 index", "the 5.00 update": a singular noun after a number names a thing
        return _mk(text, start, end, None, None, None, "exact", "identifier"), end
    if raw.isdigit() and _is_label(text, start, end, r.before):
        tail = _LABEL_TAIL.match(text, end)  # "Indians 8-7", "Hen 2-427"
        e = tail.end() if tail else end
        return _mk(text, start, e, None, None, None, "exact", "identifier"), e
    return None


def _is_compound_head(text: str, end: int) -> bool:
    """The word after the next one is a plural noun: "3 release dates" counts dates."""
    m = _NEXT_WORD.match(text, end)
    m2 = _NEXT_WORD.match(text, m.end()) if m else None
    return m2 is not None and _is_plural(m2.group(1))


def _is_label(text: str, start: int, end: int, before: str) -> bool:
    """A bare number right after a name is a label: "Radio 4", "Nikkei 225", "WR 124"."""
    if not before.endswith(" ") or before.endswith("  "):
        return False
    words = before.rsplit(None, 1)  # the last word, and the rest when there is more
    if len(words) < 2 and len(before) == start:
        return False  # the name opens the text: "Around 500 ...", "Troops 1..."
    if not words:
        return False
    w = words[-1]
    if not (w[0].isupper() and w.isalpha() and len(w) > 1) or w.lower() in _LABEL_NOT_NAMES:
        return False
    nxt = _NEXT_WORD.match(text, end)
    return not (nxt and nxt.group(1)[0].islower())


def _read_year(text: str, r: _Read, v: float) -> tuple[Mention, int] | None:
    start, end = r.start, r.end
    dm = _DECADE.match(text, end)
    if dm and v % 10 == 0:
        return _mk(text, start, dm.end(), None, v, v + 9, "range", "year"), dm.end()
    ym = _YEAR_RANGE_TAIL.match(text, end)
    if ym:
        y2 = int(ym.group(1))
        if y2 < 100:
            y2 += int(v) // 100 * 100
        if y2 > v:
            return _mk(text, start, ym.end(), None, v, y2, "range", "year"), ym.end()
    last = r.last
    if last in _PRE_QUAL_LAST and _PRE_QUAL.search(r.before):
        return None  # "more than 2000": a quantity
    if last in ("between", "from"):
        ro = _RANGE_OPENER.search(r.before)
        yr = _YEAR_AND.match(text, end)
        if ro and yr and int(yr.group(1)) > v:
            prev = _last_word(r.before[: ro.start()])
            if prev not in W.CHANGE_VERBS:
                s0 = start - len(ro.group(0))
                return _mk(text, s0, yr.end(), None, v, float(yr.group(1)), "range", "year"), yr.end()
    if _PERCENT.match(text, end) or text.startswith("-", end):
        return None
    nxt = _NEXT_WORD.match(text, end)
    nw = nxt.group(1).lower() if nxt else ""
    if nw in U.COUNT_GROUPS or nw in U.MEASURE_UNITS or nw in U.DURATION_UNITS:
        return None
    return _mk(text, start, end, v, v, v, "exact", "year"), end


def _read_qualifier(text: str, r: _Read) -> None:
    """Qualifier before, percent, range tail and qualifier after; sets the interval."""
    if r.approx_word:
        r.qualifier, r.band = "approximate", "dozen"
    last = r.last
    if last in _PRE_QUAL_LAST:
        r.qm = _PRE_QUAL.search(r.before, max(0, len(r.before) - _PRE_QUAL_SPAN))
    is_change = False
    if last in ("between", "from"):
        r.ro = _RANGE_OPENER.search(r.before)
        prev = _last_word(r.before[: r.ro.start()]) if r.ro else ""
        is_change = prev in W.CHANGE_VERBS
    if r.qm:
        r.qualifier, r.band = W.PRE_QUALIFIERS[" ".join(r.qm.group(1).lower().split())]
        r.start -= len(r.qm.group(0))
    if r.fraction:
        r.kind, r.group = "percent", "percent"
    if _may_extend(text, r.end):  # usually not: nothing can extend the number
        _read_after(text, r, is_change)
    if r.is_range or r.kind == "identifier":
        return
    if r.vague:
        if r.band == "open_above":
            r.high = None
        elif r.band == "open_below":
            r.low = None
        elif r.band == "below" and r.low is not None:
            r.low = r.low * W.BANDS["below"][0]  # type: ignore[operator]
        return
    if r.value is not None:
        if r.band == "exact":
            r.low = r.high = r.value
        else:
            r.low, r.high = _band(r.value, r.band)


_EXTEND_CHARS = "%-–—+"
_EXTEND_NEXT = _PCT_NEXT | _RANGE_NEXT | _POST_NEXT


def _may_extend(text: str, end: int) -> bool:
    """False when no percent, range tail or post-qualifier can follow ``end`` (one peek)."""
    if _may_follow(text, end, _EXTEND_CHARS, _EXTEND_NEXT):
        return True
    if text[end : end + 1].isalpha():  # a percent word glued to the number: "5percent", "5pct"
        return text[end + 1 : end + 2] == "%" or _peek(text, end).lower() in _PCT_NEXT
    return False


def _read_after(text: str, r: _Read, is_change: bool) -> None:
    """Percent, range tail and qualifier after the number."""
    pm = _PERCENT.match(text, r.end) if _may_be_percent(text, r.end) else None
    if pm:
        r.kind, r.group, r.end = "percent", "percent", pm.end()
    if not r.vague and not r.fraction:
        _read_range(text, r, is_change)
    if not r.is_range and _may_follow(text, r.end, "+-", _POST_NEXT):
        pq = _POST_QUAL.match(text, r.end)
        if pq:
            key = " ".join((pq.group(1) or pq.group(2) or pq.group(3)).lower().split())
            r.qualifier, r.band = W.POST_QUALIFIERS["plus" if key == "+" else key]
            r.end = pq.end()


def _read_range(text: str, r: _Read, is_change: bool) -> None:
    if not _may_follow(text, r.end, "-–—", _RANGE_NEXT):
        return
    jm = _RANGE_JOIN.match(text, r.end)
    if not jm or r.value is None:
        return
    join = jm.group().strip()
    ok = join in ("-", "–", "—", "to", "or") or (join == "and" and r.ro is not None)
    if not ok or (r.ro is not None and is_change) or r.band.startswith("open"):
        return  # "more than $11 billion to $106 billion" is a change, not a range
    p2 = jm.end()
    if r.currency is not None:  # "$450 million to $500 million"
        cm = _CURRENCY_AT.match(text, p2)
        p2 = cm.end() if cm else p2
    v2 = _value_at(text, p2)
    if v2 is None:
        return
    lo = r.value
    if v2.scaled and not r.scaled and lo < v2.value:
        # "between 2 and 3 million": the scale is written once
        for sc in sorted(W.SCALES.values(), reverse=True):
            if v2.value >= sc and lo * sc <= v2.value:
                lo *= sc
                break
    if join in ("-", "–") and not r.scaled and not v2.scaled and r.kind == "count" \
            and r.currency is None and lo < 200:
        near = re.findall(r"[a-z]+", r.before.lower())[-3:] + re.findall(
            r"[a-z]+", text[v2.end : v2.end + 30].lower())[:3]
        if v2.value < lo or any(w in W.SCORE_CUES for w in near):
            r.kind, r.end = "identifier", v2.end  # a score: "3-1"
            return
    if v2.value < lo:
        return
    if r.ro is not None and r.qm is None:
        r.start -= len(r.ro.group(0))
    r.end = v2.end
    r.low, r.high, r.value = lo, v2.value, None
    r.qualifier, r.band, r.is_range = "range", "exact", True
    if v2.approx:
        r.qualifier = "range"
    pm2 = _PERCENT.match(text, r.end)
    if pm2:
        r.kind, r.group, r.end = "percent", "percent", pm2.end()


def _read_plus(text: str, r: _Read) -> None:
    """ "400-pound-plus": an open lower bound after a compound unit."""
    if text.startswith(("-plus", "+"), r.end) and r.value is not None:
        r.end += 1 if text[r.end] == "+" else 5
        r.qualifier, r.low, r.high = "at_least", r.value, None


def _scale_all(r: _Read, factor: float) -> None:
    if factor != 1.0:
        r.value, r.low, r.high = (None if x is None else x * factor for x in (r.value, r.low, r.high))


def _read_unit(text: str, r: _Read) -> None:
    """Kind and unit from the words after the number."""
    end = r.end
    if r.kind == "percent":
        if _PARTITIVE.match(text, end):
            r.unit, _, _ = _count_unit(text, end)
        return
    if r.vague or (r.scaled and r.currency is None):
        # "hundreds of thousands of dollars", "a couple of days": the unit follows "of"
        pm = _PARTITIVE.match(text, end)
        if pm and (_CURRENCY_AFTER.match(text, pm.end() - 1) or _DURATION_AFTER.match(
                text, pm.end() - 1) or _MEASURE_AFTER.match(text, pm.end() - 1)):
            end = pm.end() - 1
    lw = r.last
    aged = _AGED_BEFORE.search(r.before) if lw.startswith(("age", "turn")) else None
    if aged and lw.startswith("turn") and (r.qualifier != "exact" or r.value is None):
        aged = None
    if aged is None and r.value is not None and r.qualifier == "exact" and not r.scaled \
            and r.value.is_integer() and 1 <= r.value <= 120 and r.before.endswith(", ") \
            and _APPOSITIVE_BEFORE.search(r.before) and _APPOSITIVE_AFTER.match(text, end) \
            and lw.rstrip(",") not in _LABEL_NOT_NAMES:
        r.kind, r.group = "age", "year"
        return
    if r.qm is not None and aged is None and _is_age_bound(text, r, end):
        r.kind, r.group = "age", "year"  # "children under 12", "people over 65"
        return
    if r.currency is None and aged is None and not _may_have_unit(text, end):
        _read_count_unit(text, r, None, end)  # the common case: no unit word follows
        return
    # the unit patterns below start with a space, "-" or "y": test the character first
    c = text[end : end + 1]
    spaced = c.isspace()
    cw = _CURRENCY_AFTER.match(text, end) if spaced else None
    if r.currency is not None:
        r.kind, r.group = "money", r.currency
        if cw and not cw.group(1).lower().startswith("dollar"):
            pass
        elif cw:
            r.end = cw.end()
        return
    if cw:
        r.currency = W.CURRENCY_WORDS[" ".join(cw.group(1).lower().split())]
        r.kind, r.group, r.end = "money", r.currency, cw.end()
        return
    sm = _SUBUNIT_AFTER.match(text, end) if spaced else None
    if sm:  # "1 cent": money in the main unit (0.01)
        r.currency, factor = W.CURRENCY_SUBUNITS[sm.group(1).lower()]
        r.kind, r.group, r.end = "money", r.currency, sm.end()
        _scale_all(r, factor)
        return
    am = _AGE_AFTER.match(text, end) if spaced else None
    if am or aged:
        r.kind, r.group = "age", "year"
        if am:
            r.unit, r.end = am.group(0).strip(), am.end()
        if aged and r.qm is None and aged.group(1).lower().startswith("age"):
            r.start -= len(aged.group(0))  # "aged 19" is the surface; "turned 17" is "17"
        return
    hm = _HYPHEN_UNIT.match(text, end) if c == "-" else None
    hw = hm.group(1).lower() if hm else ""
    if hm and hw in U.DURATION_UNITS:
        canon, factor = U.DURATION_UNITS[hw]
        if hm.group(2):
            r.kind, r.group, r.unit = "age", "year", text[hm.start(1) : hm.end(2)]
        else:
            r.kind, r.group, r.unit = "duration", canon, hm.group(1)
            _scale_all(r, factor)
        r.end = hm.end()
        _read_plus(text, r)
        return
    if hm and hw in U.MEASURE_UNITS and hw not in U.MEASURE_GLUED_ONLY:
        r.kind, r.unit, r.group, r.end = "measure", hm.group(1), U.MEASURE_UNITS[hw], hm.end()
        _read_plus(text, r)
        return
    gm = _AGE_GLUED.match(text, end) if c == "y" else None
    if gm:  # "14yo"
        r.kind, r.group, r.end = "age", "year", gm.end()
        return
    dm = _DURATION_AFTER.match(text, end)
    if dm:
        canon, factor = U.DURATION_UNITS[dm.group(1).lower()]
        r.kind, r.group, r.unit, r.end = "duration", canon, dm.group(1), dm.end()
        _scale_all(r, factor)
        return
    mm = _MEASURE_AFTER.match(text, end)
    if mm and _unit_case_ok(mm.group(2)) and (
            mm.group(1) == "" or mm.group(2).lower() not in U.MEASURE_GLUED_ONLY):
        unit = mm.group(2)
        r.kind, r.unit, r.end = "measure", unit, mm.end()
        r.group = U.MEASURE_UNITS.get(unit, U.MEASURE_UNITS.get(unit.lower()))
        return
    _read_count_unit(text, r, hm, end)


def _is_age_bound(text: str, r: _Read, end: int) -> bool:
    """ "children under 12": a bound after a word for people, with no noun after the number."""
    if r.currency is not None or r.scaled or r.value is None or not r.value.is_integer() \
            or not 1 <= r.value <= 120 or r.qm is None:
        return False
    if r.qm.group(1).lower() not in W.AGE_BOUND_WORDS:
        return False
    if _last_word(r.before[: r.qm.start()]) not in W.AGE_HOLDERS:
        return False
    nxt = _peek(text, end).lower() if text[end : end + 1].isspace() else ""
    return nxt == "" or nxt in _STOP or nxt in U.PEOPLE_PARTICIPLES


def _read_count_unit(text: str, r: _Read, hm: re.Match[str] | None, end: int) -> None:
    if hm and hm.group(1).lower() in _COMPOUND_PASS:
        # "1,000-strong force": what is counted follows the compound
        r.unit, r.group, _ = _count_unit(text, hm.end())
    elif hm:
        # "five-member team", "20-point plan": the compound names what is counted
        word = hm.group(1)
        r.unit, r.group = word, U.COUNT_GROUPS.get(word.lower(), _singular(word))
    else:
        r.unit, r.group, _ = _count_unit(text, end)
        if r.unit is None and _last_word(text[max(0, r.start - 20) : r.start]) in \
                U.PEOPLE_PARTICIPLES:
            r.group = "people"  # "killed 50", "wounded over 400"
    if r.unit and r.group:
        head = r.unit.rsplit(None, 1)[-1].lower()
        if head in U.MEASURE_UNITS and head not in U.MEASURE_GLUED_ONLY:
            r.kind, r.group = "measure", U.MEASURE_UNITS[head]  # "275,000 total miles"


# Candidate starts. The same pattern runs in Python (find_numbers) and in Polars' Rust regex
# engine (numbers), so it uses only syntax both accept: no look-around.
_TRIGGER = (
    r"\+\d|\(\d{3}\)|\d+|[½⅓⅔¼¾]|\b[A-Z][A-Za-z]*-?\d"
    rf"|\b(?:{'|'.join(sorted(_MONTH_NAMES, key=len, reverse=True))})\b"
    r"|(?i:\b(?:"
    + "|".join(sorted(
        {*W.UNITS, *W.TENS, *W.SCALES, *W.ORDINAL_UNITS, "half", "several", "dozens",
         "scores", "hundreds", "thousands", "millions", "billions", "trillions"},
        key=len, reverse=True))
    + r")\b)"
    r"|(?i:\ban?\s+(?:hundred|thousand|million|billion|trillion|dozen|score|handful|few"
    r"|couple|third|quarter|fifth|tenth|half)\b)"
    r"|(?i:\bmany\s+(?:hundreds|thousands|millions|billions)\b)"
    r"|(?i:\btens\s+of\b)"
)
# Rust's Unicode \b disables its fast engine (15 MB/s vs 220 MB/s): both sides use ASCII \b.
_TRIGGER_RUST = _TRIGGER.replace(r"\b", r"(?-u:\b)")
_TRIGGER_RE = re.compile(_TRIGGER.replace(r"\b", r"(?a:\b)"))
_MARK = "\x00"


def _scan(text: str, starts: list[int]) -> list[Mention]:
    out: list[Mention] = []
    pos = 0
    for s in starts:
        if s < pos:
            continue
        c = text[s]
        if c in _ASCII_DIGITS:
            m = _CANDIDATE_DIGIT.match(text, s)
        elif c in _ASCII_LETTERS:
            m = _CANDIDATE_LETTER.match(text, s)
        else:
            m = _CANDIDATE.match(text, s)
        if m is None:
            continue
        mention, pos = _read(text, m)
        if mention is not None:
            if out and mention.kind in _AFTER_PREVIOUS_KINDS:
                mention = _after_previous(text, out[-1], mention)
            out.append(mention)
    return out


_AFTER_PREVIOUS_KINDS = frozenset(("count", "identifier", "duration"))
_SHORT_DECADE = re.compile(r"\d0s")
_SPANNING_KINDS = frozenset(("money", "count", "percent", "measure"))
# Between a quantity and "over <duration>": nothing, or up to three lower-case words
# ("$2 million deal over five years", "50 people killed over three days").
_SPAN_GAP = re.compile(r"[^\S\r\n]*(?:[a-z]+[^\S\r\n]+){0,3}")


def _after_previous(text: str, prev: Mention, cur: Mention) -> Mention:
    """Readings that depend on the mention just before: lists and spans."""
    if cur.kind == "count" and cur.unit is None:
        return _continue_list(text, prev, cur)
    if cur.kind == "identifier" and prev.kind == "year" and prev.qualifier == "range" \
            and _SHORT_DECADE.fullmatch(cur.surface) and prev.low is not None \
            and prev.high == prev.low + 9 and _LIST_JOIN.fullmatch(text, prev.end, cur.start):
        # "the 1960s and 70s": the century is written once
        lo = float(prev.low // 100 * 100 + int(cur.surface[:2]))
        return cur._replace(low=lo, high=lo + 9, qualifier="range", kind="year")
    if cur.kind == "duration" and cur.qualifier == "more_than" and prev.kind in _SPANNING_KINDS \
            and cur.surface[:5].lower() == "over " and cur.value is not None:
        # "$25.5 million over three years": "over" spans the period, it is not a bound
        if _SPAN_GAP.fullmatch(text, prev.end, cur.start):
            s0 = cur.start + len(cur.surface) - len(cur.surface[5:].lstrip())
            return cur._replace(start=s0, surface=text[s0 : cur.end], low=cur.value,
                                high=cur.value, qualifier="exact")
    return cur


def _continue_list(text: str, prev: Mention, cur: Mention) -> Mention:
    """A bare number listed after an age or a date is one too: "ages 11 and 15", "May 1 and 2"."""
    if prev.kind not in ("age", "date") or not _LIST_JOIN.fullmatch(text, prev.end, cur.start):
        return cur
    if cur.value is None or cur.qualifier != "exact":
        return cur
    if prev.kind == "age":
        return cur._replace(kind="age", unit_group="year", unit=None)
    if prev.value is None or not 1 <= cur.value <= 31 or cur.value != int(cur.value):
        return cur
    v = float(prev.value // 100 * 100 + cur.value)
    return cur._replace(kind="date", value=v, low=v, high=v, unit=None, unit_group=None)


def find_numbers(text: str) -> list[Mention]:
    """Numeric mentions in ``text`` (usually one sentence), in order, offsets into ``text``."""
    return _scan(text, [m.start() for m in _TRIGGER_RE.finditer(text)])


_COLUMNS = (
    "doc_id", "sentence_no", "char_start", "char_end", "surface", "value", "low", "high",
    "qualifier", "kind", "unit", "unit_group", "currency",
)


def _candidate_starts(texts: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """Distinct texts with at least one candidate start, and the starts (character offsets).

    Returns the texts (tid, text, n: how many starts, has_mark) and all their starts as one
    flat series in the same order (a flat list is far cheaper to hand to Python than a list
    of lists). Polars marks every candidate with ``_MARK`` (Rust regex, all texts at once) and
    splits on the marks; the cumulative piece lengths are the offsets (one running sum over
    all texts, less each text's base). A text that already holds the mark character gets its
    starts from the Python pattern instead.
    """
    cands = (
        texts.filter(pl.col("text").str.contains(_TRIGGER_RUST))
        .with_columns(marked=pl.col("text").str.replace_all(_TRIGGER_RUST, _MARK + "$0"))
        .with_columns(pieces=pl.col("marked").str.split(_MARK))
        .with_columns(n=pl.col("pieces").list.len() - 1)  # at least one mark: n >= 1
        # characters before the last mark: the pieces but the last one, without the marks
        .with_columns(kept=pl.col("marked").str.len_chars() - pl.col("n")
                      - pl.col("pieces").list.last().str.len_chars())
        .with_columns(
            base=pl.col("kept").cum_sum() - pl.col("kept"),
            has_mark=pl.col("text").str.contains(_MARK, literal=True),
        )
    )
    starts = (
        cands.select("base", piece=pl.col("pieces").list.head(pl.col("n")))
        .explode("piece")
        .select(pl.col("piece").str.len_chars().cum_sum() - pl.col("base"))
        .to_series()
    )
    return cands.select("tid", "text", "n", "has_mark"), starts


def _scan_all(
    cands: pl.DataFrame, all_starts: pl.Series,
) -> tuple[list[int], list[tuple[object, ...]]] | None:
    """``_scan`` over every candidate text; None when there is no mention.

    Returns the tid of each mention and the mentions' fields as columns (one tuple per
    ``Mention`` field, in field order).
    """
    flat = all_starts.to_list()
    tids: list[int] = []
    found: list[Mention] = []
    # The mentions hold no reference cycles, and the cyclic collector's full passes over the
    # hundreds of thousands of tuples they build up cost about a tenth of the run on 10,000
    # articles: paused, as in facts().
    with collector_paused():
        cut = 0
        for tid, text, n, has_mark in zip(
            cands["tid"].to_list(), cands["text"].to_list(), cands["n"].to_list(),
            cands["has_mark"].to_list(), strict=True,
        ):
            starts = flat[cut : cut + n]
            cut += n
            if has_mark:
                starts = [m.start() for m in _TRIGGER_RE.finditer(text)]
            ms = _scan(text, starts)
            found.extend(ms)
            tids.extend([tid] * len(ms))
        if not found:
            return None
        return tids, list(zip(*found, strict=True))  # one column per field


def numbers(sentences: pl.DataFrame) -> pl.DataFrame:
    """One row per numeric mention: an interval with qualifier, kind and what is counted.

    Grain: one row per mention ``find_numbers`` finds in a sentence. ``number_id`` is
    ``f"{doc_id}:{n:04d}"``, ``n`` the 0-based mention number in the document (ordered by
    sentence_no, then offset). char_start/char_end are document offsets (the sentence's
    char_start added). Candidate starts are found by Polars over all sentences at once;
    only distinct sentences with a candidate reach Python.
    """
    if sentences.height == 0:
        return schema.empty("numbers")
    # Each distinct sentence text is read once (syndicated copies repeat sentences verbatim).
    # One hash pass gives both the distinct texts and the rows holding each.
    groups = (
        sentences.select("text")
        .with_row_index("row")
        .group_by("text")
        .agg("row")
        .with_columns(tid=pl.int_range(pl.len(), dtype=pl.Int64))
    )
    cands, all_starts = _candidate_starts(groups.select("tid", "text"))
    found = _scan_all(cands, all_starts)
    if found is None:
        return schema.empty("numbers")
    tids, cols = found
    types = schema.polars_schema("numbers")
    mentions = pl.DataFrame(
        {
            "tid": pl.Series(tids, dtype=pl.Int64),
            "start": pl.Series(cols[0], dtype=pl.Int64),
            "end": pl.Series(cols[1], dtype=pl.Int64),
            **{name: pl.Series(cols[i], dtype=types[name]) for i, name in (
                (2, "surface"), (3, "value"), (4, "low"), (5, "high"), (6, "qualifier"),
                (7, "kind"), (8, "unit"), (9, "unit_group"), (10, "currency"))},
        }
    )
    at = groups.select("tid", "row").explode("row").join(mentions, on="tid", how="inner")
    frame = (
        sentences.select(pl.col("doc_id", "sentence_no", "char_start").gather(at["row"]))
        .hstack(at.drop("tid", "row"))
        .with_columns(
            char_end=pl.col("char_start") + pl.col("end"),
            char_start=pl.col("char_start") + pl.col("start"),
        )
    )
    frame = frame.sort("doc_id", "sentence_no", "char_start").with_columns(
        number_id=pl.col("doc_id")
        + ":"
        + pl.int_range(pl.len()).over("doc_id").cast(pl.String).str.zfill(4)
    )
    return schema.conform(frame, "numbers")
