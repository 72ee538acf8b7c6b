"""Facts: the same quantity reported by several documents of a story, with a verdict.

Method (rules over the sentence around each mention; docs/facts.md has the details):

1. Block: mentions of one story with the same kind and unit dimension (measures compare in
   base units, so "3,700 km" and "2,300 miles" meet; counts by unit group, a missing unit
   group joining any).
2. Key: the predicate class read next to the mention (fled, killed, injured, ...; a word's
   class can depend on the kind: a price "falling" fell, districts "falling" were captured),
   and a background marker ("other", "already", "last year", "including", a year or month
   that is not the publication's) split a block into candidate facts; clashing subject
   modifiers (Afghan vs US troops) split further.
3. Link: the story's event verb links; so does the same counted thing with the same number
   ("three short-range missiles" / "three missiles", "770 km" restated weeks later, "more
   than 11 million" / "11.5 million documents"); else context words overlap (Jaccard) or
   the same uncommon proper noun.
4. Before a fact is called a conflict or a revision, its weakly linked mentions (naming a
   proper noun no other mention names, e.g. another place, sharing no context word with
   the rest, a small number without the event verb, a value more than twice off) are split
   off when they disagree: a false conflict becomes a false alert. Split-off mentions keep
   their largest agreeing set together.
5. A background item without a date ("Florida club: 49 killed") joins the one dated
   background report with the same value and event verb.
6. Verdict by interval logic: exact round numbers carry a rounding band, every exact value
   a small conversion slack; disagreement that follows publication time is a revision.
"""

from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import chain, pairwise
from operator import itemgetter
from typing import Any, cast

import polars as pl

from transforms import schema
from transforms.collector import collector_paused
from transforms.lexicon.facts import (
    CLAUSE_MARKERS,
    CONVERSION_SLACK,
    COUNTABLE_KINDS,
    EVENT_PREDICATES,
    KIND_PREDICATES,
    MONTHS,
    NON_ANCHORS,
    NON_UNITS,
    PHRASE_MARKERS,
    PREDICATE_KINDS,
    PREDICATES,
    ROUND_NUMBER_BAND,
    STOPWORDS,
    SUBJECT_MODIFIERS,
    UNIT_DIMENSIONS,
    UNIT_GROUP_EQUIVALENTS,
)

_WORD = re.compile(r"[A-Za-z](?:[A-Za-z'’.-]*[A-Za-z])?")
_POSSESSIVE = re.compile(r"['’]s?$")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_PAREN_AFTER = re.compile(r"\s*\([^()]*\)")
_CLAUSE_END = re.compile(r"[;.!?](?:\s|$)|\s[–—-]\s")
_PLACE = re.compile(r"\b(into|in|to|at|near|over|from)\s+((?:(?!Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)[A-Z][\w-]+\s?){1,3})")
# Context: words either side of a mention that count for similarity and anchors.
_WINDOW_BEFORE, _WINDOW_AFTER = 10, 12
# Predicate search: words after the mention are preferred at equal distance.
_PRED_AFTER, _PRED_BEFORE = 10, 8
# Mentions without a predicate join when their context words overlap at least this much.
_MIN_JACCARD = 0.2
# An outlier without an event verb stays in a fact (and makes a conflict) only when it shares
# an uncommon proper noun or this many uncommon context words with the consensus.
_MIN_SHARED_WORDS = 2
# Value identity links mentions only for values at least this large, within this share.
_SPECIFIC_VALUE = 10.0
_SAME_VALUE_SHARE = 0.02
_POINT_QUALIFIERS = ("exact", "approximate")
# Prices, shares and measures linked only by context words must be within this factor of each
# other (a count's conflicting reports can differ more, and its event verb links them anyway).
_SCALE_KINDS = ("money", "percent")
_MAX_RATIO = 2.0
# A written bound and a value it admits link when within this share ("more than 11 million", "11.5 million").
_NEAR_VALUE_SHARE = 0.05
# An outlier published further than this from every consensus report is not a conflict.
_REPORT_WINDOW = timedelta(days=7)
_WINDOW_US = _REPORT_WINDOW // timedelta(microseconds=1)  # the same, for _Mention.ts
# A proper noun in at least this share of a story's documents is the story's own (not an anchor).
_UBIQUITOUS_SHARE = 0.5
# Stories with at least this many mentions compare them by similarity key (a speed choice only).
_KEYED_STORY = 500


@dataclass(slots=True)
class _Mention:
    number_id: str
    doc_id: str
    source: str  # independent source: the original's doc_id for a copy
    published_at: datetime | None
    low: float | None
    high: float | None
    value: float | None
    qualifier: str
    kind: str
    dim: str | None
    unit: str | None
    predicate: str | None
    pred_word: str | None
    marker: str | None
    modifiers: frozenset[str]
    anchors: frozenset[str] = field(default_factory=frozenset)
    words: frozenset[str] = field(default_factory=frozenset)
    place: str | None = None
    sentence_key: tuple[str, int] = ("", 0)
    names: frozenset[str] = field(default_factory=frozenset)  # proper nouns of the whole sentence
    mod_words: str | None = None  # subject modifiers as written, for the label
    paren: bool = False  # written in parentheses right after another value (a conversion)
    prev_id: str | None = None  # the mention before it in the same sentence
    head: str | None = None  # what is counted, as written ("missiles", "documents"); None if unknown
    key: int = -1  # in its story: equal only for mentions _similar_apart cannot tell apart
    ts: int | None = None  # published_at in microseconds since the epoch: time windows in ints
    # Computed once (see _band, _unit_factor): they read fields that never change.
    band: tuple[float, float] | None = field(default=None, init=False, repr=False, compare=False)
    factor: float | None = field(default=None, init=False, repr=False, compare=False)


@lru_cache(maxsize=65536)
def _unit_tokens(unit: str | None) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(unit or ""))


@lru_cache(maxsize=4096)
def _unit_words(unit: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(unit))


_PHRASE_PADDED = tuple((m, f" {m} ") for m in PHRASE_MARKERS)
_CLAUSE_PADDED = tuple((m, f" {m} ") for m in CLAUSE_MARKERS)
_PHRASE_KEYS = frozenset(max(m.split(), key=len) for m in PHRASE_MARKERS)
_CLAUSE_KEYS = frozenset(max(m.split(), key=len) for m in CLAUSE_MARKERS)
_NONE = frozenset([None])
_GROUP, _START, _END, _SPAN = re.Match.group, re.Match.start, re.Match.end, re.Match.span


class _Sentence:
    """A sentence read once for all its mentions: its words (as written and lower case) and
    their spans, clause-end spans, proper nouns, years, and each word's anchor and context
    term (None: not one)."""

    __slots__ = ("_years", "anchor", "cuts", "ends", "lower", "names", "paren", "starts", "term", "text", "words")

    def __init__(self, text: str) -> None:
        # Words and their spans in one pass, and lower case in one call (words are ASCII
        # letters and apostrophes, dots, hyphens: lowering keeps them apart).
        found = list(_WORD.finditer(text))
        words = list(map(_GROUP, found))
        self.text = text
        self.starts: list[int] = list(map(_START, found))
        self.ends: list[int] = list(map(_END, found))
        self.words: list[str] = words
        self.lower: list[str] = "\x00".join(words).lower().split("\x00") if words else []
        self.cuts = list(map(_SPAN, _CLAUSE_END.finditer(text)))
        self.anchor: tuple[str | None, ...]
        self.term: tuple[str | None, ...]
        names: tuple[str | None, ...]
        try:
            terms = list(map(_TERMS.__getitem__, words))
        except KeyError:
            terms = list(map(_word_terms, words))
        self.anchor, self.term, names = zip(*terms, strict=True) if words else ((), (), ())
        self.names: frozenset[str] = cast(frozenset[str], frozenset(names) - _NONE)
        self.paren = "(" in text
        self._years: list[str] | None = None

    @property
    def years(self) -> list[str]:
        """The years written in the sentence (read only when a mention needs them)."""
        if self._years is None:
            self._years = _YEAR.findall(self.text)
        return self._years


