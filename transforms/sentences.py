"""Sentence segmentation with exact character offsets.

Interface (used by transforms/pipeline.py, quotes, numbers):
- ``split_sentences(text) -> list[Sentence]``: one item per sentence of ``text``;
  ``text[s.start:s.end]`` is the sentence, whitespace trimmed; ``paragraph_no`` counts
  blank-line separated blocks (0-based); ``role`` is "body", "heading" or "list_item".
- ``sentences(documents) -> pl.DataFrame``: one row per sentence; input columns doc_id, text;
  output conforms to ``schema.TABLES["sentences"]``.

How it works. Paragraphs are blank-line separated blocks. Inside a paragraph a single line
break is a hard break after a short line without final punctuation (a heading) or around a
list item, and whitespace otherwise. One compiled regex finds the candidate boundaries of
the whole text once (a run of . ! ? … with its closing quotes and brackets, then whitespace,
the end, an adjacent opening quote, or a capitalised word glued to a lowercase one where
scraping lost a line break); each block takes its candidates by bisection, and a few lines
of Python decide each one from the word before it (abbreviation tables in
``transforms.lexicon.abbreviations``) and the word after it. Lowercase after the candidate
never starts a sentence. Every backward look is bounded, so the work stays linear in the
text size. How the rules were measured: docs/sentences.md.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import chain
from typing import NamedTuple

import polars as pl

from transforms import schema
from transforms.lexicon.abbreviations import (
    AMBIGUOUS,
    FRAGMENT_PREPOSITIONS,
    NUMBER_PREFIXES,
    STARTERS,
    TITLES,
)


class Sentence(NamedTuple):
    start: int
    end: int
    paragraph_no: int
    role: str


# (start, end, paragraph_no, role): a Sentence before it is named.
_Row = tuple[int, int, int, str]


# --- patterns and character tables -------------------------------------------------------

# Paragraph separator: a blank line (possibly holding spaces).
_PARA_SEP = re.compile(r"\n[^\S\n]*\n\s*")
# Candidate boundary: a spaced ellipsis (". . .") or a run of terminal marks, its closing
# quotes and brackets (group 1), then whitespace (group 2), the end, a curly opening quote,
# (after a straight quote) a word: `surrender.""It is`, or, with no closer, a capitalised
# word glued to a lowercase one: `across the ocean.The rings` (paragraphs whose line break
# was lost in scraping).
_TAIL = r"""([”’"'»)\]]*)(?:(\s+)|\Z|(?=[“‘«])|(?<=["'])(?=\w)|(?<=[a-z][a-z][.!?])(?=[A-Z][a-z]))"""
_CAND = re.compile(r"(?:\.(?: \.){2,}|[.!?…]+)" + _TAIL)
# The same for a block without ! ? …: a literal first character lets `re` scan ~8x faster.
_CAND_DOT = re.compile(r"\.(?:(?: \.){2,}|\.*)" + _TAIL)
_OTHER_TERMINALS = "?!…"
# Opening quotes and brackets skipped to find the first letter of the next sentence.
_OPENERS = "\"'“‘«([{"
_CURLY_OPENERS = "“‘«"
# Last characters that count as final punctuation for a line (closing quotes skipped).
_FINAL = frozenset(".!?…:;,")
_CLOSERS = "”’\"'»)]"
_WORD = re.compile(r"[A-Za-z]+")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
# List markers at the start of a block or line: bullets, "1.", "1)", "1.)", "a.".
_BULLETS = "•⁃▪◦‣●∙·*–-"
_MARKER = re.compile(r"([•⁃▪◦‣●∙·*])\s*(?:(\d{1,3}|[a-z])(\.\)|\)|\.)\s+)?|(\d{1,3}|[a-z])(\.\)|\)|\.)\s+|[-–]\s+")
# AFP-style subheading opening a paragraph: "- 'Emergency situation' - Already thinly ...".
_DASH_HEADING = re.compile(r"[-–—]\s+(\S[^\n]{0,80}?)\s+[-–—](?:\s+|\Z)")
# Abbreviation kinds (bit flags), one lookup per period.
_TITLE, _NUMBER_PREFIX, _AMBIGUOUS = 1, 2, 4
_ABBREVIATIONS: dict[str, int] = {}
for _kind, _words in ((_TITLE, TITLES), (_NUMBER_PREFIX, NUMBER_PREFIXES), (_AMBIGUOUS, AMBIGUOUS)):
    for _w in _words:
        _ABBREVIATIONS[_w] = _ABBREVIATIONS.get(_w, 0) | _kind
# A heading line is at most this long (characters).
_HEADING_MAX = 120
# The word before a period is looked for this far back (longer tokens are no abbreviation),
# and a prepositional fragment ("At 5 a.m.") is at most this long.
_WORD_MAX = 40
_FRAGMENT_MAX = 60


# --- candidate decision ------------------------------------------------------------------

def _is_fragment(text: str, s0: int, ts: int) -> bool:
    """True when text[s0:ts] is a short prepositional opener ("At 5 a.m.")."""
    if ts - s0 > _FRAGMENT_MAX:
        return False
    words = text[s0:ts].split(None, 5)
    return len(words) <= 4 and words[0].lower().lstrip(_OPENERS) in FRAGMENT_PREPOSITIONS


def _is_glued_boundary(text: str, lo: int, ts: int, nxt: int) -> bool:
    """True when `word.Word` (no space) at ts is a lost paragraph break, not `www.Site.com`."""
    w0 = max(lo, ts - _WORD_MAX)
    k = max(text.rfind(" ", w0, ts), text.rfind("\n", w0, ts), w0 - 1)
    before = text[k + 1:ts]
    if any(ch in before for ch in "./@:#"):
        return False
    w = _WORD.match(text, nxt)
    return w is None or text[w.end():w.end() + 1] not in (".", "/", "@")


def _candidates(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    """Matches of ``_CAND`` in text[lo:hi], in order.

    ``re`` scans for a literal first character ~10x faster than for a character class, so
    the common case (periods) is one literal-prefixed scan; each ! ? … is found with
    ``str.find`` and matched in place.
    """
    found = list(_CAND_DOT.finditer(text, lo, hi))
    extra: list[re.Match[str]] = []
    for ch in _OTHER_TERMINALS:
        p = text.find(ch, lo, hi)
        while p != -1:
            m = _CAND.match(text, p, hi)
            if m is not None:
                extra.append(m)
            p = text.find(ch, p + 1, hi)
    if not extra:
        return found
    merged: list[re.Match[str]] = []
    last = -1
    for m in sorted(found + extra, key=_match_key):
        if m.start() >= last:
            merged.append(m)
            last = m.end()
    return merged


def _match_key(m: re.Match[str]) -> tuple[int, int]:
    # Earlier start first; at the same start the longer match.
    return m.start(), -m.end()


class _Cands(NamedTuple):
    """The candidate boundaries of a whole text, found once, and their start offsets."""

    matches: list[re.Match[str]]
    starts: list[int]


def _segment(text: str, lo: int, hi: int, skip: int, para: int, role: str,
             out: list[_Row], cands: _Cands) -> None:
    """Append the sentences of the block text[lo:hi] (trimmed); search boundaries from skip."""
    s0 = lo
    multiline = text.find("\n", lo, hi) != -1
    matches = cands.matches
    # Straight double quotes counted so far (from lo to qpos), for the parity rule below.
    qpos, quotes = lo, 0
    for i in range(bisect_left(cands.starts, skip), len(matches)):
        m = matches[i]
        ts, nxt = m.span()
        if nxt >= hi:
            break
        cs, cut = m.span(1)
        if nxt == cut:
            # No whitespace: an adjacent opening quote starts the next sentence.
            if text[nxt] in _CURLY_OPENERS:
                pass
            elif cut - cs >= 2:
                cut = nxt = cut - 1
            elif cut == cs:
                # A word glued to the period: not inside a URL, a handle or a dotted name.
                if not _is_glued_boundary(text, lo, ts, nxt):
                    continue
            elif text[cs] == '"':
                # `place."My thinking`: with an even number of quotes before it this one opens
                # the next sentence; with an odd number it closes this one (`over."Then`).
                quotes += text.count('"', qpos, cs)
                qpos = cs
                if quotes % 2 == 0:
                    cut = nxt = cs
            else:
                continue
        # First letter of the next sentence, behind any opening quotes and brackets.
        j = nxt
        c = text[j]
        while c in _OPENERS:
            j += 1
            if j >= hi:
                break
            c = text[j]
        if c.islower() or j >= hi:
            continue
        if cs == ts + 1 and text[ts] == ".":
            # One period: decide from the word before it.
            # The word before the period; a block's first word starts at lo (rfind gives -1).
            # The search window is bounded so that text without spaces stays linear.
            w0 = max(lo, ts - _WORD_MAX)
            k = max(text.rfind(" ", w0, ts), w0 - 1)
            if multiline:
                k = max(k, text.rfind("\n", w0, ts))
            tok = text[k + 1:ts].lstrip(_OPENERS)
            kind = _ABBREVIATIONS.get(tok.lower(), 0)
            if (len(tok) == 1 and tok.isalpha()) or ("." in tok and _DOTTED.fullmatch(tok)):
                kind |= _AMBIGUOUS
            if kind:
                closed = cut > cs
                if kind & _TITLE and not closed:
                    continue
                if c.isdigit():
                    if kind & (_NUMBER_PREFIX | _AMBIGUOUS):
                        continue
                elif kind & _AMBIGUOUS and not closed:
                    w = _WORD.match(text, j)
                    if w is not None:
                        nw = _ABBREVIATIONS.get(w.group().lower(), 0)
                        if nw & _TITLE:
                            if _is_fragment(text, s0, ts):
                                continue
                        elif w.group().lower() not in STARTERS:
                            continue
        elif text.find("!", ts, cs) == -1 and text.find("?", ts, cs) == -1:
            # An ellipsis.
            before = text[ts - 1] if ts > lo else " "
            term = text[ts:cs]
            dots = term.count(".")
            if " " in term:  # spaced ellipsis ". . ."
                if before == " ":
                    if dots < 4:
                        continue
                elif dots >= 4:  # "compounds. . . . The": the word's own period ends it
                    cut = ts + 1
                    nxt = ts + 2
            elif before in "[(":  # "[...]" marks an omission
                continue
            elif before == " " and dots <= 3 and "…" not in term:
                continue
        if s0 < cut:
            out.append((s0, cut, para, role))
        s0 = nxt
    if s0 < hi:
        out.append((s0, hi, para, role))


# --- blocks, lines and paragraphs ----------------------------------------------------------

def _has_final(text: str, lo: int, hi: int) -> bool:
    """True when text[lo:hi] (trimmed) ends with final punctuation (closers skipped)."""
    j = hi - 1
    while j > lo and text[j] in _CLOSERS:
        j -= 1
    return text[j] in _FINAL


def _is_heading_line(text: str, lo: int, hi: int) -> bool:
    return hi - lo <= _HEADING_MAX and not text[lo].islower() and not _has_final(text, lo, hi)


def _list_items(text: str, lo: int, hi: int, m: re.Match[str]) -> list[tuple[int, int]]:
    """(item start, marker end) of each item of an inline list starting at ``lo``."""
    bullet = m.group(1)
    if bullet:
        starts = [lo]
        j = text.find(bullet, m.end(), hi)
        while j != -1:
            if text[j - 1].isspace():
                starts.append(j)
            j = text.find(bullet, j + 1, hi)
        items = []
        for s in starts:
            mm = _MARKER.match(text, s, hi)
            items.append((s, mm.end() if mm else s + 1))
        return items
    label, style = m.group(4), m.group(5)
    if label is None:  # "- item"
        return [(lo, m.end())]
    items = [(lo, m.end())]
    pat = re.compile(r"(?<=\s)(\d{1,3}|[a-zA-Z])" + re.escape(style) + r"\s+")
    expect = _next_label(label)
    for mm in pat.finditer(text, m.end(), hi):
        if mm.group(1) == expect:
            items.append((mm.start(), mm.end()))
            expect = _next_label(expect)
    return items


def _next_label(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


def _block(text: str, lo: int, hi: int, para: int, whole_line: bool, out: list[_Row],
           cands: _Cands) -> None:
    """Segment one block text[lo:hi] (trimmed, non-empty): a heading, a list item or body."""
    first = text[lo]
    if first in _BULLETS or first.isdigit() or (first.isalpha() and text[lo + 1:lo + 2] in (".", ")")):
        if first in "-–":
            dh = _DASH_HEADING.match(text, lo, hi)
            if dh is not None:
                out.append((dh.start(1), dh.end(1), para, "heading"))
                if dh.end() < hi:
                    _block(text, dh.end(), hi, para, False, out, cands)
                return
        m = _MARKER.match(text, lo, hi)
        if m is not None and m.end() < hi:
            items = _list_items(text, lo, hi, m)
            for n, (s, skip) in enumerate(items):
                e = items[n + 1][0] if n + 1 < len(items) else hi
                while text[e - 1].isspace():
                    e -= 1
                _segment(text, s, e, skip, para, "list_item", out, cands)
            return
    role = "heading" if whole_line and _is_heading_line(text, lo, hi) else "body"
    _segment(text, lo, hi, lo, para, role, out, cands)


def _is_marker_line(text: str, lo: int, hi: int) -> bool:
    """True when the line text[lo:hi] starts with a list marker (not a dash subheading)."""
    first = text[lo]
    if first in _BULLETS or first.isdigit() or (first.islower() and text[lo + 1:lo + 2] in (".", ")")):
        m = _MARKER.match(text, lo, hi)
        return m is not None and m.end() < hi and not (first in "-–" and _DASH_HEADING.match(text, lo, hi))
    return False


def _paragraph(text: str, lo: int, hi: int, para: int, out: list[_Row], cands: _Cands) -> None:
    """Segment the paragraph text[lo:hi] (trimmed, non-empty)."""
    if text.find("\n", lo, hi) == -1:
        _block(text, lo, hi, para, True, out, cands)
        return
    # Lines (trimmed, non-empty), with whether each opens a list item.
    lines: list[tuple[int, int, bool]] = []
    pos = lo
    for line in text[lo:hi].split("\n"):
        n = len(line)
        body = line.strip()
        if body:
            a = pos + n - len(line.lstrip())
            b = a + len(body)
            lines.append((a, b, _is_marker_line(text, a, b)))
        pos += n + 1
    bstart = lines[0][0]
    nlines = 1
    last = len(lines) - 1
    for n, (a, b, marker) in enumerate(lines):
        if n < last:
            na, _, next_marker = lines[n + 1]
            if not (marker or next_marker
                    or (_is_heading_line(text, a, b) and not text[na].islower())):
                nlines += 1
                continue
        _block(text, bstart, b, para, nlines == 1, out, cands)
        if n < last:
            bstart = lines[n + 1][0]
            nlines = 1


# --- public interface ----------------------------------------------------------------------

def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with exact offsets, paragraph number and role, in order."""
    return [Sentence(*row) for row in _split(text)]


def _split(text: str) -> list[_Row]:
    """split_sentences as plain tuples (the frame builder skips the named tuples)."""
    out: list[_Row] = []
    found = _candidates(text, 0, len(text))
    cands = _Cands(found, [m.start() for m in found])
    para = 0
    pos = 0
    n = len(text)
    for m in chain(_PARA_SEP.finditer(text), (None,)):
        end = m.start() if m is not None else n
        a, b = pos, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            _paragraph(text, a, b, para, out, cands)
            para += 1
        pos = m.end() if m is not None else n
    return out


def sentences(documents: pl.DataFrame) -> pl.DataFrame:
    """One row per sentence of each document's cleaned text.

    Input columns doc_id, text (null text gives no rows). Output conforms to
    ``schema.polars_schema("sentences")``: sentence_no is 0-based within the document and
    ``text == documents.text[char_start:char_end]``.
    """
    ids = documents.get_column("doc_id").to_list()
    counts: list[int] = []
    found: list[_Row] = []
    texts: list[str] = []
    for text in documents.get_column("text").to_list():
        sents = _split(text) if text else []
        counts.append(len(sents))
        found.extend(sents)
        texts.extend([text[a:b] for a, b, _, _ in sents])
    if not found:
        return schema.empty("sentences")
    starts, ends, paras, roles = zip(*found, strict=True)
    # Documents without sentences are dropped first: exploding an empty list gives a null.
    per_doc = pl.DataFrame({"doc_id": pl.Series(ids, dtype=pl.String),
                            "n": pl.Series(counts, dtype=pl.Int64)}).filter(pl.col("n") > 0)
    keys = per_doc.select(
        pl.col("doc_id").repeat_by("n").explode(),
        pl.int_ranges(0, "n").explode().alias("sentence_no"),
    )
    frame = pl.DataFrame({
        "doc_id": keys.get_column("doc_id"),
        "sentence_no": keys.get_column("sentence_no"),
        "paragraph_no": pl.Series(paras, dtype=pl.Int64),
        "char_start": pl.Series(starts, dtype=pl.Int64),
        "char_end": pl.Series(ends, dtype=pl.Int64),
        "text": pl.Series(texts, dtype=pl.String),
        "role": pl.Series(roles, dtype=pl.String),
    })
    return schema.conform(frame, "sentences")
