"""Direct quotes and their speakers.

Interface:
- ``find_quotes(text, sentence_spans) -> list[Quote]``: quotes in one document's text;
  ``sentence_spans`` are the (start, end) of its sentences in order; offsets into ``text``.
- ``quotes(documents, sentences) -> pl.DataFrame``: documents has doc_id, text; sentences
  is the sentences table; output conforms to ``schema.TABLES["quotes"]`` with
  quote_group_id null.
- ``quote_groups(quotes) -> pl.DataFrame``: the same frame with quote_group_id set, linking
  the same statement across documents; ``quote_group_ids(quotes)`` gives quote_id and
  quote_group_id only, and lets the texts go once they are read.

Choices (documented for the data dictionary):
- Quotes never cross a line break. A quote continued in the next paragraph (the opening
  mark repeated, no closing mark) is one row per paragraph, all with the same speaker.
- Single marks (‘…’ and '…') count only when an opening mark at a word start pairs with a
  closing mark at a word end in the same paragraph, outside any double-quoted span; "’"
  inside or at the end of a word without an opener is an apostrophe.
- Every quote with at least one letter is kept, one-word scare quotes included; a quote is
  partial when it does not stand as its own utterance (it is preceded, in its sentence, by
  words of the writer's other than an attribution ending in ":" or ","). Consumers who want
  statements only filter on ``is_partial``.
- Speaker is a person's name when one is found, else the organisation or official as
  written. Pronouns (he/she) take the last person quoted (or named) before; it/they and
  written-statement nouns ("said the statement") take the last organisation quoted; a short
  "the committee" takes the most recent fuller mention with the same head noun earlier in the
  text ("Tajikistan's national security committee"); "the adviser to ..." takes the last
  person introduced with that role; a surname alone takes the full name seen in the document
  when only one full name ends with it. Descriptions (titles, appositives) go to
  speaker_description.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from transforms import schema
from transforms.blocks import (
    blocks,
    components,
    distinct,
    ragged,
    run_blocks,
    run_counts,
    value_blocks,
)
from transforms.lexicon import quotes_words as W
from transforms.lexicon.speech_verbs import SOURCE_PHRASES, VERB_ADVERBS, verb_forms


class Quote(NamedTuple):
    start: int
    end: int
    text: str
    sentence_no: int
    speaker: str | None
    speaker_description: str | None
    is_partial: bool


# --------------------------------------------------------------------------------------
# Regular expressions built from the lexicon tables
# --------------------------------------------------------------------------------------

_VERB_FORMS = verb_forms()
_TELL_FORMS = frozenset(f for f in _VERB_FORMS if f.startswith(("told", "tell")))
_DOUBLE_MARKS = W.DOUBLE_OPEN + W.DOUBLE_CLOSE + W.DOUBLE_EITHER
_SINGLE_MARKS = "[" + re.escape(W.SINGLE_OPEN + W.SINGLE_EITHER) + "]"
# Tried at each single mark (found by ``_positions``): the character before it, the letter after.
_SINGLE_OPENER_RE = re.compile(
    _SINGLE_MARKS + "(?<=[" + re.escape(W.OPENING_CONTEXT) + "]" + _SINGLE_MARKS + r")(?=[^\W\d_])"
)
_SINGLE_OPENER_AT_START_RE = re.compile(_SINGLE_MARKS + r"(?=[^\W\d_])")
# Two or more capitalised words separated by single spaces (particles allowed): name runs.
_NAME_WORD = r"(?:(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Lt|Col|Sen|Rep|Gov|Prof)\.|[A-Z][\w'’-]*)"
_NAME_RUN_RE = re.compile(
    r"(?<![\w'’.-])" + _NAME_WORD + r"(?:[ ](?:(?:"
    + "|".join(sorted(W.NAME_PARTICLES - {"al-"}))
    + r")[ ])?" + _NAME_WORD + r")+"
)
_ALPHA_WORD_RE = re.compile(r"(?<![\w'’-])[A-Za-z]+(?![\w'’-])")
_ADVERB_SET = frozenset(VERB_ADVERBS)
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# The next word after only whitespace, as ``_ALPHA_WORD_RE`` would find it.
_NEXT_WORD_RE = re.compile(r"\s*([A-Za-z]+)(?![\w'’-])")


def _first_word_index(phrases: Sequence[str]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for p in sorted(phrases, key=lambda p: -len(p.split())):
        words = tuple(p.split())
        index[words[0]].append(words)
    return dict(index)


_VERB_FIRST = _first_word_index(_VERB_FORMS)
_SOURCE_FIRST = _first_word_index(SOURCE_PHRASES)
_VERB_FIRST.update({k: v for k, v in _SOURCE_FIRST.items() if k not in _VERB_FIRST})
_SOURCE_SET = frozenset(SOURCE_PHRASES)


def _phrase_table(
    index: dict[str, list[tuple[str, ...]]],
) -> dict[str, list[tuple[tuple[str, ...], str, bool]]]:
    """First word -> (remaining words, phrase, is an -s form), longest phrase first."""
    return {
        first: [(p[1:], " ".join(p), " ".join(p).endswith("s") and not " ".join(p).endswith("ss"))
                for p in phrases]
        for first, phrases in index.items()
    }


_VERB_PHRASES = _phrase_table(_VERB_FIRST)
_SOURCE_PHRASES_BY_FIRST = _phrase_table(_SOURCE_FIRST)


def _trie_pattern(words: Sequence[str]) -> str:
    """A regex alternation of ``words`` shaped as a trie, so that the engine compares a few
    characters at each position instead of trying every word in turn."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


# A word that can start a speech verb (exact case) or a source phrase (any case).
_VERB_START_RE = re.compile(
    r"(?<![\w'’-])(?:" + _trie_pattern(list(_VERB_FIRST))
    + r"|(?ai:" + _trie_pattern(list(_SOURCE_FIRST)) + r"))(?![\w'’-])"
)


def _first_letter_pattern(exact: Sequence[str], any_case: Sequence[str]) -> str:
    """The words of ``exact`` as written and those of ``any_case`` in any ASCII case, one
    branch per first letter (a literal: the engine passes over the other letters' branches
    at once, the any-case ones included)."""
    alts = []
    for ch in sorted({w[0] for w in exact} | {c for w in any_case for c in (w[0].lower(), w[0].upper())}):
        parts = [_trie_pattern([w[1:] for w in exact if w[0] == ch])]
        folded = _trie_pattern([w[1:] for w in any_case if w[0].lower() == ch.lower()])
        if folded:
            parts.append("(?ai:" + folded + ")")
        alts.append(re.escape(ch) + "(?:" + "|".join(p for p in parts if p) + ")")
    return "(?:" + "|".join(alts) + ")"


# The same words (group 1) found from the character before them: a pattern that starts with
# a character set lets the engine skip from one break (space, punctuation) to the next
# instead of trying every position inside words. The set leaves out only ASCII word
# characters (a cheap test): a match after another letter ("é") is dropped by the caller.
# The words are ASCII letters, so a match is a whole word either way.
_VERB_AFTER_BREAK_RE = re.compile(
    r"[^a-zA-Z0-9_'’-](" + _first_letter_pattern(list(_VERB_FIRST), list(_SOURCE_FIRST)) + r")(?![\w'’-])"
)
_WORD_RE = re.compile(r"[^\W\d_][\w.'’-]*|\d[\w.,]*")
_LETTER_RE = re.compile(r"[^\W\d_]")
_MASK = "#"
_MASK_RUN_RE = re.compile(_MASK + "+")
_DASH_CREDIT_RE = re.compile(r"[^#\n]{0,80}?\s[–—-]\s+([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,3})\s*$")
# Gender cues around one surname: a title before it ("Mr. John Smith", "Queen Elizabeth")
# and "said he" after it ("Smith told reporters he"), found from the surname's occurrences.
_MALE_TITLES = frozenset(W.MALE_TITLES)
_FEMALE_TITLES = frozenset(W.FEMALE_TITLES)
_TITLE_ENDINGS = tuple(sorted(_MALE_TITLES | _FEMALE_TITLES))
# Characters that never occur inside a name run: a scan for runs may start after one.
_RUN_BREAK_RE = re.compile(r"[^\w'’. -]")
_CAP_WORD_RE = re.compile(r"[A-Z][\w'’-]*")
_CAP_WORD_SPACE_RE = re.compile(r"[A-Z][\w'’-]*\s+")
_GENDER_FOLLOW = (
    r"\s+(?:[a-z]+\s+){0,3}?(?:" + "|".join(W.GENDER_CUE_VERBS) + r")\s+(?:that\s+)?(he|she)\b"
)
_GENDER_FOLLOW_RE = re.compile(_GENDER_FOLLOW, re.I)
# Words after which an -s form is still a verb ("and says", "he says", "also notes").
_VERB_LEFT_OK = (
    W.PERSON_PRONOUNS | W.THING_PRONOUNS | W.SHARED_SUBJECT_LINKS | frozenset(VERB_ADVERBS)
)
_PHRASE_SPLIT_RE = re.compile(r"[\n,;:()\[\]\"“”‘’—–]|[.!?](?=\s)")
_TERMINATORS = ".!?…"
_TERMINATOR_RE = re.compile(r"[.!?…]+(?=\s)")  # what ``_terminators`` finds
TITLE_MAX_WORDS = 10  # longer Title Case spans are headlines quoted in full: kept
SCARE_QUOTE_WORDS = 2
RECENT_PERSON_CHARS = 400  # how far back "he said" looks for a named person nobody quoted  # quotes of this many words or fewer are partial wherever they stand
_CLOSERS_AFTER = frozenset(" \t\n.,;:!?)]}—–-…'’\"”»")
# The same rules over a whole text: a word's end ("$" in the table) is where its letters stop.
_SPELLING_IN_TEXT = [
    (re.compile(p.replace("$", r"(?![^\W_])")), r) for p, r in W.SPELLING_RULES
]
_SPACES_RE = re.compile(r"\s+")
_DATELINE_DASH_RE = re.compile(r"\s(?:—|–|--|-)\s")
_PRONOUNS = W.PERSON_PRONOUNS | W.THING_PRONOUNS
_AUX_RE = {a: re.compile(r"(?<![\w'’-])" + re.escape(a) + r"(?![\w'’-])") for a in W.AUXILIARIES}
_WHO_RE = re.compile(r"(?:,\s*)?\bwho(?:\s+\w+ly)?\s*$")
_AFTER_CUT_RE = re.compile(r"(?<=[^A-Z][a-z])[.!?](?:\s|$)|[;#\n]")
_PREPOSITION_SPLIT_RE = re.compile(r"\s(?:of|to|for|at|in|with|from)\s")
_HEAD_RE = {h: re.compile(r"\b" + re.escape(h) + r"\b", re.I) for h in W.ORG_HEADS}
_NONSPACE_RE = re.compile(r"\S+")
_MENTION_WORD_RE = re.compile(r"[\w'’.-]+")
_TRAILING_WORD_RE = re.compile(r"([\w.]+)$")
_LOWER_START_RE = re.compile(r"[a-z]")
_TOKEN_RE = re.compile(r"[^\W_]+")
_TOKEN_AHEAD_RE = re.compile(r"\s*\S*")
MASKED_LOOKAHEAD = 64  # characters kept after the last quote's line (>= the 40 _ends_open reads)


# --------------------------------------------------------------------------------------
# Step 1: quotation marks -> quoted spans
# --------------------------------------------------------------------------------------