@lru_cache(maxsize=8192)
def _sentence(text: str) -> _Sentence:
    """Cached: a sentence usually carries several mentions."""
    return _Sentence(text)


# _word_terms of the words seen: a plain dict is read faster than an lru_cache, word by word.
_TERMS: dict[str, tuple[str | None, str | None, str | None]] = {}
_TERMS_SIZE = 65_536  # emptied when this large: the bound of the lru_cache it replaces


def _word_terms(w: str) -> tuple[str | None, str | None, str | None]:
    """A word's anchor (an uncommon-looking proper noun), context word and proper noun, or None."""
    found = _TERMS.get(w)
    if found is None:
        if len(_TERMS) >= _TERMS_SIZE:
            _TERMS.clear()
        found = _TERMS[w] = _read_word(w)
    return found


def _read_word(w: str) -> tuple[str | None, str | None, str | None]:
    lw = w.lower()
    anchor = (_POSSESSIVE.sub("", w) if w[0].isupper() and w not in NON_ANCHORS and w not in SUBJECT_MODIFIERS
              and lw not in STOPWORDS and lw not in MONTHS and len(w) > 2 else None)
    t = _POSSESSIVE.sub("", lw)
    term = t if len(t) > 2 and t not in STOPWORDS and t not in PREDICATES and t not in MONTHS else None
    return anchor, term, _POSSESSIVE.sub("", w) if w[0].isupper() else None


def _marker(s: _Sentence, b0: int, i_before: int, i_after: int, a1: int, p1: int,
            when: tuple[int, int] | None) -> str | None:
    """The background marker; when: the publication's year and month. Words b0:i_before are
    the clause before the mention, i_after:a1 the clause after it, i_after:p1 its phrase."""
    lower = s.lower
    a12 = min(a1, i_after + 12)
    # A marker's words are among the words read (its longest one is tested first, as a set).
    found = None
    near = lower[max(b0, i_before - 2):i_before] + lower[i_after:min(p1, i_after + 3)]
    if not _PHRASE_KEYS.isdisjoint(near):
        phrase = " " + " ".join(near) + " "
        found = next((m for m, padded in _PHRASE_PADDED if padded in phrase), None)
    if found is None:
        near = lower[max(b0, i_before - 4):i_before] + lower[i_after:a12]
        if not _CLAUSE_KEYS.isdisjoint(near):
            clause = " " + " ".join(near) + " "
            found = next((m for m, padded in _CLAUSE_PADDED if padded in clause), None)
    if found or when is None:
        return found
    for y in s.years:
        if int(y) != when[0]:
            return f"in {y}"
    lowered = lower[max(b0, i_before - 6):i_before] + lower[i_after:a12]
    if MONTHS.keys().isdisjoint(lowered):
        return None
    for prev, w in pairwise(lowered):
        if w in MONTHS and prev in ("in", "on", "since") and MONTHS[w] != when[1]:
            return f"in {w.title()}"
    return None


def context(sentence: str, start: int, end: int, unit: str | None = None,
            published_at: datetime | None = None, kind: str = "count") -> tuple[str | None, str | None, frozenset[str]]:
    """Predicate class, background marker and subject modifiers of a mention in its sentence."""
    pred, _, marker, mods, _ = _read(_sentence(sentence), start, end, unit, _when(published_at), kind)
    return pred, marker, mods


def _when(published_at: datetime | None) -> tuple[int, int] | None:
    """What the background marker reads of a publication time."""
    return None if published_at is None else (published_at.year, published_at.month)


def _around(s: _Sentence, start: int, end: int) -> tuple[int, int, int, int, int]:
    """Word indexes of the mention's clause (cut at full stops, semicolons and dashes) and
    phrase (up to a comma): b0:i_before before it, i_after:a1 after it, i_after:p1 its phrase."""
    starts, ends, cuts = s.starts, s.ends, s.cuts
    i_before, i_after = bisect_right(ends, start), bisect_left(starts, end)
    clause_lo = max((ce for cs, ce in cuts if ce <= start), default=0)
    clause_hi = min((cs for cs, ce in cuts if cs >= end), default=len(s.text))
    comma = s.text.find(",", end)
    phrase_hi = clause_hi if comma < 0 else min(comma, clause_hi)
    b0 = min(bisect_left(starts, clause_lo), i_before)
    a1 = max(i_after, bisect_right(ends, clause_hi))
    p1 = max(i_after, bisect_right(ends, phrase_hi))
    return b0, i_before, i_after, a1, p1


@lru_cache(maxsize=8)
def _kind_predicates(kind: str) -> dict[str, str]:
    """Lower-case word -> predicate class, for mentions of this kind (see _predicate)."""
    specific = KIND_PREDICATES.get(kind, {})
    table: dict[str, str] = {}
    for w in specific.keys() | PREDICATES.keys():
        cls = specific.get(w) or PREDICATES.get(w)
        if cls is not None and kind in PREDICATE_KINDS.get(cls, ()):
            table[w] = cls
    return table


def _read(s: _Sentence, start: int, end: int, unit: str | None, when: tuple[int, int] | None,
          kind: str) -> tuple[str | None, str | None, str | None, frozenset[str], tuple[int, int, int, int, int]]:
    at = b0, i_before, i_after, a1, _ = _around(s, start, end)
    words = s.words
    table = _kind_predicates(kind)
    lower = s.lower
    pred, pred_word, best = None, None, float("inf")
    # A parenthesised conversion right after the number is no distance to its predicate:
    # "flew 3,700 km (2,300 miles) high" is an altitude.
    paren = _PAREN_AFTER.match(s.text, end) if s.paren else None
    skip = len(_WORD.findall(paren.group())) if paren else 0
    for i, k in enumerate(range(i_after + skip, min(a1, i_after + skip + _PRED_AFTER))):
        if (cls := table.get(lower[k])) is not None:
            pred, pred_word, best = cls, words[k], i
            break
    for i, k in enumerate(range(i_before - 1, max(b0, i_before - _PRED_BEFORE) - 1, -1)):
        if i + 0.5 >= best:
            break
        if (cls := table.get(lower[k])) is not None:
            pred, pred_word = cls, words[k]
            break
    marker = _marker(s, *at, when)
    # Whose quantity: the words of the unit phrase (or the two words after) and the word before.
    unit_words = set(_unit_words(unit) if unit else words[i_after:min(a1, i_after + 2)]) | set(words[max(b0, i_before - 1):i_before])
    modifiers = frozenset(SUBJECT_MODIFIERS[w] for w in unit_words if w in SUBJECT_MODIFIERS)
    return pred, pred_word, marker, modifiers, at


def _predicate(word: str, kind: str) -> str | None:
    """The predicate class of a word for a mention of this kind ("falling" districts are
    captured, a "falling" price fell), or None."""
    return _kind_predicates(kind).get(word.lower())


def _modifier_words(s: _Sentence, at: tuple[int, int, int, int, int], unit: str | None) -> str | None:
    """The subject modifiers as written ("Afghan"), for the label."""
    b0, i_before, i_after, a1, _ = at
    words = [w for w in (_unit_words(unit) if unit else s.words[i_after:min(a1, i_after + 2)]) if w in SUBJECT_MODIFIERS]
    words = [w for w in s.words[max(b0, i_before - 1):i_before] if w in SUBJECT_MODIFIERS and w not in words] + words
    return " ".join(words) or None