def _can_open(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace():
        return False
    return prev in W.OPENING_CONTEXT or prev in W.DOUBLE_CLOSE + W.DOUBLE_EITHER + "’'‘"


def _can_close(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isspace() and i > 0:
        return False
    return nxt in _CLOSERS_AFTER or nxt in W.DOUBLE_OPEN or not nxt.isalnum()


def _double_spans(text: str, line_ends: list[int]) -> list[tuple[int, int]]:
    """(open mark, close mark) positions of double-quoted spans, within one line each.

    Openers are stacked so that a quote inside a quote (“… as “honest broker”, …”) stays
    part of the outer one; when the outer opener is never closed, the inner spans are kept.
    """
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    inner: list[tuple[int, int]] = []
    line = -1

    def end_line() -> None:
        if stack:
            end = line_ends[line]
            if len(stack) == 1 and not inner and _next_line_reopens(text, end):
                spans.append((stack[0], end))  # continued in the next paragraph
            else:
                spans.extend(inner)
        stack.clear()
        inner.clear()

    for i in _positions(text, _DOUBLE_MARKS):
        ch = text[i]
        here = _line_of(line_ends, i)
        if here != line:
            end_line()
            line = here
        opens = ch in W.DOUBLE_OPEN or (ch in W.DOUBLE_EITHER and _can_open(text, i))
        closes = ch in W.DOUBLE_CLOSE or (ch in W.DOUBLE_EITHER and _can_close(text, i))
        if ch in W.DOUBLE_EITHER and not opens and not closes:
            opens = closes = True  # word"word: decide by alternation
        if stack and closes:
            start = stack.pop()
            if stack:
                inner.append((start, i))
            else:
                spans.append((start, i))
                inner.clear()
        elif opens:
            stack.append(i)
    end_line()
    return sorted(spans)


def _positions(text: str, chars: str) -> list[int]:
    """Offsets of the characters ``chars`` in ``text``, ascending: one C-level search per
    character (marks are few; a regex over a character class tests every position)."""
    out: list[int] = []
    for ch in chars:
        i = text.find(ch)
        while i >= 0:
            out.append(i)
            i = text.find(ch, i + 1)
    out.sort()
    return out


def _next_line_reopens(text: str, end: int) -> bool:
    j = end
    while j < len(text) and text[j].isspace():
        j += 1
    return j < len(text) and j > end and (
        text[j] in W.DOUBLE_OPEN or (text[j] in W.DOUBLE_EITHER and _can_open(text, j))
    )


def _single_spans(
    text: str, line_ends: list[int], inside: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Spans in single marks: an opener at a word start paired with a closer at a word end."""
    starts = [s for s, _ in inside]
    spans: list[tuple[int, int]] = []
    taken = -1
    # Only marks after an opening context and before a letter (apostrophes inside words,
    # the bulk of these marks, are skipped by the pattern).
    openers = [
        i for i in _positions(text, W.SINGLE_OPEN + W.SINGLE_EITHER) if _SINGLE_OPENER_RE.match(text, i)
    ]
    if _SINGLE_OPENER_AT_START_RE.match(text):
        openers.insert(0, 0)
    for i in openers:
        ch = text[i]
        if i > taken:
            k = bisect.bisect_right(starts, i) - 1
            nested = k >= 0 and inside[k][0] < i <= inside[k][1]
            if not nested:
                line_end = line_ends[_line_of(line_ends, i)]
                close = _find_single_close(text, i + 1, line_end, ch)
                if close is not None:
                    spans.append((i, close))
                    taken = close
    return spans


def _single_closers(opener: str) -> str:
    return W.SINGLE_CLOSE + W.SINGLE_EITHER if opener in W.SINGLE_OPEN else W.SINGLE_EITHER


# What ``_find_single_close`` stops at (a closer or a double mark), by opener: the engine
# jumps to them instead of a loop over every character of the line.
_SINGLE_STOP_RE = {
    o: re.compile("[" + re.escape(_single_closers(o) + _DOUBLE_MARKS) + "]")
    for o in W.SINGLE_OPEN + W.SINGLE_EITHER
}


def _find_single_close(text: str, j: int, line_end: int, opener: str) -> int | None:
    closers = _single_closers(opener)
    for m in _SINGLE_STOP_RE[opener].finditer(text, j, line_end):
        j = m.start()
        if text[j] not in closers:
            return None  # a double mark
        nxt = text[j + 1] if j + 1 < len(text) else " "
        prev = text[j - 1]
        # "troops’ morale" style possessives close too; accept, the span stays short.
        if not prev.isspace() and not nxt.isalnum():
            return j
    return None


def _line_ends(text: str) -> list[int]:
    """Offsets of the line breaks, then len(text) (each line's end)."""
    # The n-th break sits after the first n + 1 lines and the n breaks before it.
    return list(map(operator.add, itertools.accumulate(map(len, text.split("\n"))), itertools.count()))


def _line_of(line_ends: list[int], pos: int) -> int:
    return bisect.bisect_left(line_ends, pos)


# --------------------------------------------------------------------------------------
# Step 2: attribution
# --------------------------------------------------------------------------------------


class _Raw(NamedTuple):
    """A speaker phrase as written: kind is pronoun, name or np."""

    speaker: str
    description: str | None
    kind: str


def _words(s: str) -> list[str]:
    return _WORD_RE.findall(s)


def _is_cap(w: str) -> bool:
    return w[:1].isupper()


def _clean(s: str) -> str:
    s = s.strip(" \t\n,;:–—-'\"“”‘’")
    if "  " in s or not s.isprintable():  # else every space is a single " ": nothing to do
        s = _SPACES_RE.sub(" ", s)
    return s.rstrip(".") if not s.endswith((" Jr.", " Sr.")) else s


# Phrases recur within and across documents ("he", "the spokesman", a name and its
# title): the parses of the recent ones are kept.
@functools.lru_cache(maxsize=4096)
def _np(chunk: str) -> _Raw | None:
    """Parse a speaker phrase (no commas) into name/description, pronoun or plain phrase."""
    if "-" in chunk or "—" in chunk or "–" in chunk:
        chunk = _DATELINE_DASH_RE.split(chunk)[-1]  # drop a dateline "NEW YORK — "
    chunk = _clean(chunk)
    words = _words(chunk)
    while len(words) > 1 and words[0].lower() in W.CLAUSE_OPENERS and words[0].lower() not in W.DETERMINERS:
        chunk = chunk[chunk.find(words[0]) + len(words[0]):].strip(" ,")
        words = words[1:]
    if not words or len(words) > 14:
        return None
    first = words[0].lower()
    if len(words) == 1 and first in _PRONOUNS:
        return _Raw(first, None, "pronoun")
    for aux in itertools.islice(words, 1, None):
        if aux.lower() not in W.AUXILIARIES:
            continue
        # "The terrorist group did not name ... but claimed": the subject ends at the verb.
        cut = _AUX_RE[aux.lower()].search(chunk) if aux == aux.lower() else re.search(
            r"(?<![\w'’-])" + re.escape(aux) + r"(?![\w'’-])", chunk
        )
        return _np(chunk[:cut.start()]) if cut else None
    if first in W.DETERMINERS:
        # "his representative Holly Baird": a description ending in a name (not "the adviser
        # to President Ashraf Ghani", where the name belongs to a prepositional phrase).
        runs = _cap_runs(words)
        if runs and words[-1] == runs[-1][-1]:
            name = _strip_titles(runs[-1])
            start = len(words) - len(runs[-1])
            if len(name) >= 2 and start > 0 and words[start - 1].lower() not in W.NP_LINKS:
                at = chunk.rfind(name[0])
                return _Raw(" ".join(name), _clean(chunk[:at]) or None, "name")
        return _Raw(chunk, None, "np")
    runs = _cap_runs(words)
    if runs and runs[-1][-1] == words[-1]:
        runs = [runs[-1], *runs[:-1]]  # "CNN Tokyo producer Yoko Wakatsuki": the final name
    for run in runs:
        if run[-1].endswith(("'s", "’s")):
            continue
        name = _strip_titles(run)
        if len(name) >= 2 and not all(w.lower() in W.NOT_NAMES for w in name) and not any(
            w.lower() in W.ORG_HEADS for w in name
        ):
            name_text = " ".join(name)
            at = chunk.find(name[0])
            desc = _clean(chunk[:at]) if at > 0 else None
            if desc and (desc.lower() in W.CLAUSE_OPENERS or _only_honorifics(desc)):
                desc = None
            return _Raw(name_text, desc or None, "name")
    if runs and words[-1] == runs[-1][-1]:
        name = _strip_titles(runs[-1])
        if len(name) == 1 and name[0].lower() not in W.NOT_NAMES and not name[0].endswith(("'s", "’s")):
            at = chunk.rfind(name[0])
            desc = _clean(chunk[:at]) or None
            if desc and _only_honorifics(desc):
                desc = None
            return _Raw(name[0], desc, "name")
    if first in W.NOT_NAMES and len(words) == 1:
        return None
    return _Raw(chunk, None, "np")


def _only_honorifics(s: str) -> bool:
    return all(w.lower().rstrip(".") in W.HONORIFICS for w in _words(s))


def _cap_runs(words: list[str]) -> list[list[str]]:
    runs: list[list[str]] = []
    cur: list[str] = []
    n = len(words)
    for i, w in enumerate(words):
        if w[:1].isupper() or (
            cur and i + 1 < n and w.lower() in W.NAME_PARTICLES and words[i + 1][:1].isupper()
        ):
            cur.append(w)
            if w.endswith(("'s", "’s")):
                runs.append(cur)
                cur = []
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _strip_titles(run: list[str]) -> list[str]:
    """The name part of a capitalised run: after the last title word, leading acronyms and
    sentence openers dropped ("But CNN producer Yoko Wakatsuki's" -> Yoko Wakatsuki)."""
    last = -1
    for i, w in enumerate(run):
        if w.lower() in W.TITLE_WORDS:
            last = i
    name = run[last + 1:]
    while name and (
        name[0].lower() in W.NOT_NAMES or (len(name[0]) >= 2 and name[0].isupper() and name[0].isalpha())
    ) and len(name) > 1:
        name = name[1:]
    if name and name[-1].endswith(("'s", "’s")):
        name = [*name[:-1], name[-1][:-2]]
    return name


def _subject_before(ctx: str) -> _Raw | None:
    """Subject of a verb, from the text before it (already cut at the previous boundary)."""
    who = _WHO_RE.search(ctx) if "who" in ctx else None
    if who:
        # "... criticism from Facebook investor Sean Parker who said": the name before "who".
        return _trailing_name(ctx[:who.start()])
    chunks = [c.strip() for c in ctx.split(",")]
    chunks = [c for c in chunks if c]
    desc: str | None = None
    while chunks:
        last = chunks[-1]
        w = _words(last)
        lw = w[0].lower() if w else ""
        if len(w) > 1 and lw in W.SHARED_SUBJECT_LINKS:
            last = chunks[-1] = last[last.find(w[0]) + len(w[0]):].strip()
            w = w[1:]
            lw = w[0].lower()
        if w and w[-1].endswith("ly") and w[-1].islower() and len(w) > 1:
            last = chunks[-1] = last[:last.rfind(w[-1])].strip()  # "the comedian humorously"
            w = w[:-1]
        participle = len(chunks) > 1 and lw.endswith("ing") and w[0].islower()
        if not w or participle or lw in ("who", "which", "whose", "where", "and") or (
            lw in W.CLAUSE_OPENERS and len(w) <= 4 and lw not in W.DETERMINERS
        ):
            if len(chunks) > 1 and lw in ("who", "which", "whose"):
                desc = desc or last
            chunks.pop()
            continue
        if len(chunks) > 1 and (
            lw in W.DETERMINERS or lw in W.APPOSITIVE_PREPOSITIONS or not _is_name_chunk(last)
        ) and _is_name_chunk(chunks[-2]):
            head = _np(chunks[-2])
            if head is not None and head.kind == "name":
                return _Raw(head.speaker, _join_desc(head.description, last), "name")
        break
    if not chunks:
        return None
    head = _np(chunks[-1])
    if head is not None and desc and head.kind == "name":
        return _Raw(head.speaker, _join_desc(head.description, None), "name")
    if head is not None and head.kind == "np" and len(chunks) > 1:
        # "the country's adviser, Hamdullah Mohib" is handled by the caller order; here a
        # description chunk followed by a name chunk.
        pass
    return head


def _trailing_name(text: str) -> _Raw | None:
    """The name ending ``text``, with the title words just before it as its description."""
    words = _words(text)
    runs = _cap_runs(words)
    if not runs or runs[-1][-1] != words[-1]:
        return None
    name = _strip_titles(runs[-1])
    if not name:
        return None
    k = len(words) - len(runs[-1])
    desc_words = [w for w in runs[-1][: len(runs[-1]) - len(name)]]
    while k > 0 and len(desc_words) < 4 and (
        words[k - 1].lower() in W.TITLE_WORDS or _is_cap(words[k - 1])
    ):
        desc_words.insert(0, words[k - 1])
        k -= 1
    return _Raw(" ".join(name), " ".join(desc_words) or None, "name")


def _is_name_chunk(chunk: str) -> bool:
    """A short phrase made of a name and its titles ("Kremlin spokesman Dmitry Peskov")."""
    words = _words(chunk)
    if not 0 < len(words) <= 8 or not _is_cap(words[-1]):
        return False
    if words[0].lower() in W.CLAUSE_OPENERS and words[0].lower() not in W.SHARED_SUBJECT_LINKS:
        return False
    if any(
        not _is_cap(w) and w.lower() not in W.TITLE_WORDS and w.lower() not in W.NAME_PARTICLES
        for w in words[1:]
    ):
        return False
    raw = _np(chunk)
    return raw is not None and raw.kind == "name" and chunk.rstrip().endswith(raw.speaker.split()[-1])


def _join_desc(a: str | None, b: str | None) -> str | None:
    parts = [p for p in (a, b) if p and not _only_honorifics(p)]
    return ", ".join(parts) if parts else None


def _subject_after(ctx: str) -> _Raw | None:
    """Inverted subject: the phrase after the verb ("said analyst Atta Noori in Kabul")."""
    ctx = _AFTER_CUT_RE.split(ctx, maxsplit=1)[0]
    head, _, rest = ctx.partition(",")
    words = _words(head)
    cut = len(words)
    for k, w in enumerate(words):
        if k > 0 and w.lower() in W.NP_STOPS:
            cut = k
            break
    if not words or words[0].lower() in W.NP_STOPS:
        return None
    kept = words[:cut]
    end = head.find(kept[-1]) + len(kept[-1]) if kept else 0
    # find the end of the last kept word by walking (words can repeat)
    pos = 0
    for w in kept:
        pos = head.find(w, pos) + len(w)
    end = pos
    raw = _np(head[:end])
    if raw is None:
        return None
    rest_desc = _clean(rest) if rest.strip() else None
    if rest_desc and raw.kind == "name":
        return _Raw(raw.speaker, _join_desc(raw.description, rest_desc), "name")
    if rest_desc and raw.kind == "np":
        sub = _np(rest_desc)
        if sub is not None and sub.kind == "name" and len(_words(rest_desc)) <= 4:
            return _Raw(sub.speaker, raw.speaker, "name")
    return raw


class _Verb(NamedTuple):
    start: int  # start of adverbs + verb
    end: int
    verb: str


def _verbs(masked: str, lo: int, hi: int) -> list[_Verb]:
    """Speech verbs (with their leading adverbs) starting in [lo, hi)."""
    starts, ends, verbs = _all_verbs(masked)
    # Starts never decrease and ends increase (verbs are words in text order; an adverb
    # start reaches back at most to the previous verb's own start).
    i = bisect.bisect_left(starts, lo)
    return verbs[i:max(i, bisect.bisect_right(ends, hi))]


def _prev_word(masked: str, pos: int) -> tuple[int, int, str] | None:
    """The word (an ``_ALPHA_WORD_RE`` match) ending before ``pos`` with only whitespace
    between, else None."""
    if pos == 0 or not masked[pos - 1].isspace():
        return None  # a word right before pos would run into the word at pos
    lo = max(0, pos - 32)
    head = masked[lo:pos].rstrip()
    parts = head.rsplit(None, 1)
    if parts:
        last = parts[-1]
        i = lo + len(head) - len(last)
        if (i > lo or lo == 0) and last.isascii() and last.isalpha():
            return i, lo + len(head), last  # the common case: a plain word, whitespace-led
    return _prev_word_slow(masked, pos)


def _prev_word_slow(masked: str, pos: int) -> tuple[int, int, str] | None:
    j = pos
    while j > 0 and masked[j - 1].isspace():
        j -= 1
    i = j
    while i > 0 and masked[i - 1] in _ASCII_LETTERS:
        i -= 1
    if i == j or (i > 0 and _is_word_or_joiner(masked[i - 1])):
        return None
    if j < len(masked) and _is_word_or_joiner(masked[j]):
        return None
    return i, j, masked[i:j]


def _is_word_or_joiner(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’-"


def _is_plural_noun(masked: str, ws: int, we: int) -> bool:
    """An -s form ("reports", "states", "notes") is a noun after a determiner or when a verb
    follows it ("press reports said", "Reports say")."""
    prev = _prev_word(masked, ws)
    if prev is not None and prev[2].lower() in W.DETERMINERS:
        return True
    nxt = _NEXT_WORD_RE.match(masked, we)
    if nxt is not None:
        nw = nxt.group(1)
        if nw in _VERB_FIRST or nw.lower() in W.AUXILIARIES:
            return True
    return False


def _verb_starts(masked: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of the ``_VERB_START_RE`` matches of the masked text, the masked
    quotes skipped: a mark is no word character, so each stretch between two masks is
    scanned on its own, from the mark before it (the break ``_VERB_AFTER_BREAK_RE`` needs)."""
    first = _VERB_START_RE.match(masked)
    out = [(0, first.end(), first.group())] if first else []
    pos = 0
    while True:
        j = masked.find(_MASK + _MASK, pos)
        found = _VERB_AFTER_BREAK_RE.finditer(masked, max(pos - 1, 0), len(masked) if j < 0 else j)
        out.extend((m.start(1), m.end(1), m.group(1)) for m in found if not masked[m.start()].isalnum())
        if j < 0:
            return out
        pos = _MASK_RUN_RE.match(masked, j).end()  # type: ignore[union-attr]


@functools.lru_cache(maxsize=4)
def _all_verbs(masked: str) -> tuple[list[int], list[int], list[_Verb]]:
    """Every speech verb of a (masked) document.

    One C-level regex pass finds the words a speech verb or source phrase can start with;
    only those few are checked for the rest of their phrase, an -s noun reading and the
    adverbs before them ("also said"), word by word around the hit.
    """
    out: list[_Verb] = []
    for ws, we, w in _verb_starts(masked):
        found = None
        for entry in _VERB_PHRASES.get(w) or _SOURCE_PHRASES_BY_FIRST[w.lower()]:
            pos = we
            for part in entry[0]:  # longest phrase first
                nxt = _NEXT_WORD_RE.match(masked, pos)
                if nxt is None or nxt.group(1).lower() != part:
                    break
                pos = nxt.end()
            else:
                found = (pos, entry)
                break
        if found is None:
            continue
        end, (_, verb, plural_form) = found
        if plural_form and _is_plural_noun(masked, ws, we):
            continue  # "press reports said", "the reports": a noun, not a verb
        start = ws
        for _ in range(2):
            prev = _prev_word(masked, start)
            if prev is None or prev[2] not in _ADVERB_SET or ws - prev[1] >= 40:
                break
            start = prev[0]
        out.append(_Verb(start, end, verb))
    return [v.start for v in out], [v.end for v in out], out


def _attribution(
    masked: str, lo: int, hi: int, q_open: int, q_close: int, partial: bool, look_after: bool
) -> _Raw | None:
    """Speaker phrase for the quote whose marks are at q_open/q_close, in window [lo, hi)."""
    after = _verbs(masked, q_close + 1, hi) if look_after else []
    before = [v for v in _verbs(masked, lo, q_open)]
    order: list[tuple[str, _Verb]] = []
    if partial:
        order = [("b", v) for v in reversed(before)] + [("a", v) for v in after]
    else:
        order = [("a", v) for v in after] + [("b", v) for v in reversed(before)]
    # "according to X" / "citing X" names the source outright.
    if len(order) > 1:
        order.sort(key=_is_not_source)
    for side, v in order[:3]:
        raw = _verb_subject(masked, lo, hi, v, side, q_close)
        if raw is not None:
            return raw
    line_end = masked.find("\n", q_close)
    line_end = len(masked) if line_end < 0 else line_end
    tail = masked[q_close + 1:line_end]
    if "-" not in tail and "–" not in tail and "—" not in tail:
        return None  # no dash: no credit
    dash = _DASH_CREDIT_RE.match(masked, q_close + 1, line_end)
    if dash:
        return _np(dash.group(1))  # headline style: "... ‘quote’ – John Pilger"
    return None


def _is_not_source(order: tuple[str, _Verb]) -> bool:
    return order[1].verb.lower() not in _SOURCE_SET


def _clause_subject(clause: str) -> str:
    """The words of a clause before its first verb ("The constitution came into ...")."""
    for m in _WORD_RE.finditer(clause):
        w = m.group()
        if m.start() > 0 and w.islower() and (
            w in W.AUXILIARIES or w in W.COMMON_VERBS or (w.endswith("ed") and len(w) > 4)
        ):
            return clause[:m.start()]
    return clause


def _left_boundary(masked: str, lo: int, pos: int) -> int:
    """End of the last quote mark, clause mark (; : line break) or "that" in [lo, pos), else
    lo. Searched backwards: a masked quote is a long run of marks."""
    left = lo
    for ch in "#;:\n":
        i = masked.rfind(ch, lo, pos)
        if i >= left:
            left = i + 1
    j = masked.rfind("that", left, pos)
    while j >= left:
        # \b as in the slice masked[lo:pos]: its ends count as non-word characters.
        if (j == lo or not _is_word_char(masked[j - 1])) and (
            j + 4 == pos or not _is_word_char(masked[j + 4])
        ):
            return j + 4
        j = masked.rfind("that", left, j)
    return left


def _verb_subject(
    masked: str, lo: int, hi: int, v: _Verb, side: str, q_close: int, depth: int = 0
) -> _Raw | None:
    if v.verb.lower() in _SOURCE_SET:
        return _subject_after(masked[v.end:hi])
    # Left boundary: the previous quote, clause mark, "that" or another verb.
    left = _left_boundary(masked, lo, v.start)
    prev_verb: _Verb | None = None
    for u in _verbs(masked, left, v.start):
        prev_verb = u
        left = max(left, u.end)
    gap = masked[left:v.start]
    bare = gap.strip(" ,–—-\t")
    if side == "a" and not bare and v.verb not in _TELL_FORMS:
        return _subject_after(masked[v.end:hi])
    words = _words(gap)
    participle = v.verb.endswith("ing")
    if gap.rstrip().endswith(",") and v.verb not in _TELL_FORMS and not participle:
        inverted = _subject_after(masked[v.end:hi])
        if inverted is not None and inverted.kind == "name":
            return inverted  # "..., said Anja Marx, the spokeswoman for ..."
    if prev_verb is not None and depth < 2 and (
        participle or not words or words[-1].lower() in W.SHARED_SUBJECT_LINKS
    ):
        # "He acknowledged ... but said", "responded ... by saying": the earlier verb's subject.
        return _verb_subject(masked, lo, hi, prev_verb, "b", q_close, depth + 1)
    if words and words[-1].lower() in W.SHARED_SUBJECT_LINKS and len(words) > 1:
        # "The constitution came into effect ..., and says": the clause's own subject.
        return _np(_clause_subject(gap.split(",")[0]))
    raw = _subject_before(gap)
    if raw is None and v.verb not in _TELL_FORMS and not bare:
        return _subject_after(masked[v.end:hi])
    if participle and raw is not None and raw.kind == "np":
        return None  # "was quoted as saying": no subject phrase of its own
    return raw


# --------------------------------------------------------------------------------------
# Step 3: resolution against the document (pronouns, surnames, short descriptions)
# --------------------------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    """``\\w`` of a str pattern."""
    return ch.isalnum() or ch == "_"


def _at_word_boundary(text: str, i: int) -> bool:
    before = i > 0 and _is_word_char(text[i - 1])
    after = i < len(text) and _is_word_char(text[i])
    return before != after


def _occurrences(text: str, word: str) -> list[int]:
    """Every start of ``word`` in ``text`` (overlaps included), by C-level search."""
    out: list[int] = []
    i = text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def _titles_before(text: str, pos: int) -> list[tuple[int, int, str]]:
    """Titles that a run of capitalised words links to the word at ``pos``: (start, end of
    the title with its dot and space, "m"/"f"), walking back word by word."""
    out: list[tuple[int, int, str]] = []
    while True:
        q = pos
        while q > 0 and text[q - 1].isspace():
            q -= 1
        if q == pos or q == 0:
            return out
        i = q
        while i > 0 and not text[i - 1].isspace():
            i -= 1
        token = text[i:q]
        bare = token[:-1] if token.endswith(".") else token
        for title in _MALE_TITLES | _FEMALE_TITLES if bare.endswith(_TITLE_ENDINGS) else ():
            start = q - len(token) + len(bare) - len(title)
            if bare.endswith(title) and (start == 0 or not _is_word_char(text[start - 1])):
                out.append((start, pos, "m" if title in _MALE_TITLES else "f"))
        if not _CAP_WORD_RE.fullmatch(token):
            return out
        pos = i


def _title_chain_end(text: str, pos: int, surname: str) -> int | None:
    """End of ``surname`` when it follows a title at ``pos`` after capitalised words only
    ("Mr. John Smith"); the furthest such end, as a greedy pattern would match."""
    end: int | None = None
    n = len(surname)
    while True:
        if text.startswith(surname, pos) and _at_word_boundary(text, pos + n):
            end = pos + n
        m = _CAP_WORD_SPACE_RE.match(text, pos)
        if m is None:
            return end
        pos = m.end()


_RUN_PARTICLES = tuple(p + " " for p in sorted(W.NAME_PARTICLES - {"al-"}))
_PARTICLE_INITIALS = frozenset(p[0] for p in _RUN_PARTICLES)
_RUN_WORD_CHARS_RE = re.compile(r"[\w'’.-]*")


def _may_join_run(text: str, i: int, n: int) -> bool:
    """False when the word at [i, i + n) cannot belong to a name run of two words or more:
    neither the word before it nor the word after it, one space away, is capitalised or a
    name particle ("bin", "de", "van"...). Conservative: True when unsure."""
    if i > 0 and text[i - 1] in ".'’-":
        return True  # the word may be the tail of a longer token ("al-Mohib")
    tail = _RUN_WORD_CHARS_RE.match(text, i + n)  # always matches (possibly empty)
    t = tail.end() if tail else i + n
    if text[t:t + 1] == " ":
        nxt = text[t + 1:t + 2]
        if "A" <= nxt <= "Z" or (
            nxt in _PARTICLE_INITIALS and any(text.startswith(p, t + 1) for p in _RUN_PARTICLES)
        ):
            return True
    if i >= 2 and text[i - 1] == " ":
        k = i - 1
        while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "_'’.-"):
            k -= 1
        prev = text[k:i - 1]
        if "A" <= prev[:1] <= "Z" or prev in W.NAME_PARTICLES:
            return True
    return False


class _Context:
    def __init__(self, text: str) -> None:
        self.text = text
        self.last_person: str | None = None
        self.last_org: str | None = None
        self.people: list[tuple[str, str | None]] = []  # (name, description), in order
        self._people_names: set[str] = set()
        self._full_names: dict[str, set[str]] = {}  # by lone word
        self._names_by_run: dict[int, list[list[str]]] = {}  # by run start
        self._reversed: str | None = None
        self._genders: dict[str, str | None] = {}  # by surname
        self._lower: str | None = None
        self.last_quoted_person: str | None = None

    def full_names(self, word: str) -> set[str]:
        """Full names (two to four capitalised words) of the text ending with ``word``; when
        none does, those starting with it (a family name written first: "Hua" for Hua
        Chunying).

        Name runs never cross a line break, so only the lines holding ``word`` are scanned.
        """
        if word not in self._full_names:
            text = self.text
            n = len(word)
            found: set[str] = set()
            given: set[str] = set()
            for i in _occurrences(text, word):
                if (i > 0 and _is_word_char(text[i - 1])) or (
                    i + n < len(text) and _is_word_char(text[i + n])
                ):
                    continue  # inside a longer word: no name word
                if not _may_join_run(text, i, n):
                    continue  # a lone capitalised word: no full name around it
                for name in self._run_names_at(i):
                    if name[-1] == word:
                        found.add(" ".join(name))
                    if name[0] == word:
                        given.add(" ".join(name))
            self._full_names[word] = found or given
        return self._full_names[word]

    def _run_names_at(self, i: int) -> list[list[str]]:
        """Full names (two to four words) of the name run holding offset ``i``.

        The run is found by the whole-text pattern scanned over a short window only: from
        just after a character no run can hold (a line break, comma, quotation mark, ...)
        to the next such character, where a scan of the whole text would agree.
        """
        text = self.text
        if self._reversed is None:
            self._reversed = text[::-1]  # the nearest breaker before i, by a forward search
        back = _RUN_BREAK_RE.search(self._reversed, len(text) - i)
        lo = len(text) - back.start() if back else 0
        stop = _RUN_BREAK_RE.search(text, i)
        hi = stop.start() if stop else len(text)
        for m in _NAME_RUN_RE.finditer(text, lo, hi):
            if m.start() <= i < m.end():
                names = self._names_by_run.get(m.start())
                if names is None:
                    names = []
                    for run in _cap_runs(m.group().split()):
                        name = _strip_titles(run)
                        if 2 <= len(name) <= 4 and not any(
                            w.lower() in W.NOT_NAMES or w.lower() in W.ORG_HEADS for w in name
                        ):
                            names.append(name)
                    self._names_by_run[m.start()] = names
                return names
            if m.start() > i:
                break
        return []

    def resolve(self, raw: _Raw, pos: int) -> tuple[str | None, str | None]:
        if raw.kind == "pronoun":
            if raw.speaker in ("he", "she", "him", "her"):
                avoid = "f" if raw.speaker in ("he", "him") else "m"
                for name, _ in reversed(self.people):
                    if self._gender(name) != avoid:
                        return name, None
                return self._recent_person(pos, avoid), None
            if raw.speaker in W.THING_PRONOUNS:
                return self.last_org, None
            return None, None
        if raw.kind == "name":
            name = raw.speaker
            if len(name.split()) == 1:
                full = {n for n in self.full_names(name) if n != name}
                # "North Korea Shinzo Abe" (a run across two names) yields to "Shinzo Abe".
                full = {n for n in full if not any(n != m and n.endswith(" " + m) for m in full)}
                if len(full) == 1:
                    name = next(iter(full))
            return name, raw.description
        return self._resolve_np(raw.speaker, pos)

    def _resolve_np(self, np: str, pos: int) -> tuple[str | None, str | None]:
        head_part = _PREPOSITION_SPLIT_RE.split(np, maxsplit=1)[0]
        words = _words(head_part)
        head = words[-1].lower() if words else ""
        if head in W.DOCUMENT_NOUNS and len(words) <= 3:
            return (self.last_org or np), None
        if head in W.ROLE_HEADS:
            role = W.ROLE_VARIANTS.get(head, head)
            for name, desc in reversed(self.people):
                words_of = {W.ROLE_VARIANTS.get(w, w) for w in (x.lower() for x in _words(desc or ""))}
                if role in words_of:
                    return name, np
            if self.last_quoted_person and len(words) <= 2:
                # "the expert concluded" right after that expert's quotes.
                return self.last_quoted_person, np
            return np, None
        if head in W.ORG_HEADS and len(words) <= 3:
            fuller = self._fuller_mention(head, pos)
            if fuller:
                return fuller, None
        return np, None

    def _fuller_mention(self, head: str, pos: int) -> str | None:
        for m in reversed(list(_HEAD_RE[head].finditer(self.text, 0, pos))):
            words: list[str] = []
            j = m.start()
            tokens: list[str] = _NONSPACE_RE.findall(self.text, max(0, j - 120), j)
            for w in reversed(tokens):
                lw = w.lower().strip()
                if not _MENTION_WORD_RE.fullmatch(w) or lw in W.STOPWORDS or lw in _FUNCTION:
                    break
                words.append(w)
                if len(words) >= 5:
                    break
            words.reverse()
            if any(_is_cap(w) for w in words):
                return " ".join([*words, self.text[m.start():m.end()]])
        return None

    def _gender(self, name: str) -> str | None:
        """"m", "f" or None, from honorifics and the pronouns that follow the name.

        Two votes per "Mr./Mrs. ... Surname" and one per "Surname [up to three words] said
        he/she". Both are looked for around the surname's occurrences only (C-level search),
        not by a pattern per name over the whole text.
        """
        surname = name.split()[-1]
        if surname not in self._genders:
            text = self.text
            n = len(surname)
            votes = {"m": 0, "f": 0}
            titles: set[tuple[int, int, str]] = set()
            for i in _occurrences(text, surname):
                if _at_word_boundary(text, i + n):
                    titles.update(_titles_before(text, i))
            for g in ("m", "f"):
                last_end = -1
                for t_start, t_end, t_gender in sorted(titles):
                    if t_gender != g or t_start < last_end:
                        continue
                    end = _title_chain_end(text, t_end, surname)
                    if end is not None:
                        votes[g] += 2
                        last_end = end
            for pronoun in self._gender_follow(surname):
                votes["m" if pronoun.lower() == "he" else "f"] += 1
            self._genders[surname] = (
                None if votes["m"] == votes["f"] else ("m" if votes["m"] > votes["f"] else "f")
            )
        return self._genders[surname]

    def _gender_follow(self, surname: str) -> list[str]:
        """The he/she of every "Surname [up to three words] said he" (any case)."""
        if self._lower is None:
            self._lower = self.text.lower()
        if len(self._lower) != len(self.text) or len(surname.lower()) != len(surname):
            # lower() changed some lengths, offsets would not line up: plain pattern.
            return re.findall(r"\b" + re.escape(surname) + _GENDER_FOLLOW, self.text, re.I)
        out: list[str] = []
        last_end = -1
        for i in _occurrences(self._lower, surname.lower()):
            if i < last_end or not _at_word_boundary(self.text, i):
                continue
            m = _GENDER_FOLLOW_RE.match(self.text, i + len(surname))
            if m is not None:
                out.append(m.group(1))
                last_end = m.end()
        return out

    def _recent_person(self, pos: int, avoid: str) -> str | None:
        """Last person named in the few sentences before ``pos`` (nobody has been quoted)."""
        best: str | None = None
        for m in _NAME_RUN_RE.finditer(self.text, max(0, pos - RECENT_PERSON_CHARS), pos):
            before = _words(self.text[max(0, m.start() - 12):m.start()])
            if before and before[-1].lower() in W.NP_LINKS:
                continue  # "at New York University", "of the Union": places and bodies
            name = _strip_titles(m.group().split())
            if len(name) >= 2 and not any(
                w.lower() in W.NOT_NAMES or w.lower() in W.ORG_HEADS for w in name
            ) and self._gender(" ".join(name)) != avoid:
                best = " ".join(name)
        return best

    def note(
        self, speaker: str | None, description: str | None, raw: _Raw | None, quoted: bool = False
    ) -> None:
        """Record who spoke, for later pronouns and short descriptions."""
        if speaker is None:
            return
        is_person = speaker in self._people_names or (raw is not None and (
            (raw.kind == "name" and len(speaker.split()) >= 2)
            or (raw.kind == "pronoun" and raw.speaker in ("he", "she", "him", "her"))
            or (raw.kind == "np" and description is not None)
        ))
        if is_person:
            self.last_person = speaker
            self.people.append((speaker, description))
            self._people_names.add(speaker)
            if quoted:
                self.last_quoted_person = speaker
        else:
            self.last_org = speaker


_FUNCTION = frozenset({"citing", "said", "says", "by", "according", "from", "with", "told",
                       "head", "that", "whether", "while", "amid", "after", "before"})


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------


def find_quotes(text: str, sentence_spans: Sequence[tuple[int, int]]) -> list[Quote]:
    """Direct quotes in one document, in text order, with resolved speakers."""
    return _find_quotes(text, sentence_spans, None)


def _find_quotes(
    text: str, sentence_spans: Sequence[tuple[int, int]], sentence_starts: list[int] | None
) -> list[Quote]:
    """``find_quotes``, taking the sentence starts already sorted when the caller has them."""
    line_ends = _line_ends(text)
    doubles = _double_spans(text, line_ends)
    singles = _single_spans(text, line_ends, doubles)
    marks = sorted(doubles + singles)
    # Inner spans, trimmed; keep those with a letter.
    items: list[tuple[int, int, int, int]] = []  # open mark, close mark, start, end
    for o, c in marks:
        s, e = o + 1, c
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
            e -= 1  # the comma before a closing mark is the writer's punctuation
        if s < e and _LETTER_RE.search(text, s, e) and not _is_title(text, s, e):
            items.append((o, c, s, e))
    if not items:
        return []
    starts = (
        sorted(int(s) for s, _ in sentence_spans) if sentence_starts is None else sentence_starts
    )

    # Quotes (marks included) are masked; items are disjoint and in order.
    pieces: list[str] = []
    prev = 0
    for o, c, _, e in items:
        pieces.append(text[prev:o])
        if text[e - 1] == ".":
            # '…of my life.” The statement came': the quote ended the sentence. ("?" and "!"
            # do not: '“…pointing them?” Mr. Harris said.')
            pieces.append(_MASK * (c - o) + ".")
        else:
            pieces.append(_MASK * (c + 1 - o))
        prev = c + 1
    pieces.append(text[prev:_masked_end(text, line_ends, items[-1][1])])
    masked = "".join(pieces)

    def sent_of(pos: int) -> int:
        k = bisect.bisect_right(starts, pos) - 1
        return max(k, 0)

    raws: list[_Raw | None] = []
    partials: list[bool] = []
    sent_nos: list[int] = []
    for k, (o, c, s, _e) in enumerate(items):
        line = _line_of(line_ends, o)
        line_lo = line_ends[line - 1] + 1 if line > 0 else 0
        line_hi = line_ends[_line_of(line_ends, c)]
        # The attribution window is the clause's own sentence, found on the masked text
        # (quoted sentences are masked) so that it does not depend on the segmenter.
        lo = _sentence_start(masked, line_lo, o)
        hi = _sentence_end(masked, min(c, line_hi), line_hi)
        partial = _at_most_words(text, s, _e, SCARE_QUOTE_WORDS) or _is_partial(masked, lo, o)
        partials.append(partial)
        sent_nos.append(sent_of(s))
        if partial:
            raws.append(_attribution(masked, lo, hi, o, c, True, True))
        else:
            prev_c = items[k - 1][1] if k > 0 else -1
            next_o = items[k + 1][0] if k + 1 < len(items) else len(text)
            a_lo = max(lo, prev_c + 1)
            a_hi = min(hi, next_o)
            raws.append(_attribution(masked, a_lo, a_hi, o, c, False, _ends_open(text, masked, s, _e, c)))

    ctx = _Context(text)
    # Reported speakers change only what a pronoun or a plain phrase resolves to (a name
    # resolves from the text alone): verbs after the last quote with such a phrase are not
    # read ("A.""B," he added: quote A takes B's phrase, and A comes first).
    last = max(
        (o for (o, *_), raw in zip(items, raws, strict=True) if raw is not None and raw.kind != "name"),
        default=-1,
    )
    reported = _reported_speakers(masked, line_ends, last) if last >= 0 else []
    r = 0
    out: list[Quote] = []
    prev_speaker: tuple[str | None, str | None] = (None, None)
    for k, (o, c, s, e) in enumerate(items):
        # Reported speech before this quote ("Nakano told CNN ...") makes its subject the
        # most recent speaker, for a following "he said".
        while r < len(reported) and reported[r][0] < o:
            pos, rep = reported[r]
            ctx.note(*ctx.resolve(rep, pos), rep)
            r += 1
        raw = raws[k]
        if raw is None and k + 1 < len(items) and raws[k + 1] is not None and not partials[k]:
            gap = text[c + 1:items[k + 1][0]]
            if "\n" not in gap and not _LETTER_RE.search(gap):
                raw = raws[k + 1]  # "A.""B," he added: both parts are his
        if raw is not None:
            speaker, desc = ctx.resolve(raw, o)
        elif k > 0 and not partials[k]:
            speaker, desc = prev_speaker  # a continuation paragraph or split quote
        else:
            speaker, desc = None, None
        ctx.note(speaker, desc, raw, quoted=True)
        prev_speaker = (speaker, desc)
        out.append(Quote(s, e, text[s:e], sent_nos[k], speaker, desc, partials[k]))
    return out


def _masked_end(text: str, line_ends: list[int], last_close: int) -> int:
    """Where the masked text may stop: nothing after the last quote's line is read except a
    short look ahead (the next words, "…," he said), so verbs and terminators further on are
    never searched for."""
    line_end = line_ends[_line_of(line_ends, last_close)]
    cut = text.find("\n", line_end + MASKED_LOOKAHEAD)
    if cut < 0:
        return len(text)
    m = _TOKEN_AHEAD_RE.match(text, cut)
    return m.end() if m else cut


def _reported_speakers(
    masked: str, line_ends: list[int], until: int
) -> list[tuple[int, _Raw]]:
    """Named subjects of speech verbs outside quotes ending by ``until`` (a quote's opening
    mark: no verb runs across it), with the verb's position."""
    out: list[tuple[int, _Raw]] = []
    for v in _verbs(masked, 0, until):
        if v.verb in _SOURCE_SET:
            continue
        line = _line_of(line_ends, v.start)
        line_lo = line_ends[line - 1] + 1 if line > 0 else 0
        lo = _sentence_start(masked, line_lo, v.start)
        hi = _sentence_end(masked, v.end, line_ends[line])
        if masked.find(_MASK, lo, hi) >= 0:
            continue  # a quote's own attribution: handled with the quote
        if not _may_name(masked, lo, hi):
            continue
        raw = _verb_subject(masked, lo, hi, v, "b", v.end)
        if raw is not None and raw.kind == "name":
            out.append((v.start, raw))
    return out


class _Terminators(NamedTuple):
    starts: list[int]
    ends: list[int]
    ends_sentence: dict[int, bool]  # by index, filled on demand


@functools.lru_cache(maxsize=4)
def _terminators(masked: str) -> _Terminators:
    """Every terminator run of a (masked) document, found once.

    A run counts for a window [lo, hi) when it starts at or after lo and the space after it
    lies before hi, which is what a scan bounded to the window would find: windows start at
    a line start, a quote's closing mark or the end of a word, never inside a run.
    """
    starts: list[int] = []
    ends: list[int] = []
    # The ``_TERMINATOR_RE`` matches: the whole runs of terminators followed by a space,
    # from the few terminator characters (C-level searches) instead of a scan of every
    # position.
    n = len(masked)
    start = prev = -2
    for i in _positions(masked, _TERMINATORS):
        if i != prev + 1:
            start = i
        prev = i
        if i + 1 < n and masked[i + 1].isspace():
            starts.append(start)
            ends.append(i + 1)
    return _Terminators(starts, ends, {})


def _terminator_ends_sentence(masked: str, t: _Terminators, k: int) -> bool:
    flag = t.ends_sentence.get(k)
    if flag is None:
        flag = t.ends_sentence[k] = _ends_sentence(masked, t.starts[k], t.ends[k])
    return flag


def _may_name(masked: str, lo: int, hi: int) -> bool:
    """False when no name can be read in [lo, hi): every capitalised word is a common word
    of NOT_NAMES ("The ministry said on Monday ...", "He said the ..."), and no "who".

    A name needs two capitalised words that are not all in NOT_NAMES (one left after the
    leading ones are dropped), or one that is not in NOT_NAMES; only the name before "who"
    skips that test.
    """
    for w in _WORD_RE.findall(masked, lo, hi):
        if w[0].isupper() and w.lower() not in W.NOT_NAMES:
            return True
    return "who" in masked[lo:hi]


def _sentence_start(masked: str, line_lo: int, pos: int) -> int:
    """Start of the sentence holding ``pos``: after the last terminator before it."""
    t = _terminators(masked)
    k = bisect.bisect_left(t.ends, pos) - 1
    while k >= 0 and t.starts[k] >= line_lo:
        if _terminator_ends_sentence(masked, t, k):
            return t.ends[k]
        k -= 1
    return line_lo


def _sentence_end(masked: str, pos: int, line_hi: int) -> int:
    """End of the sentence running on from ``pos`` (its terminator included)."""
    t = _terminators(masked)
    k = bisect.bisect_left(t.starts, pos)
    while k < len(t.starts) and t.ends[k] < line_hi:
        if _terminator_ends_sentence(masked, t, k):
            return t.starts[k] + 1
        k += 1
    return line_hi


def _ends_sentence(masked: str, start: int, end: int) -> bool:
    """A terminator ends the sentence unless it closes an abbreviation or a lowercase word
    follows ('"Is it true?" he asked.')."""
    nxt = masked[end:end + 3].lstrip()
    return not _is_abbreviation(masked, start) and not nxt[:1].islower()


def _is_abbreviation(masked: str, dot: int) -> bool:
    if masked[dot] != ".":
        return False
    m = _TRAILING_WORD_RE.search(masked[max(0, dot - 12):dot])
    if not m:
        return False
    word = m.group(1)
    return len(word) == 1 or word.lower() in W.ABBREVIATIONS or "." in word


def _ends_open(text: str, masked: str, s: int, e: int, c: int) -> bool:
    """True when the quote hands over to an attribution after it ("…," he said)."""
    inner = text[s:c].rstrip(" '’\"”")
    if inner[-1:] in tuple(",?!…—–-"):
        return True
    after = masked[c + 1:c + 40].lstrip()
    return after[:1] in (",", "—", "–") or bool(_LOWER_START_RE.match(after))


def _is_title(text: str, start: int, end: int) -> bool:
    """A title or name in quotation marks ("Turn Up the Shatner", "Kill Bill") at
    text[start:end]: not speech."""
    n_words = n_content = 0
    # The words of the slice (``_WORD_RE`` looks neither behind nor ahead).
    for m in _WORD_RE.finditer(text, start, end):  # stops at the first word that rules it out
        n_words += 1
        if n_words > TITLE_MAX_WORDS:
            return False
        w = m.group()
        if w.lower() not in W.TITLE_SMALL_WORDS:
            if not (w[:1].isupper() or w[0].isdigit()):
                return False
            n_content += 1
    return n_words >= 2 and n_content >= 2


def _at_most_words(text: str, start: int, end: int, n: int) -> bool:
    """True when text[start:end] has at most ``n`` words (stops counting at n + 1)."""
    for k, _ in enumerate(_WORD_RE.finditer(text, start, end)):
        if k >= n:
            return False
    return True


def _is_partial(masked: str, lo: int, o: int) -> bool:
    """A quote is whole when nothing but an attribution leads up to its opening mark."""
    before = masked[lo:o].rstrip()
    if not before or before.endswith(_MASK):
        return False
    if before[-1] in ":.!?…—–-(":
        return False
    if before[-1] == ",":
        tail_end = lo + len(before[:-1].rstrip())
        # 'He said, "..."' and 'According to X, "..."' introduce a whole quote.
        return not any(
            v.end == tail_end or v.verb.lower() in _SOURCE_SET for v in _verbs(masked, lo, o)
        )
    return True


# A quote needs a double mark, or a single mark after an opening context (a space, "(", a
# dash...) and before a character: documents without one are not read at all.
_MAY_QUOTE = (
    "[" + re.escape(W.DOUBLE_OPEN + W.DOUBLE_CLOSE + W.DOUBLE_EITHER) + "]|(?:^|["
    + re.escape(W.OPENING_CONTEXT) + "])[" + re.escape(W.SINGLE_OPEN + W.SINGLE_EITHER) + r"]\S"
)


def quotes(documents: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """One row per direct quote in each document.

    Input: documents (doc_id, text) and the sentences table. Output conforms to
    ``schema.TABLES["quotes"]``; quote_id is ``f"{doc_id}:{n:04d}"`` in text order and
    quote_group_id is null (see ``quote_groups``). Documents without any quotation mark are
    dropped by one vectorised test before the per-document work.
    """
    candidates = documents.select("doc_id", "text").filter(
        pl.col("text").is_not_null() & (pl.col("text") != "") & pl.col("text").str.contains(_MAY_QUOTE)
    )
    if candidates.is_empty():
        return schema.empty("quotes")
    index = _sentence_starts(
        sentences.filter(pl.col("doc_id").is_in(candidates.get_column("doc_id").implode()))
    )
    no_starts: list[int] = []
    columns: list[list[object]] = [[] for _ in range(10)]
    (quote_id, doc_ids, sentence_no, char_start, char_end, quoted, speaker, description,
     is_partial, group) = columns
    for doc_id, text in zip(*(candidates.get_column(c).to_list() for c in ("doc_id", "text")), strict=True):
        for n, q in enumerate(_find_quotes(text, (), index.get(doc_id, no_starts))):
            quote_id.append(f"{doc_id}:{n:04d}")
            doc_ids.append(doc_id)
            sentence_no.append(q.sentence_no)
            char_start.append(q.start)
            char_end.append(q.end)
            quoted.append(q.text)
            speaker.append(q.speaker)
            description.append(q.speaker_description)
            is_partial.append(q.is_partial)
            group.append(None)
    if not quote_id:
        return schema.empty("quotes")
    quotes_schema = schema.polars_schema("quotes")
    return pl.DataFrame(dict(zip(quotes_schema.names(), columns, strict=True)), schema=quotes_schema)


def _sentence_starts(sentences: pl.DataFrame) -> dict[str, list[int]]:
    """doc_id -> its sentence starts, sorted (one Polars group-by, no per-row Python)."""
    if sentences.is_empty():
        return {}
    grouped = sentences.group_by("doc_id").agg(pl.col("char_start").sort())
    return dict(zip(*(grouped.get_column(c).to_list() for c in ("doc_id", "char_start")), strict=True))


# --------------------------------------------------------------------------------------
# Grouping the same statement across documents
# --------------------------------------------------------------------------------------

MIN_GROUP_TOKENS = 5  # quotes shorter than this are too generic to link
CONTAINMENT = 0.8  # share of the shorter quote's word pairs found in the longer one
BLOCK_KEYS = 4  # a quote is compared with the quotes sharing one of its 4 rarest words
MAX_BLOCK = 500  # words carried by more quotes than this block nothing
_BLOCK_ROWS = 2_000_000  # (pair x word) rows held at once: bounds the memory on large warehouses
BLOCK_FIRST_ROWS_PER_WORD = 1.0  # pairs listed by the keys when their rows are at most this many per word


def _norm_tokens(text: str) -> list[str]:
    """Lowercased words, British spellings rewritten (one pass per rule over the text)."""
    text = text.lower()
    for pat, rep in _SPELLING_IN_TEXT:
        text = pat.sub(rep, text)
    return _TOKEN_RE.findall(text)


def _spelled(token: str) -> str:
    """One lowercased word with the spelling rules applied (what ``_norm_tokens`` does to it:
    the rules match letters only and end at a word's end, so they never cross words)."""
    for pat, rep in _SPELLING_IN_TEXT:
        token = pat.sub(rep, token)
    return token


class _Interned(dict[str, int]):
    """Lowercased word -> id of its spelled form in ``vocab`` (filled on first sight)."""

    def __init__(self, vocab: dict[str, int]) -> None:
        super().__init__()
        self.vocab = vocab

    def __missing__(self, word: str) -> int:
        wid = self[word] = self.vocab.setdefault(_spelled(word), len(self.vocab))
        return wid


def _required_overlap(n: int) -> int:
    """Fewest shared word pairs that pass ``CONTAINMENT`` for a quote of ``n`` pairs, by the
    same float test as the comparison."""
    k = int(n * CONTAINMENT)
    while k > 0 and (k - 1) / n >= CONTAINMENT:
        k -= 1
    while k / n < CONTAINMENT:
        k += 1
    return k


def _combined(high: np.ndarray, width: int, low: np.ndarray) -> np.ndarray:
    """``high * width + low`` (int64) built in one new array: with the caller passing the
    operands straight in and the result straight on, no temporary of the inputs' length is
    held beside it (each is 120 MB over the word pairs of 200,000 articles' quotes)."""
    out = high.astype(np.int64)  # a copy, even when it is int64 already
    out *= width
    out += low
    return out


def _dense_ids(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank among the distinct values (0, 1, ...), and how many there are: the
    inverse of ``np.unique(values, return_inverse=True)`` and its length.

    The same sort, with each array dropped as soon as it is used: ``np.unique`` holds five
    arrays of the input's length at once, and over every word pair of 100,000 articles'
    quotes they were the run's memory peak.
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), 0
    order = np.argsort(values)
    ranked = values[order]
    del values
    new = np.empty(len(ranked), dtype=bool)
    new[0] = True
    np.not_equal(ranked[1:], ranked[:-1], out=new[1:])
    del ranked
    ids = np.cumsum(new, dtype=np.int64)
    del new
    ids -= 1
    n = int(ids[-1]) + 1
    dense = np.empty(len(ids), dtype=np.int64)
    dense[order] = ids
    return dense, n


def _contains(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Which ``queries`` occur in ``sorted_keys`` (ascending, distinct)."""
    if not len(sorted_keys):
        return np.zeros(len(queries), dtype=bool)
    pos = np.searchsorted(sorted_keys, queries)
    return sorted_keys[np.minimum(pos, len(sorted_keys) - 1)] == queries


def _pair_ids(high: np.ndarray, low: np.ndarray, width: int) -> tuple[np.ndarray, int]:
    """Dense ids (int32) of the pairs (high[i], low[i]), both below ``width``, numbered in the
    pairs' order, and how many there are: ``_dense_ids(_combined(high, width, low))``, sorted
    a range of ``high`` (about ``_BLOCK_ROWS`` rows) at a time. Over the word pairs of
    400,000 articles' quotes (32 million) the one sort held four int64 arrays of their length
    at once, 1 GB.
    """
    out = np.empty(len(high), dtype=np.int32)
    offset = 0
    for _lo, rows in value_blocks(high, width, _BLOCK_ROWS):
        if len(rows):
            ids, n = _dense_ids(_combined(high[rows], width, low[rows]))
            out[rows] = ids + offset
            offset += n
            del ids
        del rows
    return out, offset


def _node_word_pairs(node_w: list[np.ndarray], width: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The word pairs of each node: their nodes (sorted), their dense ids (``_pair_ids``, int32)
    and how many distinct pairs there are. ``node_w`` holds ``node`` and ``w`` (word ids below
    ``width``, each node's in order); they are taken out of it, and go once read."""
    node, w = node_w
    node_w.clear()
    same = node[:-1] == node[1:]
    sh_node = node[:-1][same]  # sorted
    del node
    high = w[:-1][same]
    low = w[1:][same]
    del w, same
    sh, n_sh = _pair_ids(high, low, width)
    return sh_node, sh, n_sh


def _linked_pairs(words: list[np.ndarray], width: int, keys: _BlockKeys) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a, b) of quotes that pass both rules, sorted: one carries a blocking key of the
    other (``_block_keys``), and most word pairs of the smaller one (a; ties by number) occur
    in the larger one (``CONTAINMENT``). ``words`` holds ``node`` and ``w`` (word id below
    ``width``), one entry per word of each quote, in order; they are taken out of it (pass a
    list no other name holds).

    The blocking rule lists the pairs: those it allows come from the keys' carriers (a key
    is carried by at most MAX_BLOCK quotes), a block of key rows at a time, and only their
    quotes' word pairs are built and counted, exactly. ``quote_group_ids_of`` takes this
    route when the keys' rows are few, ``_candidate_pairs`` (containment lists, the keys
    filter) otherwise: at 400,000 bench articles the containment search found 27.2 million
    pairs, of which 103,351 shared a key (docs/quotes.md).
    """
    empty = np.zeros(0, dtype=np.int32)
    node, w = words
    words.clear()
    n_nodes = len(keys.n_keys)
    # The pairs (x, y), x < y, where y carries a key of x (or x one of y's), distinct.
    key_node = np.repeat(np.arange(n_nodes, dtype=np.int64), keys.n_keys)  # key rows are grouped by node
    lens = keys.carrier_len[keys.key_word]
    found = [np.zeros(0, dtype=np.int64)]
    for lo, hi in blocks(lens, _BLOCK_ROWS):
        ln = lens[lo:hi]
        x = np.repeat(key_node[lo:hi], ln)
        y = keys.carrier[ragged(keys.carrier_start[keys.key_word[lo:hi]], ln)].astype(np.int64)
        other = x != y
        x, y = x[other], y[other]
        found.append(distinct(_combined(np.minimum(x, y), n_nodes, np.maximum(x, y))))
        del x, y, other, ln
    del key_node, lens
    pairs = distinct(np.concatenate(found))
    del found
    if not len(pairs):
        return empty, empty
    involved = np.zeros(n_nodes, dtype=bool)
    involved[pairs // n_nodes] = True
    involved[pairs % n_nodes] = True
    # The distinct word pairs of those quotes only, sorted by node then word-pair id (int32),
    # a block of quotes at a time, and each quote's number of them (its size).
    rows = involved[node]
    node_w = [node[rows], w[rows]]
    del rows, involved, node, w
    sh_node, sh, n_sh = _node_word_pairs(node_w, width)
    parts: list[tuple[np.ndarray, np.ndarray]] = [(empty, empty)]
    for i, j in run_blocks(run_counts(sh_node, n_nodes), _BLOCK_ROWS):
        key = distinct(_combined(sh_node[i:j], n_sh, sh[i:j]))
        parts.append(((key // n_sh).astype(np.int32), (key % n_sh).astype(np.int32)))
        del key
    del sh_node, sh
    k_node = np.concatenate([kn for kn, _ks in parts])
    k_sh = np.concatenate([ks for _kn, ks in parts])
    del parts
    size = np.bincount(k_node, minlength=n_nodes)
    start = np.cumsum(size) - size
    del k_node
    # Each pair oriented: b is the larger (ties: the higher number), as the rule reads.
    x, y = pairs // n_nodes, pairs % n_nodes
    del pairs
    swap = size[y] < size[x]
    pairs = distinct(_combined(np.where(swap, y, x), n_nodes, np.where(swap, x, y)))
    del x, y, swap
    pa, pb = pairs // n_nodes, pairs % n_nodes
    del pairs
    out_a: list[np.ndarray] = [empty]
    out_b: list[np.ndarray] = [empty]
    _count_contained(pa, pb, size, start, k_sh, n_sh, size, out_a, out_b)
    return np.concatenate(out_a), np.concatenate(out_b)


def _count_contained(pa: np.ndarray, pb: np.ndarray, held: np.ndarray, start: np.ndarray, k_sh: np.ndarray,
                     n_sh: int, size: np.ndarray, out_a: list[np.ndarray], out_b: list[np.ndarray]) -> None:
    """Append to ``out_a``, ``out_b`` the pairs (pa, pb) passing ``CONTAINMENT``: node i's word
    pairs (ids below ``n_sh``, those that may be shared at least) are ``k_sh[start[i]:start[i] +
    held[i]]``, ``size[i]`` all its distinct word pairs. Counted a block of about
    ``_BLOCK_ROWS`` rows at a time: both quotes' word pairs, keyed by pair, sorted together; a
    key seen twice is a word pair both have. The pairs come out int32 (7.1 million passed
    containment at 200,000 articles, held to the end)."""
    for plo, phi in blocks(held[pa] + held[pb], _BLOCK_ROWS):
        a, b = pa[plo:phi], pb[plo:phi]
        both = np.sort(np.concatenate([
            np.repeat(np.arange(len(x), dtype=np.int64) * n_sh, held[x]) + k_sh[ragged(start[x], held[x])]
            for x in (a, b)
        ]))
        count = np.bincount(both[1:][both[1:] == both[:-1]] // n_sh, minlength=len(a))
        del both
        passing = count / size[a].astype(np.float64) >= CONTAINMENT
        out_a.append(a[passing].astype(np.int32))
        out_b.append(b[passing].astype(np.int32))


def _candidate_pairs(words: list[np.ndarray], width: int,
                     keep: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a, b) of quotes whose word pairs pass ``CONTAINMENT``: most word pairs of the
    smaller one (a; ties by number) occur in the larger one. ``words`` holds ``node`` and
    ``w`` (word id below ``width``), one entry per word of each quote, in order; they are
    taken out of it (pass a list no other name holds, and they go once indexed). Pairs come
    sorted. With ``keep`` (pairs a, b -> which to keep), only the pairs it keeps are counted
    and returned: the pairs found are filtered a block at a time, before the count.

    Pair filter: when a pair passes, the smaller quote shares at least one of any
    (n - required + 1) of its n word pairs with the other; probing with its rarest ones
    finds every passing pair while touching few others (a word pair no other quote has finds
    nothing: a quote with enough of those probes nothing). Found pairs are then counted
    exactly. Quotes are probed, and found pairs counted, in blocks of about ``_BLOCK_ROWS``
    rows, so that word pairs that very many quotes share ("of the") never materialise every
    (pair x word pair) row at once. The index is built in such blocks too (of quotes, of
    word pairs): only its int32 arrays are ever whole.
    """
    empty = np.zeros(0, dtype=np.int32)
    n_nodes = int(words[0][-1]) + 1 if len(words[0]) else 0
    sh_node, sh, n_sh = _node_word_pairs(words, width)
    # Distinct (node, word pair), sorted by node then word pair, a block of quotes at a time:
    # int32 (node and word-pair ids fit), with each quote's size and each word pair's quotes.
    size = np.zeros(n_nodes, dtype=np.int64)
    df = np.zeros(n_sh, dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    for i, j in run_blocks(run_counts(sh_node, n_nodes), _BLOCK_ROWS):
        key = distinct(_combined(sh_node[i:j], n_sh, sh[i:j]))
        kn, ks = (key // n_sh).astype(np.int32), (key % n_sh).astype(np.int32)
        del key
        size += np.bincount(kn, minlength=n_nodes)
        df += np.bincount(ks, minlength=n_sh)
        parts.append((kn, ks))
    del sh_node, sh
    # A word pair that both quotes have is carried by two quotes at least: only those count.
    n_kept = sum(int((df[ks] > 1).sum()) for _kn, ks in parts)
    k_node = np.empty(n_kept, dtype=np.int32)
    k_sh = np.empty(n_kept, dtype=np.int32)
    at = 0
    parts.reverse()
    while parts:
        kn, ks = parts.pop()
        shared = df[ks] > 1
        n = int(shared.sum())
        k_node[at:at + n], k_sh[at:at + n] = kn[shared], ks[shared]
        at += n
        del kn, ks, shared
    n_shared = np.bincount(k_node, minlength=n_nodes)
    start = np.cumsum(n_shared) - n_shared
    sizes = distinct(size.copy()).tolist()
    need = np.zeros(max(sizes) + 1 if sizes else 1, dtype=np.int64)
    for n in sizes:
        if n:
            need[n] = n - _required_overlap(n) + 1
    n_probe = need[size] - (size - n_shared)
    # Each quote probes with its n_probe rarest shared word pairs (which of equally rare
    # ones does not matter: any n_probe of them find every passing pair), a block of quotes
    # at a time. k_node is sorted, so a block's rows sorted by (node, rarity) hold the nodes
    # in k_node's order.
    rarity_width = int(df.max()) + 1 if n_sh else 1
    probes: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    for i, j in run_blocks(n_shared, _BLOCK_ROWS):
        by_rarity = np.argsort(_combined(k_node[i:j], rarity_width, df[k_sh[i:j]]))
        by_rarity += i
        rank = np.arange(i, j, dtype=np.int64)
        rank -= start[k_node[i:j]]
        probes.append(by_rarity[rank < n_probe[k_node[i:j]]])
        del by_rarity, rank
    probe = np.concatenate(probes)
    del probes
    p_node, p_sh = k_node[probe], k_sh[probe]  # sorted by node
    del probe
    # The quotes carrying each shared word pair, by word pair (then quote), a range of word
    # pairs at a time.
    carried = np.where(df > 1, df, 0)
    sh_start = np.cumsum(carried) - carried
    carriers = np.empty(len(k_node), dtype=np.int32)
    for lo, rows in value_blocks(k_sh, n_sh, _BLOCK_ROWS):  # rows by quote
        if len(rows):
            rows = rows[np.argsort(k_sh[rows], kind="stable")]
            carriers[sh_start[lo]:sh_start[lo] + len(rows)] = k_node[rows]
        del rows
    del carried
    del k_node
    out_a: list[np.ndarray] = [empty]
    out_b: list[np.ndarray] = [empty]
    node_cost = np.bincount(p_node, weights=df[p_sh], minlength=n_nodes)
    bounds = np.searchsorted(p_node, np.arange(n_nodes + 1, dtype=np.int64))
    for lo, hi in blocks(node_cost, _BLOCK_ROWS):
        i, j = bounds[lo], bounds[hi]
        lens = df[p_sh[i:j]]
        b = carriers[ragged(sh_start[p_sh[i:j]], lens)]
        a = np.repeat(p_node[i:j], lens)
        larger = (size[b] > size[a]) | ((size[b] == size[a]) & (b > a))
        pair = distinct(_combined(a[larger], n_nodes, b[larger]))
        del a, b, lens, larger
        pa, pb = pair // n_nodes, pair % n_nodes
        del pair
        if keep is not None:
            kept = keep(pa, pb)
            pa, pb = pa[kept], pb[kept]
            del kept
        _count_contained(pa, pb, n_shared, start, k_sh, n_sh, size, out_a, out_b)
    return np.concatenate(out_a), np.concatenate(out_b)


class _BlockKeys(NamedTuple):
    """Each quote's blocking keys and the quotes carrying each key word (``_block_keys``)."""

    key_word: np.ndarray  # the keys' words, grouped by node (int32)
    key_start: np.ndarray  # where each node's keys start in key_word
    n_keys: np.ndarray  # keys per node (0: the quote has none)
    carrier: np.ndarray  # the nodes carrying each key word (int32), grouped by word, ascending
    carrier_start: np.ndarray  # where each word's carriers start in carrier (by word id)
    carrier_len: np.ndarray  # how many nodes carry each word (0 unless it is someone's key)
    carried: np.ndarray  # node * n_words + word of each carrier row, ascending (int64: _share_a_key)


def _block_keys(node: np.ndarray, w: np.ndarray, weights: np.ndarray, word_of: list[str], stop: list[int]) -> _BlockKeys:
    """The blocking keys of each quote: its BLOCK_KEYS rarest content words (ties by the
    word; rarity counts quotes, copies included), less those carried by more than MAX_BLOCK
    quotes; and the quotes carrying each word that is a key. ``node`` and ``w`` are as for
    ``_linked_pairs``; ``weights`` counts each node's copies. Two quotes are blocked together
    when one carries a key of the other.
    """
    n_nodes, n_words = len(weights), len(word_of)
    # The distinct content words of each quote (int32, grouped by node, ascending) and the
    # words' frequencies (copies), a block of quotes at a time (``node`` is sorted). As int64
    # (node, word) keys, joined from their blocks, they were quote groups' peak at 400,000
    # articles (18.5 million rows, 148 MB an array, two at once). The sums are of whole
    # numbers (copies), exact in any order.
    is_stop = np.zeros(n_words, dtype=bool)  # a lookup, not np.isin: it sorted each block
    is_stop[np.asarray(stop, dtype=np.int64)] = True
    copies = np.zeros(n_words)
    n_content = np.zeros(n_nodes, dtype=np.int64)
    parts: list[np.ndarray] = [np.zeros(0, dtype=np.int32)]
    for i, j in run_blocks(run_counts(node, n_nodes), _BLOCK_ROWS):
        part = distinct(_combined(node[i:j], n_words, w[i:j]))
        d_node, d_word = part // n_words, part % n_words
        del part
        copies += np.bincount(d_word, weights=weights[d_node], minlength=n_words)
        content = ~is_stop[d_word]
        n_content += np.bincount(d_node[content], minlength=n_nodes)
        parts.append(d_word[content].astype(np.int32))
        del d_node, d_word, content
    c_word = np.concatenate(parts)
    del parts, is_stop
    df = np.rint(copies).astype(np.int64)
    del copies
    # By copies, ties by the word: Polars orders strings by their UTF-8 bytes, which is code
    # point order (Python's sort, which this replaces: a tuple key per word; the same order,
    # no measurable change in the phase's peak).
    alpha = np.empty(n_words, dtype=np.int64)
    alpha[pl.Series(word_of, dtype=pl.String).arg_sort().to_numpy()] = np.arange(n_words, dtype=np.int64)
    by_rarity = np.lexsort((alpha, df))
    del alpha
    rank = np.empty(n_words, dtype=np.int64)
    rank[by_rarity] = np.arange(n_words, dtype=np.int64)
    word_at_rank = by_rarity.astype(np.int32)
    del by_rarity
    ends = np.cumsum(n_content)

    def node_blocks() -> Iterator[tuple[int, int, np.ndarray]]:
        """Content rows [i, j) of whole quotes, about _BLOCK_ROWS, with each row's node."""
        for lo, hi in blocks(n_content, _BLOCK_ROWS):
            yield int(ends[lo] - n_content[lo]), int(ends[hi - 1]), np.repeat(
                np.arange(lo, hi, dtype=np.int32), n_content[lo:hi])

    # Each quote's content words by rarity, a block of quotes at a time: its first
    # BLOCK_KEYS are its keys, less those too frequent.
    key_nodes: list[np.ndarray] = [np.zeros(0, dtype=np.int32)]
    key_words: list[np.ndarray] = [np.zeros(0, dtype=np.int32)]
    for i, j, c_node in node_blocks():
        by_rank = _combined(c_node, n_words, rank[c_word[i:j]])
        by_rank.sort()
        k_node = (by_rank // n_words).astype(np.int32)
        by_rank %= n_words
        k_word = word_at_rank[by_rank]
        del by_rank
        first = np.arange(i, j, dtype=np.int64)
        first -= ends[k_node] - n_content[k_node]
        kept = (first < BLOCK_KEYS) & (df[k_word] <= MAX_BLOCK)
        key_nodes.append(k_node[kept])  # sorted by node
        key_words.append(k_word[kept])
        del k_node, k_word, first, kept, c_node
    del rank
    k_node, k_word = np.concatenate(key_nodes), np.concatenate(key_words)
    del key_nodes, key_words
    n_keys = np.bincount(k_node, minlength=n_nodes)
    # The carriers of the key words only (a few of the content rows: 20,721 of 18.5 million
    # at 400,000 articles), grouped by word; the stable sort keeps each word's nodes ascending.
    is_key = np.zeros(n_words, dtype=bool)
    is_key[k_word] = True
    c_nodes: list[np.ndarray] = [np.zeros(0, dtype=np.int32)]
    c_words: list[np.ndarray] = [np.zeros(0, dtype=np.int32)]
    for i, j, c_node in node_blocks():
        on_key = is_key[c_word[i:j]]
        c_nodes.append(c_node[on_key])
        c_words.append(c_word[i:j][on_key])
        del on_key, c_node
    del c_word, is_key
    carried_word = np.concatenate(c_words)
    carried_node = np.concatenate(c_nodes)
    del c_words, c_nodes
    carried = carried_node.astype(np.int64)
    carried *= n_words
    carried += carried_word  # node-major, ascending (the content rows' own order)
    carrier = carried_node[np.argsort(carried_word, kind="stable")]
    del carried_node
    carrier_len = np.bincount(carried_word, minlength=n_words)
    return _BlockKeys(k_word, np.cumsum(n_keys) - n_keys, n_keys, carrier, np.cumsum(carrier_len) - carrier_len,
                      carrier_len, carried)


def _share_a_key(keys: _BlockKeys, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which pairs (a, b) the blocking rule compares: one quote carries a key of the other
    (an excerpt's rare words are all in the longer quote)."""
    n_words = len(keys.carrier_len)
    keep = np.zeros(len(a), dtype=bool)
    for lo, hi in blocks(keys.n_keys[a] + keys.n_keys[b], _BLOCK_ROWS):
        for x, y in ((a[lo:hi], b[lo:hi]), (b[lo:hi], a[lo:hi])):
            lens = keys.n_keys[x]
            found = _contains(keys.carried, _combined(np.repeat(y, lens), n_words,
                                                      keys.key_word[ragged(keys.key_start[x], lens)]))
            keep[lo:hi] |= np.bincount(np.repeat(np.arange(len(x)), lens), weights=found, minlength=len(x)) > 0
    return keep


TOKENISE_ROWS = 50_000  # distinct quote texts turned into Python strings at a time


_SEQUENCE_BATCH = 65_536  # word sequences moved from _word_sequences' dict into its array at once


def _word_sequences(blocks: Iterable[pl.Series], spelled: _Interned) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nodes of the texts of ``blocks`` (distinct quote texts, a block at a time): each
    distinct sequence of at least MIN_GROUP_TOKENS spelled word ids is a node, numbered in
    order of first sight.

    Returns the node of each text (-1 when it is shorter or null), each node's length and all
    nodes' word ids end to end (int32). A sequence is kept as the bytes of its int32 ids, the one
    copy, as a key of the dict that numbers them: a tuple of ints per quote, in a dict and a
    list, took about 900 MB of Python objects at 200,000 articles (730,000 distinct quote
    texts) that stayed in the heap through the rest of quote groups. Texts become Python
    strings TOKENISE_ROWS at a time.
    """
    node_of: dict[bytes, int] = {}
    node_of_text = array("q")
    for texts in blocks:
        for off in range(0, len(texts), TOKENISE_ROWS):
            for t in texts.slice(off, TOKENISE_ROWS).to_list():
                words = array("i", map(spelled.__getitem__, _TOKEN_RE.findall(t.lower()))) if t else array("i")
                if len(words) < MIN_GROUP_TOKENS:
                    node_of_text.append(-1)
                else:
                    node_of_text.append(node_of.setdefault(words.tobytes(), len(node_of)))
    n_nodes = len(node_of)
    lengths = np.fromiter(map(len, node_of), dtype=np.int64, count=n_nodes) // 4
    ends = np.cumsum(lengths)
    w = np.empty(int(ends[-1]) if n_nodes else 0, dtype=np.int32)
    # The sequences go into ``w`` and out of the dict a batch at a time, the last nodes first
    # (popitem takes the last inserted, and a node's number is its insertion rank), so the
    # keys and the array are never both whole: joined at once (``b"".join``) they were quote
    # groups' peak at 400,000 bench articles (148 MB of words twice).
    hi = n_nodes
    while hi:
        lo = max(0, hi - _SEQUENCE_BATCH)
        batch = [node_of.popitem()[0] for _ in range(hi - lo)]
        batch.reverse()
        w[ends[lo] - lengths[lo]:ends[hi - 1]] = np.frombuffer(b"".join(batch), dtype=np.int32)
        del batch
        hi = lo
    return np.frombuffer(node_of_text, dtype=np.int64), lengths, w


_TEXT_HASH_SEED = 20240521  # quote_group_ids' hash of the texts (the flow uses DuckDB's hash)
TextsOfRows = Callable[[np.ndarray], Iterable[pl.Series]]
"""A source of quote texts: given row numbers (sorted), their texts in that order, a block
of rows at a time (the flow streams them from the warehouse: ``warehouse.spill.texts_of_rows``)."""


def quote_groups(quotes: pl.DataFrame) -> pl.DataFrame:
    """Set quote_group_id: one id per statement carried by one or more documents.

    Only whole (non-partial) quotes of at least ``MIN_GROUP_TOKENS`` words get a group; the
    id is the quote_id of the group's first member (smallest quote_id). Two quotes are the
    same statement when most word pairs of the shorter one (spelling-normalised, punctuation
    ignored) occur in the longer one, which links excerpts, re-punctuated copies and
    British/American spellings. Candidates are blocked on each quote's rarest words.
    """
    return quotes.with_columns(quote_group_ids(quotes).get_column("quote_group_id"))


def quote_group_ids(quotes: pl.DataFrame) -> pl.DataFrame:
    """``quote_groups``' groups as quote_id, quote_group_id, in the rows' order.

    Reads quote_id, text and is_partial (``quote_nodes``, then ``quote_group_ids_of``).
    """
    texts = quotes.get_column("text")

    def of_rows(rows: np.ndarray) -> Iterator[pl.Series]:
        for lo in range(0, len(rows), TOKENISE_ROWS):
            yield texts.gather(rows[lo:lo + TOKENISE_ROWS])

    nodes = quote_nodes(quotes.get_column("is_partial"), texts.hash(_TEXT_HASH_SEED).to_numpy(), of_rows)
    return quote_group_ids_of(quotes.get_column("quote_id"), nodes)


@dataclass
class QuoteNodes:
    """The quotes' distinct word sequences (``quote_nodes``)."""

    node: np.ndarray     # int32 per quote row: its sequence, -1 when partial or too short
    lengths: np.ndarray  # int64 per node: its words
    words: np.ndarray    # int32: every node's word ids, end to end
    vocab: dict[str, int]  # spelled word -> id

    def take_words(self) -> np.ndarray:
        """``words``, no longer held here (the largest array: its taker lets it go)."""
        words, self.words = self.words, np.zeros(0, dtype=np.int32)
        return words


def quote_nodes(is_partial: pl.Series, text_hash: np.ndarray, texts: TextsOfRows) -> QuoteNodes:
    """The node (distinct word sequence, ``_word_sequences``) of each quote row, given each
    row's ``is_partial`` and a 64-bit hash of its text.

    Only the texts are large, and only one text of each distinct hash is read, from
    ``texts``, a block at a time: that of its first whole quote. Copies of one text share
    its hash; two texts with one 64-bit hash (about one chance in 10^7 among 3 million
    distinct texts) would be taken as copies. Holding every quote's text, and the distinct
    texts again, was the peak of quote groups at 400,000 articles (1,447 MB alone).
    """
    node = np.full(len(is_partial), -1, dtype=np.int32)
    rows = np.flatnonzero(~is_partial.fill_null(False).to_numpy())
    vocab: dict[str, int] = {}
    if not len(rows):
        return QuoteNodes(node, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), vocab)
    _distinct_hashes, first, inverse = np.unique(text_hash[rows], return_index=True, return_inverse=True)
    del _distinct_hashes
    in_order = np.argsort(first)  # each distinct text's first row, in row order
    node_of_first, lengths, w = _word_sequences(texts(rows[first[in_order]]), _Interned(vocab))
    node_of_text = np.empty(len(first), dtype=np.int32)
    node_of_text[in_order] = node_of_first
    node[rows] = node_of_text[inverse.reshape(-1)]
    return QuoteNodes(node, lengths, w, vocab)


def quote_group_ids_of(ids: pl.Series, nodes: QuoteNodes) -> pl.DataFrame:
    """``quote_groups``' groups of the quotes ``ids`` (row by row with ``nodes``) as quote_id,
    quote_group_id, in the rows' order. Takes ``nodes``' words (``QuoteNodes.take_words``), let
    go once the linked pairs' word pairs are built."""
    out_schema = {"quote_id": pl.String, "quote_group_id": pl.String}
    nulls = pl.DataFrame({"quote_id": ids, "quote_group_id": pl.repeat(None, len(ids), dtype=pl.String, eager=True)},
                         schema=out_schema)
    vocab = nodes.vocab
    n_nodes = len(nodes.lengths)
    if not n_nodes:
        return nulls
    rows = np.flatnonzero(nodes.node >= 0)  # the quotes with a node, and their nodes
    row_node = nodes.node[rows]
    # Copies of one statement share one node: quotes with the same words compare the same
    # way with every other quote, so each distinct word sequence is indexed and compared once.
    weights = np.bincount(row_node, minlength=n_nodes).astype(np.int64)  # copies
    word_node = np.repeat(np.arange(n_nodes, dtype=np.int32), nodes.lengths)
    w = nodes.take_words()
    # Pairs are linked when they pass both the blocking and the containment rule; either rule
    # may list the pairs and the other filter them (the same pairs either way). Listing by the
    # keys' carriers costs one row per (key, carrier): when keys are few (4.99 million rows
    # against 37 million words at 400,000 bench articles) it is the cheaper; when many words
    # are rare enough to be keys it is not (847 million against 16 million at 200,000), and
    # the containment search lists the pairs instead (_candidate_pairs, keys filtering each
    # block of pairs found before it is counted).
    keys = _block_keys(word_node, w, weights, list(vocab), [vocab[s] for s in W.STOPWORDS if s in vocab])
    has_key = keys.n_keys > 0
    by_keys = int(keys.carrier_len[keys.key_word].sum()) <= BLOCK_FIRST_ROWS_PER_WORD * len(w)
    words = [word_node, w]
    del word_node, w  # the pair search lets them go once it has what it counts
    if by_keys:
        edge_a, edge_b = _linked_pairs(words, len(vocab), keys)
    else:
        edge_a, edge_b = _candidate_pairs(words, len(vocab), keep=functools.partial(_share_a_key, keys))
    del keys
    linked = np.zeros(n_nodes, dtype=bool)
    linked[edge_a] = True
    linked[edge_b] = True
    # Copies without a blocking key are never compared with each other: a node that links
    # to nothing and has no key leaves each copy alone (its own key, from its row).
    root = np.where(linked | has_key, components(n_nodes, edge_a, edge_b), -1)[row_node]
    grouped = pl.DataFrame({
        "i": rows, "quote_id": ids.gather(rows), "key": np.where(root >= 0, root, -1 - rows),
    }).select("i", pl.col("quote_id").min().over("key").alias("gid"))
    group = nulls.get_column("quote_group_id").scatter(grouped.get_column("i"), grouped.get_column("gid"))
    return nulls.with_columns(group)