def _anchors_and_words(s: _Sentence, at: tuple[int, int, int, int, int], unit: str | None) -> tuple[frozenset[str], frozenset[str]]:
    _, i_before, i_after, _, _ = at
    lo, hi = max(0, i_before - _WINDOW_BEFORE), i_after + _WINDOW_AFTER
    # The window's words as read by _word_terms (None: not an anchor, not a context word).
    anchors = cast(frozenset[str], frozenset(chain(s.anchor[lo:i_before], s.anchor[i_after:hi])) - _NONE)
    terms = cast(frozenset[str], frozenset(chain(s.term[lo:i_before], s.term[i_after:hi])) - _NONE)
    return anchors, terms - _unit_tokens(unit)



def _dimension(kind: str, unit_group: str | None) -> tuple[str | None, float]:
    """What a mention measures, and the factor to that dimension's base unit."""
    if kind in ("measure", "duration") and unit_group in UNIT_DIMENSIONS:
        return UNIT_DIMENSIONS[unit_group]
    if unit_group in NON_UNITS:
        return None, 1.0
    return UNIT_GROUP_EQUIVALENTS.get(unit_group or "", unit_group), 1.0


def _scale(x: float | None, factor: float) -> float | None:
    return None if x is None else x * factor


def _band(m: _Mention) -> tuple[float, float]:
    """The interval a mention allows: exact values widened for rounding and conversion."""
    if m.band is None:
        m.band = _widen(m)
    return m.band


def _widen(m: _Mention) -> tuple[float, float]:
    lo = m.low if m.low is not None else float("-inf")
    hi = m.high if m.high is not None else float("inf")
    if m.qualifier == "exact" and m.value is not None:
        v = m.value
        slack = abs(v) * CONVERSION_SLACK if m.kind in ("measure", "duration") else 0.0
        raw = round(abs(v) / _unit_factor(m))  # round-number test in the written unit
        if raw >= 100 and raw % 10 == 0:
            step = 10 ** (len(str(raw)) - len(str(raw).rstrip("0")))
            slack = max(slack, min(step / 2 * _unit_factor(m), abs(v) * ROUND_NUMBER_BAND))
        lo, hi = min(lo, v - slack), max(hi, v + slack)
    return lo, hi


def _unit_factor(m: _Mention) -> float:
    if m.factor is None:
        m.factor = _dimension(m.kind, m.unit)[1] if m.kind in ("measure", "duration") else 1.0
    return m.factor


def _intersection(ms: Iterable[_Mention]) -> tuple[float, float]:
    bands = [_band(m) for m in ms]
    return max(b[0] for b in bands), min(b[1] for b in bands)


def _verdict(ms: list[_Mention]) -> tuple[str, float, float, float | None]:
    if len(ms) == 1:  # most facts: the general case below, shortened
        m = ms[0]
        lo, hi = _band(m)
        if lo <= hi:
            exact = m.value is not None and m.qualifier == "exact" and lo <= m.value <= hi
            return "single_source", lo, hi, m.value if exact else None
    lo, hi = _intersection(ms)
    sources = {m.source for m in ms}
    precise = sorted((m for m in ms if m.value is not None and m.qualifier == "exact"),
                     key=lambda m: _band(m)[1] - _band(m)[0])
    if lo <= hi:
        status = "consistent" if len(sources) > 1 else "single_source"
        best = next((m.value for m in precise if m.value is not None and lo <= m.value <= hi), None)
        return status, lo, hi, best
    # Disagreement: a revision when the reports, in publication order, only move one way and
    # the latest reports agree among themselves. Its interval and value are the latest.
    dated = [m for m in ms if m.published_at is not None]
    if len(dated) == len(ms) and len({m.published_at for m in dated}) > 1:
        dated.sort(key=lambda m: m.published_at)  # type: ignore[arg-type,return-value]
        latest_time = dated[-1].published_at
        latest = [m for m in dated if m.published_at == latest_time]
        llo, lhi = _intersection(latest)
        by_time: dict[Any, list[_Mention]] = defaultdict(list)
        for m in dated:
            by_time[m.published_at].append(m)
        steps = [_intersection(g) for _, g in sorted(by_time.items())]
        # A toll rises when its lower end never goes down ("20 killed", "at least 50", "59").
        rising = all(a[0] <= b[0] for a, b in pairwise(steps))
        falling = all(a[1] >= b[1] for a, b in pairwise(steps))
        if llo <= lhi and all(s[0] <= s[1] for s in steps) and (rising or falling):
            best = next((m.value for m in latest if m.value is not None), None)
            return "revised", llo, lhi, best
    # Conflict: no value satisfies every report. Store the span of the reports (ordered, so
    # analysts can filter on it); the disagreement itself is the status and the alert.
    bands = [_band(m) for m in ms]
    return "conflict", min(b[0] for b in bands), max(b[1] for b in bands), None


def _finite(x: float) -> float | None:
    return None if x in (float("inf"), float("-inf")) else x


def _most_common(items: Iterable[str | None]) -> str | None:
    """The most frequent item (the first seen among equals), or None."""
    counts: dict[str, int] = {}
    for i in items:
        if i:
            counts[i] = counts.get(i, 0) + 1
    return max(counts.items(), key=itemgetter(1))[0] if counts else None


@lru_cache(maxsize=65536)
def _written(unit: str | None) -> str:
    """The unit as written, without verbs and fillers ("hundreds more injured" -> "")."""
    return " ".join(w for w in (unit or "").split() if w.lower() not in PREDICATES and w.lower() not in STOPWORDS)


def _label(ms: list[_Mention]) -> str:
    """"Afghan troops fled into Tajikistan", "altitude in km", "time span in years"."""
    pred = _most_common(m.pred_word.lower() for m in ms if m.pred_word)
    unit = _most_common(m.unit for m in ms)
    kind = ms[0].kind
    if kind == "count":
        # The unit as written, without verbs and fillers ("hundreds more injured" -> dim).
        written = _most_common(_written(m.unit) for m in ms)
        what = written or ms[0].dim or "count"
        mods = _most_common(m.mod_words for m in ms)
        parts = [mods if mods and mods not in what else "", what, pred or "",
                 _most_common(m.place for m in ms) or ""]
    elif kind == "duration":
        parts = ["time span in", f"{unit or 'time'}s"]
    elif kind == "measure":
        parts = [_most_common(m.predicate for m in ms) or "measure", "in", unit or ms[0].dim or ""]
    else:  # money, percent
        parts = [pred or "amount", "in", ms[0].dim or kind]
    if ms[0].marker:
        parts.append(f"({ms[0].marker})")
    return " ".join(p for p in parts if p)


def facts(numbers: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per fact, and one row per (fact, number) link.

    Inputs: the numbers table; sentences (doc_id, sentence_no, char_start, text);
    documents (doc_id, story_id, outlet, published_at, duplicate_of). Only documents with a
    story take part. Every candidate mention (countable kind) belongs to exactly one fact;
    a mention no other matches is a single_source fact of its own.
    """
    # The mentions hold no reference cycles, and the cyclic collector's full passes over the
    # hundreds of thousands of frozensets they build up cost a fifth of the run: paused.
    with collector_paused():
        try:
            return _facts(numbers, sentences, documents)
        finally:
            # The cached sentences are this call's (the next chunk reads other stories): kept,
            # they outlived the pause as 8,192 objects with their word lists, and the collector
            # walked them all right after it (70 ms a chunk: 8% of the facts workers' time).
            _sentence.cache_clear()


def _facts(numbers: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    candidates = numbers.filter(pl.col("kind").is_in(COUNTABLE_KINDS))
    if candidates.is_empty():
        return schema.empty("facts"), schema.empty("fact_mentions")
    joined = (
        candidates.join(sentences.select("doc_id", "sentence_no", pl.col("char_start").alias("s_start"),
                                         pl.col("text").alias("s_text")), on=["doc_id", "sentence_no"])
        .join(documents.select("doc_id", "story_id", "published_at", "duplicate_of"), on="doc_id")
        .filter(pl.col("story_id").is_not_null())
        .sort("doc_id", "char_start")
        .with_columns(ts=pl.col("published_at").dt.epoch("us"))
    )
    by_story: dict[str, list[_Mention]] = defaultdict(list)
    prev: _Mention | None = None
    # Column lists, zipped: a row at a time as dicts costs more than reading the mentions.
    columns = [joined[c].to_list() for c in _MENTION_COLUMNS]
    for row in zip(*columns, strict=True):
        m = _mention(*row)
        if m is not None:
            if prev is not None and prev.sentence_key == m.sentence_key:
                m.prev_id = prev.number_id
            by_story[row[-1]].append(m)
            prev = m
    # The rows' columns, as lists (one frame built from them, not from a dict per row).
    fact_rows: dict[str, list[Any]] = {c: [] for c in _FACT_COLUMNS}
    fact_ids = fact_rows["fact_id"]
    number_ids: list[str] = []
    add = [fact_rows[c].append for c in _FACT_COLUMNS]
    for story_id, ms in by_story.items():
        for part in _story_facts(ms):
            key = (story_id, part[0].kind, part[0].dim, part[0].predicate, part[0].marker,
                   min(m.number_id for m in part))
            fact_id = f"{story_id}:{hashlib.sha256(repr(key).encode()).hexdigest()[:16]}"
            status, lo, hi, best = _verdict(part)
            # Report in the fact's most common written unit (mentions compare in base units).
            unit = _most_common(m.unit for m in part) if part[0].kind in ("measure", "duration") else None
            back = _dimension(part[0].kind, unit)[1] if unit else 1.0
            lo, hi, best = lo / back, hi / back, None if best is None else best / back
            row = (fact_id, story_id, _label(part), part[0].unit or part[0].dim, part[0].kind, len(part),
                   len({m.doc_id for m in part}), len({m.source for m in part}),
                   _finite(lo), _finite(hi), best, status)
            for append, value in zip(add, row, strict=True):
                append(value)
            number_ids.extend(m.number_id for m in part)
    if not fact_ids:
        return schema.empty("facts"), schema.empty("fact_mentions")
    links = {"fact_id": [f for f, n in zip(fact_ids, fact_rows["n_mentions"], strict=True) for _ in range(n)],
             "number_id": number_ids}
    return (schema.conform(pl.DataFrame(fact_rows), "facts"),
            schema.conform(pl.DataFrame(links), "fact_mentions"))


_FACT_COLUMNS = ("fact_id", "story_id", "label", "unit_group", "kind", "n_mentions", "n_documents", "n_sources",
                 "low", "high", "value", "status")


# What _mention reads of a joined row, in its argument order (story_id last).
_MENTION_COLUMNS = ("number_id", "doc_id", "sentence_no", "char_start", "char_end", "s_start", "s_text",
                    "value", "low", "high", "qualifier", "kind", "unit", "unit_group",
                    "published_at", "ts", "duplicate_of", "story_id")


def _mention(number_id: str, doc_id: str, sentence_no: int, char_start: int, char_end: int, s_start: int,
             sentence: str, value: float | None, low: float | None, high: float | None, qualifier: str,
             kind: str, unit: str | None, unit_group: str | None, published_at: datetime | None,
             ts: int | None, duplicate_of: str | None, _story_id: str) -> _Mention | None:
    start, end = char_start - s_start, char_end - s_start
    if not (0 <= start <= end <= len(sentence)):
        return None
    dim, factor = _dimension(kind, unit_group)
    if kind == "duration" and dim is None:
        return None
    s = _sentence(sentence)
    pred, pred_word, marker, mods, anchors, words, place, paren, mod_words = _parse(
        s, start, end, unit, kind, _when(published_at))
    return _Mention(
        number_id, doc_id, duplicate_of or doc_id, published_at,
        _scale(low, factor), _scale(high, factor), _scale(value, factor),
        qualifier, kind, dim, unit_group if kind in ("measure", "duration") else unit,
        pred, pred_word, marker, mods, anchors, words, place,
        sentence_key=(doc_id, sentence_no), paren=paren, names=s.names,
        mod_words=mod_words, head=_head(kind, unit, dim), ts=ts,
    )


def _parse(s: _Sentence, start: int, end: int, unit: str | None, kind: str,
           when: tuple[int, int] | None) -> tuple[Any, ...]:
    """What _mention reads in the sentence."""
    pred, pred_word, marker, mods, at = _read(s, start, end, unit, when, kind)
    anchors, words = _anchors_and_words(s, at, unit)
    place_m = _PLACE.search(s.text, end) if pred else None
    place = f"{place_m.group(1)} {place_m.group(2).strip()}" if place_m else None
    paren = s.text[max(0, start - 2):start].endswith("(")
    mod_words = _modifier_words(s, at, unit) if mods else None
    return pred, pred_word, marker, mods, anchors, words, place, paren, mod_words


def _similarity_key(m: _Mention) -> tuple[Any, ...]:
    """Every field _similar_apart reads (its time nearness aside): copies of one mention share it."""
    return (m.marker, m.predicate, m.anchors, m.words, m.kind, m.head, m.dim, m.qualifier,
            m.value, m.low, m.high, m.unit)


@lru_cache(maxsize=65536)
def _head(kind: str, unit: str | None, dim: str | None) -> str | None:
    """The counted thing: the last content word of the written unit, singular ("short-range
    missiles" -> "missile"); a unit that is only a predicate ("13 dead") counts its unit group.
    Measures use their dimension (km and miles compare in base units)."""
    if kind != "count":
        return dim
    words = [_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(unit or "")]
    words = [w for w in words if w not in PREDICATES and w not in STOPWORDS and w not in NON_UNITS]
    if not words:
        return dim
    w = words[-1]
    w = w[:-1] if w.endswith("s") and not w.endswith("ss") else w
    return UNIT_GROUP_EQUIVALENTS.get(w, w)


def _story_facts(ms: list[_Mention]) -> list[list[_Mention]]:
    """Partition one story's mentions into facts."""
    # Similarity keys pay off in large stories of syndicated copies (see _link_by_context);
    # elsewhere every mention keeps its own key, which is as correct, and cheaper.
    keys: dict[tuple[Any, ...], int] = {}
    for i, m in enumerate(ms):
        m.key = keys.setdefault(_similarity_key(m), len(keys)) if len(ms) >= _KEYED_STORY else i
    n_docs = len({m.doc_id for m in ms})
    df: Counter[str] = Counter()
    for doc_anchors in _by_doc_terms(ms).values():
        df.update(doc_anchors)
    least = max(2.0, _UBIQUITOUS_SHARE * n_docs)
    common = {a for a, n in df.items() if n >= least}
    blocks: dict[tuple[Any, ...], list[_Mention]] = defaultdict(list)
    for m in ms:
        blocks[(m.kind, m.marker)].append(m)
    out: list[list[_Mention]] = []
    for block in blocks.values():
        for by_dim in _split_by_dimension(block):
            for part in _split_by_subject(by_dim):
                for g in _link_part(part, common):
                    out.extend(_settle(g, common))
    return _join_background(out, common)


def _one_value(ms: list[_Mention]) -> float | None:
    """The exact value every mention of a fact gives, if they all give the same one."""
    values = {m.value for m in ms if m.qualifier == "exact"}
    return values.pop() if len(values) == 1 and all(m.qualifier == "exact" for m in ms) else None


def _join_background(parts: list[list[_Mention]], common: set[str]) -> list[list[_Mention]]:
    """A background item without a date ("Florida club: 49 killed", a factbox line) joins the
    dated background report of the same earlier event ("in Orlando ... last year ... kills 49
    people"): same kind, dimension, event predicate and exact value (>= 10), one source, and
    the match is unique both ways (ties broken by a shared uncommon proper noun)."""
    def key(ms: list[_Mention]) -> tuple[Any, ...] | None:
        v = _one_value(ms)
        p = ms[0].predicate
        if v is None or abs(v) < _SPECIFIC_VALUE or p not in EVENT_PREDICATES or len({m.predicate for m in ms}) > 1:
            return None
        return (ms[0].kind, ms[0].dim, p, v)

    keys = [key(ms) for ms in parts]
    dated = [i for i, ms in enumerate(parts)
             if keys[i] is not None and ms[0].marker and ms[0].marker not in PHRASE_MARKERS]
    loose = [i for i, ms in enumerate(parts)
             if keys[i] is not None and ms[0].marker is None and len({m.source for m in ms}) == 1]

    def names(i: int) -> set[str]:
        return set().union(*(m.anchors for m in parts[i])) - common

    def pick(i: int, pool: list[int]) -> int | None:
        hits = [j for j in pool if keys[j] == keys[i]]
        if len(hits) > 1:
            hits = [j for j in hits if names(i) & names(j)]
        return hits[0] if len(hits) == 1 else None

    merged: dict[int, int] = {}
    for i in loose:
        j = pick(i, dated)
        if j is not None and pick(j, loose) == i:
            merged[i] = j
    if not merged:
        return parts
    out = [list(ms) for ms in parts]
    for i, j in merged.items():
        out[j].extend(parts[i])  # the dated part first: its marker names the fact
    return [ms for i, ms in enumerate(out) if i not in merged]


def _link_part(part: list[_Mention], common: set[str]) -> list[list[_Mention]]:
    """Mentions with a predicate link within their predicate class; a group of mentions
    without one joins the single predicate group it is similar to (else stays apart)."""
    by_pred: dict[str, list[_Mention]] = defaultdict(list)
    loose: list[_Mention] = []
    for m in part:
        if m.predicate:
            by_pred[m.predicate].append(m)
        else:
            loose.append(m)
    comps = [c for group in by_pred.values() for c in _link_by_context(group, common)]
    if not loose:
        return comps
    if not _repetitive(part):
        for comp in _link_by_context(loose, common):
            hits: list[list[_Mention]] = []
            for c in comps:
                if _any_similar(comp, c, common):
                    hits.append(c)
                    if len(hits) > 1:
                        break  # not the single group it is similar to
            if len(hits) == 1:
                hits[0].extend(comp)
            else:
                comps.append(comp)
        return comps
    contacts = _Contacts(part, common)
    indexes = [contacts.index(c) for c in comps]
    # Which groups hold a key or a sentence: touch needs a shared sentence or a reached key.
    by_key: dict[int, set[int]] = defaultdict(set)
    by_sentence: dict[tuple[str, int], set[int]] = defaultdict(set)

    def register(i: int, ms: list[_Mention]) -> None:
        for m in ms:
            by_key[m.key].add(i)
            by_sentence[m.sentence_key].add(i)

    for i, c in enumerate(comps):
        register(i, c)
    for comp in _link_by_context(loose, common):
        own = contacts.index(comp)
        near = set().union(*(by_key[k] for k in own.reach if k in by_key),
                           *(by_sentence[k] for k in own.by_sentence if k in by_sentence))
        touched = [i for i in sorted(near) if contacts.touch(own, indexes[i])]
        if len(touched) == 1:
            comps[touched[0]].extend(comp)
            contacts.add(comp, indexes[touched[0]])
            register(touched[0], comp)
        else:
            comps.append(comp)
            indexes.append(own)
            register(len(indexes) - 1, comp)
    return comps


def _any_similar(xs: list[_Mention], ys: list[_Mention], common: set[str]) -> bool:
    """Some x is _similar (not by predicate) to some y."""
    for x in xs:
        for y in ys:
            if _similar(x, y, common, False):
                return True
    return False


def _by_doc_terms(ms: list[_Mention]) -> dict[str, set[str]]:
    """Proper nouns (as written) and context words (lower case) of each document's mentions."""
    per_doc: dict[str, set[str]] = defaultdict(set)
    for m in ms:
        terms = per_doc[m.doc_id]
        terms |= m.names
        terms |= m.words
    return per_doc


def _split_by_dimension(ms: list[_Mention]) -> list[list[_Mention]]:
    """Same dimension together; count mentions without a unit group join the largest group."""
    by_dim: dict[str | None, list[_Mention]] = defaultdict(list)
    for m in ms:
        by_dim[m.dim].append(m)
    plain = by_dim.pop(None, [])
    if not by_dim:
        return [plain] if plain else []
    parts = sorted(by_dim.values(), key=len, reverse=True)
    if plain and parts[0][0].kind == "count":
        parts[0] = parts[0] + plain
    elif plain:
        parts.append(plain)
    return parts


def _split_by_subject(ms: list[_Mention]) -> list[list[_Mention]]:
    """Mentions whose subject modifiers clash (Afghan vs US troops) are different facts;
    mentions without a modifier join the largest group."""
    by_mod: dict[frozenset[str], list[_Mention]] = defaultdict(list)
    for m in ms:
        by_mod[m.modifiers].append(m)
    plain = by_mod.pop(frozenset(), [])
    if not by_mod:
        return [plain]
    parts = sorted(by_mod.values(), key=len, reverse=True)
    parts[0] = parts[0] + plain
    return parts


def _overlap(a: _Mention, b: _Mention) -> bool:
    x, y = _band(a), _band(b)
    return x[0] <= y[1] and y[0] <= x[1]


def _rep(m: _Mention) -> float | None:
    """The number as written: the value, or the bound of "more than 11 million"."""
    if m.value is not None:
        return m.value
    if m.low is not None and m.high is None:
        return m.low
    if m.high is not None and m.low is None:
        return m.high
    return None


def _same_value(a: _Mention, b: _Mention) -> bool:
    """The same specific value (>= 10, within 2%), or the same bound, in one dimension."""
    if a.dim is None or b.dim is None:
        return False
    if a.qualifier in _POINT_QUALIFIERS and b.qualifier in _POINT_QUALIFIERS:
        if a.value is None or b.value is None:
            return False
        top = max(abs(a.value), abs(b.value))
        return top >= _SPECIFIC_VALUE and abs(a.value - b.value) <= _SAME_VALUE_SHARE * top
    bound = (a.low or a.high or 0.0)
    return (a.qualifier == b.qualifier and (a.low, a.high) == (b.low, b.high)
            and abs(bound) >= _SPECIFIC_VALUE)


def _same_thing_same_number(a: _Mention, b: _Mention, near_in_time: bool) -> bool:
    """The same counted thing with the same number as written: "three short-range missiles"
    and "three missiles", "at least eight current or former leaders" twice, "more than 11
    million documents" and "11.5 million documents" (a value inside a bound within 5% of it).
    Reports weeks apart link only on the same specific number (>= 10) written the same way:
    small numbers and near values recur across the events of a long story."""
    if a.head is None or a.head != b.head or a.dim is None:
        return False
    x, y = _rep(a), _rep(b)
    if x is None or y is None:
        return False
    top = max(abs(x), abs(y)) / _unit_factor(a)  # as written: "four days" is small
    if x == y and (a.qualifier == b.qualifier or {a.qualifier, b.qualifier} <= set(_POINT_QUALIFIERS)):
        if top >= _SPECIFIC_VALUE:
            return True
        # "two runs", "three games" recur in a story: a small number also needs a shared word.
        return near_in_time and bool(a.words & b.words)
    if not near_in_time or top < _SPECIFIC_VALUE or abs(x - y) > _NEAR_VALUE_SHARE * top:
        return False
    return _overlap(a, b)  # within rounding: "11 million" and "11.5 million", "more than 100" and "104"


def _far_apart(a: _Mention, b: _Mention) -> bool:
    x, y = _rep(a), _rep(b)
    if x is None or y is None or x * y <= 0:
        return False
    return max(abs(x), abs(y)) > _MAX_RATIO * min(abs(x), abs(y))


def _similar(a: _Mention, b: _Mention, common: set[str], by_predicate: bool = True,
             by_value: bool = True) -> bool:
    """Evidence that two mentions of one block report the same quantity."""
    if a.sentence_key == b.sentence_key:
        return _converts(a, b)
    ta, tb = a.ts, b.ts
    near = ta is None or tb is None or abs(ta - tb) <= _WINDOW_US
    return _similar_apart(a, b, common, by_predicate, by_value, near)


def _converts(a: _Mention, b: _Mention) -> bool:
    """Two values in one sentence are two quantities, unless one converts the other."""
    return (a.paren and a.prev_id == b.number_id) or (b.paren and b.prev_id == a.number_id)


def _near(a: _Mention, b: _Mention) -> bool:
    ta, tb = a.ts, b.ts
    return ta is None or tb is None or abs(ta - tb) <= _WINDOW_US


def _similar_apart(a: _Mention, b: _Mention, common: set[str], by_predicate: bool, by_value: bool,
                   near_in_time: bool) -> bool:
    """_similar for mentions of different sentences. Reads only the fields in _similarity_key
    (and near_in_time), so mentions with equal keys compare alike."""
    if by_predicate and a.marker is None and a.predicate in EVENT_PREDICATES and a.predicate == b.predicate:
        return True  # the story's event verb (fled, killed, ...) is evidence enough
    if a.words.isdisjoint(b.words) and a.anchors.isdisjoint(b.anchors):
        # The usual case, decided without building sets: no shared word or proper noun, so
        # only the value rules below can link (in the same order).
        if not by_value or (a.kind == "count" and not a.anchors <= common and not b.anchors <= common):
            return False
        if (a.head is not None and a.head == b.head and (a.marker is None or a.marker in PHRASE_MARKERS)
                and _same_thing_same_number(a, b, near_in_time)):
            return True
        if not near_in_time or (a.kind in _SCALE_KINDS and _far_apart(a, b)):
            return False
        return a.marker is None and b.marker is None and _same_value(a, b)
    # Equal counts naming different uncommon proper nouns ("Fort Hood: 13 dead", "New York: 13
    # dead") are different quantities.
    own_a, own_b = a.anchors - common, b.anchors - common
    shared_own = own_a & own_b
    by_value = by_value and not (a.kind == "count" and own_a and own_b and not shared_own)
    # (_same_thing_same_number needs the same counted thing: tested first, it is the cheap part.)
    if (by_value and a.head is not None and a.head == b.head and (a.marker is None or a.marker in PHRASE_MARKERS)
            and _same_thing_same_number(a, b, near_in_time)):
        return True  # also weeks apart: a later article restating the figure
    if not near_in_time:
        return False  # weeks apart: another launch, another year's figure
    if a.kind in _SCALE_KINDS and _far_apart(a, b):
        return False  # "$488" and "below $6,000": reports round, they do not differ tenfold
    if by_value and a.marker is None and b.marker is None and _same_value(a, b):
        return True  # "27 engines" and "27 engines", "2,300 miles" and "3,700 km"
    if shared_own:
        return True
    shared = a.words & b.words
    union = a.words | b.words
    if union and len(shared) / len(union) >= _MIN_JACCARD:
        return True
    # Agreeing values need less: some shared uncommon context words.
    return len(shared - common) >= _MIN_SHARED_WORDS and _overlap(a, b)


def _link_by_context(ms: list[_Mention], common: set[str], by_predicate: bool = True,
                     by_value: bool = True, memo: dict[int, bool] | None = None) -> list[list[_Mention]]:
    """Connected components of the 'similar context' relation.

    Syndicated copies repeat a mention with one similarity key, and _similar_apart reads
    only that key and nearness in time: the relation is evaluated once per pair of keys,
    not per pair of mentions (a story of a thousand copies would be quadratic in them).
    memo: those evaluations (for these flags and common), kept by a caller that links
    subsets of one group again (_settle)."""
    parent = list(range(len(ms)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if not _repetitive(ms):
        for i in range(len(ms)):
            root = find(i)
            for j in range(i + 1, len(ms)):
                other = find(j)
                if root != other and _similar(ms[i], ms[j], common, by_predicate, by_value):
                    parent[root] = other
                    root = other
        return _components(ms, find)

    merges = [0]  # unions made so far: whether a group lies in one component changes only with one

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            merges[0] += 1

    by_sentence: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_key: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(ms):
        by_sentence[m.sentence_key].append(i)
        by_key[m.key].append(i)
    for idx in by_sentence.values():
        for x, i in enumerate(idx):
            for j in idx[x + 1:]:
                if _converts(ms[i], ms[j]):
                    union(i, j)
    groups = list(by_key.values())  # ordered by first mention
    known: dict[int, bool] = {} if memo is None else memo
    keys = list(by_key)  # a group's similarity key (less than the story's mention count)

    def sim(c: int, d: int, near: bool) -> bool:
        """A mention of group c similar to a later one of group d, in another sentence."""
        k = (keys[c] << 32 | keys[d]) << 1 | near  # the two keys and near, as one int
        r = known.get(k)
        if r is None:
            r = known[k] = _similar_apart(ms[groups[c][0]], ms[groups[d][0]], common, by_predicate, by_value, near)
        return r

    spans = [_span(ms[i] for i in g) for g in groups]
    timelines: dict[int, _Timeline] = {}

    def timeline(c: int) -> _Timeline:
        found = timelines.get(c)
        if found is None:
            found = timelines[c] = _timeline(ms, groups[c])
        return found

    candidates = _candidates([ms[g[0]] for g in groups], common, by_predicate, by_value)
    whole = [len(g) == 1 for g in groups]  # known to lie in one component
    tested = [-1] * len(groups)  # merges when whole[c] was last tested

    def is_whole(c: int) -> bool:
        """Group c lies in one component (then a pair of such groups in one is linked already)."""
        if not whole[c] and tested[c] != merges[0]:
            tested[c] = merges[0]
            g = groups[c]
            root = find(g[0])
            whole[c] = all(find(i) == root for i in g)
        return whole[c]
    for c, g in enumerate(groups):
        if len(g) > 1 and sim(c, c, True):
            if _within(spans[c], spans[c]) or sim(c, c, False):
                if len({ms[i].sentence_key for i in g}) > 1:  # every pair of sentences links
                    for i in g[1:]:
                        union(g[0], i)
                    whole[c] = True
            else:
                _join_near(ms, g, g, union, timeline(c), timeline(c))
        for d in sorted(x for x in candidates[c] if x > c):
            h = groups[d]
            if is_whole(c) and is_whole(d):
                if find(g[0]) == find(h[0]):
                    continue
                if len(g) == 1 and len(h) == 1:
                    i, j = g[0], h[0]
                    if (ms[i].sentence_key != ms[j].sentence_key
                            and _similar_apart(ms[i], ms[j], common, by_predicate, by_value, _near(ms[i], ms[j]))):
                        union(i, j)
                    continue
            fwd, bwd = sim(c, d, True), sim(d, c, True)
            if not (fwd or bwd):
                continue
            if fwd and bwd:
                if _within(spans[c], spans[d]) or (sim(c, d, False) and sim(d, c, False)):
                    _join_apart(ms, g, h, union)
                    continue
                if not sim(c, d, False) and not sim(d, c, False):
                    _join_near(ms, g, h, union, timeline(c), timeline(d))
                    continue
            for i in g:
                for j in h:
                    if ms[i].sentence_key != ms[j].sentence_key and find(i) != find(j):
                        near = _near(ms[i], ms[j])
                        if sim(c, d, near) if i < j else sim(d, c, near):
                            union(i, j)
    return _components(ms, find)


def _components(ms: list[_Mention], find: Any) -> list[list[_Mention]]:
    """Mentions by their component's root, in order of first mention."""
    comps: dict[int, list[_Mention]] = defaultdict(list)
    for i, m in enumerate(ms):
        comps[find(i)].append(m)
    return list(comps.values())


def _repetitive(ms: list[_Mention]) -> bool:
    """Whether mentions repeat similarity keys enough (syndicated copies) to compare by key;
    else comparing mentions pairwise is cheaper. Either way gives the same result."""
    return len(ms) >= 8 and 2 * len({m.key for m in ms}) <= len(ms)


def _candidates(ms: list[_Mention], common: set[str], by_predicate: bool, by_value: bool) -> list[set[int]]:
    """For each mention, the others _similar_apart may find similar to it (either way round).

    Every rule there needs a shared term or close values: the event verb; an uncommon proper
    noun; the counted thing (for counts, with numbers within 6%); a written bound; values
    within 6%; context words with Jaccard >= 0.2, which share one of the rarest
    len - ceil(0.19 len) + 1 words of each; two shared uncommon words, which share one of the
    rarest len - 1 uncommon words of each (prefix filtering: the rarest shared word is there)."""
    frequency = Counter(w for m in ms for w in m.words)
    postings: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    terms_of: list[list[tuple[Any, ...]]] = []
    finite: dict[Any, list[tuple[float, int, float]]] = defaultdict(list)
    everywhere: dict[Any, list[int]] = defaultdict(list)  # infinite values, or unbounded windows

    def number(scale: Any, v: float | None, c: int, share: float) -> None:
        """v, within share of v (or share of the larger, within share / (1 - share) of v)."""
        if v is not None and not math.isnan(v):
            if math.isfinite(v) and share < 0.5:
                finite[scale].append((v, c, 1.1 * share / (1 - share)))
            else:
                everywhere[scale].append(c)

    for c, m in enumerate(ms):
        words = sorted(m.words, key=lambda w: (frequency[w], w))
        own = [w for w in words if w not in common]
        terms: list[tuple[Any, ...]] = [("w", w) for w in words[:len(words) - max(1, math.ceil(0.19 * len(words))) + 1]]
        terms.extend(("w", w) for w in own[:len(own) - 1])
        terms.extend(("a", a) for a in m.anchors - common)
        if by_predicate and m.predicate in EVENT_PREDICATES:
            terms.append(("p", m.predicate))
        if by_value and m.head is not None:  # as written: the share is of the written value
            factor = _unit_factor(m)
            number(("h", m.head), _rep(m), c, _NEAR_VALUE_SHARE / factor if factor > 0 else math.inf)
        if by_value and m.marker is None and m.dim is not None:
            if m.qualifier not in _POINT_QUALIFIERS:
                terms.append(("b", m.qualifier, m.low, m.high))
            else:
                number("v", m.value, c, _SAME_VALUE_SHARE)
        for t in terms:
            postings[t].append(c)
        terms_of.append(terms)
    out: list[set[int]] = []
    for terms in terms_of:
        found: set[int] = set()
        for t in terms:
            found.update(postings[t])
        out.append(found)
    for scale in finite.keys() | everywhere.keys():
        points = sorted(finite.get(scale, ()))
        values = [v for v, _, _ in points]
        for v, c, share in points:
            lo, hi = bisect_left(values, v - share * abs(v)), bisect_right(values, v + share * abs(v))
            for _, d, _ in points[lo:hi]:
                out[c].add(d)
                out[d].add(c)
        wild = everywhere.get(scale, [])
        for c in wild:
            out[c].update(d for _, d, _ in points)
            out[c].update(wild)
            for _, d, _ in points:
                out[d].add(c)
    return out


def _span(ms: Iterable[_Mention]) -> tuple[int, int] | None:
    """The earliest and latest publication time (ts) of mentions (None: none dated)."""
    times = [m.ts for m in ms if m.ts is not None]
    return (min(times), max(times)) if times else None


def _within(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Every mention of span a is near in time (see _near) to every mention of span b."""
    if a is None or b is None:
        return True
    return max(a[1], b[1]) - min(a[0], b[0]) <= _WINDOW_US


def _join_apart(ms: list[_Mention], g: list[int], h: list[int], union: Any) -> None:
    """Join the components that linking every pair (g, h) of different sentences joins, in
    linear time: each mention joins the one or two representatives of the other side (of two
    sentences) not in its own sentence; that connects whatever the full pairing connects."""
    for xs, reps in ((g, _two_sentences(ms, h)), (h, _two_sentences(ms, g))):
        for i in xs:
            for r in reps:
                if ms[i].sentence_key != ms[r].sentence_key:
                    union(i, r)


_Timeline = tuple[list[int], list[int], list[int]]


def _timeline(ms: list[_Mention], idx: list[int]) -> _Timeline:
    """A group's undated mentions, its dated ones by publication time, and their times."""
    undated = [i for i in idx if ms[i].ts is None]
    dated = sorted((j for j in idx if ms[j].ts is not None), key=lambda j: ms[j].ts)  # type: ignore[arg-type,return-value]
    times = [t for j in dated if (t := ms[j].ts) is not None]
    return undated, dated, times


def _join_near(ms: list[_Mention], g: list[int], h: list[int], union: Any, tg: _Timeline, th: _Timeline) -> None:
    """Join the components that linking every pair (g, h) of different sentences near in time
    (see _near) joins: each dated mention of g joins the run of h within the window, walking
    only links not made before (a sentence's mentions share a time, so its own are skipped).
    tg, th: the _timeline of g and h."""
    undated_g = tg[0]
    undated_h, dated, times = th
    if undated_h:
        _join_apart(ms, g, undated_h, union)
    if undated_g:
        _join_apart(ms, undated_g, h, union)
    joined = list(range(len(dated)))  # joined[k] > k: dated[k] and dated[k + 1] already joined

    def run_end(k: int) -> int:
        end = k
        while joined[end] != end:
            end = joined[end]
        while joined[k] != end and k != end:
            joined[k], k = end, joined[k]
        return end

    for i in g:
        t = ms[i].ts
        if t is None:
            continue
        k, hi = bisect_left(times, t - _WINDOW_US), bisect_right(times, t + _WINDOW_US)
        sentence = ms[i].sentence_key
        while k < hi:
            if ms[dated[k]].sentence_key == sentence:
                k += 1
                continue
            union(i, dated[k])
            end = run_end(k)
            k = end + 1
            if k < hi and ms[dated[k]].sentence_key != sentence:
                joined[end] = k  # both join i (next turn)


def _two_sentences(ms: list[_Mention], idx: list[int]) -> list[int]:
    """The first mention, and the first one of another sentence if any."""
    first = ms[idx[0]].sentence_key
    other = next((i for i in idx if ms[i].sentence_key != first), None)
    return [idx[0]] if other is None else [idx[0], other]


class _Contacts:
    """Whether some mention of one group is _similar (not by predicate) to some mention of
    another, evaluated per pair of similarity keys (see _link_by_context)."""

    def __init__(self, part: list[_Mention], common: set[str]) -> None:
        self.common = common
        self.rep: dict[int, _Mention] = {}
        for m in part:
            self.rep.setdefault(m.key, m)
        self.keys = list(self.rep)
        self.position = {k: i for i, k in enumerate(self.keys)}
        self.candidates = _candidates(list(self.rep.values()), common, False, True)
        self.near: dict[int, set[int]] = {}  # keys a key is similar to when near in time
        self.far: dict[tuple[int, int], bool] = {}

    def _near_keys(self, c: int) -> set[int]:
        found = self.near.get(c)
        if found is None:
            a = self.rep[c]
            found = self.near[c] = {d for d in (self.keys[j] for j in self.candidates[self.position[c]])
                                    if _similar_apart(a, self.rep[d], self.common, False, True, True)}
        return found

    def index(self, ms: list[_Mention]) -> _Index:
        index = _Index()
        self.add(ms, index)
        return index

    def add(self, ms: list[_Mention], index: _Index) -> None:
        for m in ms:
            if m.key not in index.by_key:
                index.reach |= self._near_keys(m.key)
            index.append(m)

    def touch(self, xs: _Index, ys: _Index) -> bool:
        # Set operations on key views walk the smaller side (a set and a dict walk the dict).
        if not xs.by_sentence.keys().isdisjoint(ys.by_sentence.keys()):
            for k in xs.by_sentence.keys() & ys.by_sentence.keys():
                if any(_converts(x, y) for x in xs.by_sentence[k] for y in ys.by_sentence[k]):
                    return True
        if ys.by_key.keys().isdisjoint(xs.reach):
            return False
        for c, gx in xs.by_key.items():
            for d in ys.by_key.keys() & self._near_keys(c):
                gy = ys.by_key[d]
                if self._far(c, d):
                    first = gx[0].sentence_key
                    if any(m.sentence_key != first for m in gx) or any(m.sentence_key != first for m in gy):
                        return True
                elif _close_in_time(gx, xs.times(c), ys.times(d)):
                    return True
        return False

    def _far(self, c: int, d: int) -> bool:
        """Key c similar to key d also when their mentions are far apart in time."""
        found = self.far.get((c, d))
        if found is None:
            found = self.far[(c, d)] = _similar_apart(self.rep[c], self.rep[d], self.common, False, True, False)
        return found


_Times = tuple[list[int], int, Counter[tuple[str, int]]]


def _times(ys: list[_Mention]) -> _Times:
    """Mentions' sorted publication times, how many are undated, and how many per sentence."""
    times = sorted(y.ts for y in ys if y.ts is not None)
    return times, len(ys) - len(times), Counter(y.sentence_key for y in ys)


def _close_in_time(xs: list[_Mention], xt: _Times, ys: _Times) -> bool:
    """Some x and some y (see _times; xt: the _times of xs) of different sentences are near in
    time (see _near). A sentence's mentions share their document's time, so they are the near
    ones to discount."""
    times, undated, per_sentence = ys
    x_times, x_undated, _ = xt
    if not (undated or x_undated) and (x_times[0] > times[-1] + _WINDOW_US or x_times[-1] < times[0] - _WINDOW_US):
        return False  # every x further than the window from every y
    for x in xs:
        t = x.ts
        near = len(times) + undated if t is None else (
            undated + bisect_right(times, t + _WINDOW_US) - bisect_left(times, t - _WINDOW_US))
        if near > per_sentence[x.sentence_key]:
            return True
    return False


class _Index:
    """A group's mentions by similarity key and by sentence, and the keys they are similar to."""

    def __init__(self) -> None:
        self.by_key: dict[int, list[_Mention]] = defaultdict(list)
        self.by_sentence: dict[tuple[str, int], list[_Mention]] = defaultdict(list)
        self.reach: set[int] = set()
        self._times: dict[int, _Times] = {}

    def append(self, m: _Mention) -> None:
        self.by_key[m.key].append(m)
        self.by_sentence[m.sentence_key].append(m)
        self._times.pop(m.key, None)

    def times(self, key: int) -> _Times:
        found = self._times.get(key)
        if found is None:
            found = self._times[key] = _times(self.by_key[key])
        return found


def _agrees(ms: list[_Mention]) -> bool:
    return _verdict(ms)[0] in ("consistent", "single_source")


def _consensus(ms: list[_Mention]) -> list[_Mention]:
    """The largest set of mentions whose intervals share one value (a sweep over the ends)."""
    events = sorted([(_band(m)[0], 0, i) for i, m in enumerate(ms)] + [(_band(m)[1], 1, i) for i, m in enumerate(ms)])
    open_now: set[int] = set()
    best: set[int] = set()
    for _, end, i in events:
        if end:
            open_now.discard(i)
        else:
            open_now.add(i)
            if len(open_now) > len(best):
                best = set(open_now)
    return [m for i, m in enumerate(ms) if i in best]


def _foreign(m: _Mention, core: list[_Mention], common: set[str]) -> bool:
    """An outlier only weakly tied to the consensus, so its disagreement is no conflict: a
    bare number; one naming an uncommon proper noun no consensus mention names (another
    place or event); one from a document that also gives a consensus value; for the story's
    event verb, one sharing no context word at all with the consensus; for another predicate,
    one sharing neither an uncommon proper noun nor two uncommon words with a consensus
    mention; without a predicate, one not sharing both."""
    if m.dim is None:
        return True  # "Paddock, 64,", "1 of 30": may support a fact, never contradict it
    core_anchors = set().union(*(c.anchors for c in core))
    if (m.anchors - common) - core_anchors:
        return True
    times = [c.ts for c in core if c.ts is not None]
    if m.ts is not None and times and min(abs(m.ts - t) for t in times) > _WINDOW_US:
        return True  # weeks apart: another event of a long story, or a background figure
    if any(c.doc_id == m.doc_id for c in core):
        return True  # one article giving two values: two quantities (or an update), not a conflict
    small = (_rep(m) or 0.0) / _unit_factor(m)
    if m.predicate not in EVENT_PREDICATES and abs(small) < _SPECIFIC_VALUE:
        return True  # "two runs", "five seasons": small numbers without the event verb recur
    if m.predicate not in EVENT_PREDICATES and all(_far_apart(m, c) for c in core):
        return True  # "140,000 lb" payload and "5 million pounds" thrust: another quantity
    if m.predicate in EVENT_PREDICATES:
        return not any((m.words & c.words) or (m.anchors & c.anchors) for c in core)
    shares_anchor = bool((m.anchors - common) & core_anchors)
    shares_words = any(len((m.words - common) & c.words) >= _MIN_SHARED_WORDS for c in core)
    return not (shares_anchor and shares_words)


def _settle(group: list[_Mention], common: set[str]) -> list[list[_Mention]]:
    """Before a conflict or revision is called, split off the outliers that disagree with the
    consensus and are only weakly tied to it: a false conflict becomes a false alert."""
    if len(group) < 2 or _agrees(group):
        return [group]
    core = _consensus(group)
    kept = list(core)
    alone: list[_Mention] = []
    in_core = {id(c) for c in core}
    for m in group:
        if id(m) in in_core:
            continue
        (alone if _foreign(m, core, common) else kept).append(m)
    # Split-off outliers that share context (not just the verb) stay together, when they agree.
    # The outliers are linked again in ever smaller subsets: one memo of the pairs of keys.
    memo: dict[int, bool] = {}
    rest = [g for part in _link_by_context(alone, common, by_predicate=False, memo=memo)
            for g in _settle_alone(part, common, memo)]
    return [kept, *rest]


def _settle_alone(part: list[_Mention], common: set[str], memo: dict[int, bool]) -> list[list[_Mention]]:
    """Split-off outliers never make a conflict: their largest agreeing set stays together,
    the rest is settled again."""
    if len(part) < 2 or _agrees(part):
        return [part]
    core = _consensus(part)
    if len(core) < 2:
        return [[m] for m in part]
    in_core = {id(c) for c in core}
    rest = [m for m in part if id(m) not in in_core]
    return [core, *(g for sub in _link_by_context(rest, common, by_predicate=False, memo=memo)
                    for g in _settle_alone(sub, common, memo))]
