"""Facts: the same quantity reported by several documents of a story, with a verdict.

Method (rules over the sentence around each mention; docs/facts.md has the details):

1. Block: mentions of one story with the same kind and unit dimension (measures compare in
   base units, so "3,700 km" and "2,300 miles" meet; counts by unit group, a missing unit
   group joining any).
2. Key: the predicate class read next to the mention (fled, killed, injured, ...), and a
   background marker ("other", "already", "last year", "including", a year or month that
   is not the publication's) split a block into candidate facts; clashing subject
   modifiers (Afghan vs US troops) split further.
3. Mentions without a predicate join only when their context words overlap (Jaccard) or
   they name the same uncommon proper noun.
4. Before a fact is called a conflict or a revision, its weakly linked mentions (naming a
   proper noun no other mention names, e.g. another place, or sharing no context word with
   the rest) are split off when they disagree: a conflict needs mentions that really talk
   about the same thing, because a false conflict becomes a false alert.
5. Verdict by interval logic: exact round numbers carry a rounding band, every exact value
   a small conversion slack; disagreement that follows publication time is a revision.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from transforms import schema
from transforms.lexicon.facts import (
    BACKGROUND_MARKERS,
    CONVERSION_SLACK,
    COUNTABLE_KINDS,
    MONTHS,
    NON_ANCHORS,
    NON_UNITS,
    PREDICATES,
    ROUND_NUMBER_BAND,
    STOPWORDS,
    SUBJECT_MODIFIERS,
    UNIT_DIMENSIONS,
)

_WORD = re.compile(r"[A-Za-z](?:[A-Za-z'’.-]*[A-Za-z])?")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_CLAUSE_END = re.compile(r"[;.!?](?:\s|$)|\s[–—-]\s")
_PLACE = re.compile(r"\b(into|in|to|at|near|over|from)\s+((?:(?!Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)[A-Z][\w-]+\s?){1,3})")
# Context: words either side of a mention that count for similarity and anchors.
_WINDOW_BEFORE, _WINDOW_AFTER = 10, 12
# Predicate search: words after the mention are preferred at equal distance.
_PRED_AFTER, _PRED_BEFORE = 10, 8
# Mentions without a predicate join when their context words overlap at least this much.
_MIN_JACCARD = 0.2
# A proper noun in at least this share of a story's documents is the story's own (not an anchor).
_UBIQUITOUS_SHARE = 0.5


@dataclass
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


def _unit_tokens(unit: str | None) -> set[str]:
    return {w.lower() for w in _WORD.findall(unit or "")}


def _marker(before: list[str], after: list[str], sentence: str, published_at: datetime | None) -> str | None:
    window = " " + " ".join(w.lower() for w in before[-4:] + after) + " "
    found = next((m for m in BACKGROUND_MARKERS if f" {m} " in window), None)
    if found or published_at is None:
        return found
    for y in _YEAR.findall(sentence):
        if int(y) != published_at.year:
            return f"in {y}"
    lowered = [w.lower() for w in before[-6:] + after]
    for prev, w in zip(lowered, lowered[1:], strict=False):
        if w in MONTHS and prev in ("in", "on", "since") and MONTHS[w] != published_at.month:
            return f"in {w.title()}"
    return None


def context(sentence: str, start: int, end: int, unit: str | None = None,
            published_at: datetime | None = None) -> tuple[str | None, str | None, frozenset[str]]:
    """Predicate class, background marker and subject modifiers of a mention in its sentence."""
    pred, _, marker, mods = _read(sentence, start, end, unit, published_at)
    return pred, marker, mods


def _clause(sentence: str, start: int, end: int) -> tuple[str, str]:
    """The text before and after the mention, cut at clause ends (full stop, semicolon, dash)."""
    before = sentence[:start]
    cuts = list(_CLAUSE_END.finditer(before))
    if cuts:
        before = before[cuts[-1].end():]
    after = sentence[end:]
    cut = _CLAUSE_END.search(after)
    return before, after[: cut.start()] if cut else after


def _read(sentence: str, start: int, end: int, unit: str | None,
          published_at: datetime | None) -> tuple[str | None, str | None, str | None, frozenset[str]]:
    before_text, after_text = _clause(sentence, start, end)
    before, after = _WORD.findall(before_text), _WORD.findall(after_text)
    skip = _unit_tokens(unit)
    pred, pred_word, best = None, None, float("inf")
    for i, w in enumerate(after[:_PRED_AFTER]):
        if w.lower() in PREDICATES and w.lower() not in skip:
            pred, pred_word, best = PREDICATES[w.lower()], w, i
            break
    for i, w in enumerate(reversed(before[-_PRED_BEFORE:])):
        if i + 0.5 >= best:
            break
        if w.lower() in PREDICATES:
            pred, pred_word = PREDICATES[w.lower()], w
            break
    marker = _marker(before, after[:12], sentence, published_at)
    # Whose quantity: the words of the unit phrase (or the two words after) and the word before.
    unit_words = set(_WORD.findall(unit) if unit else after[:2]) | set(before[-1:])
    modifiers = frozenset(SUBJECT_MODIFIERS[w] for w in unit_words if w in SUBJECT_MODIFIERS)
    return pred, pred_word, marker, modifiers


def _anchors_and_words(sentence: str, start: int, end: int, unit: str | None) -> tuple[frozenset[str], frozenset[str]]:
    before = _WORD.findall(sentence[:start])[-_WINDOW_BEFORE:]
    after = _WORD.findall(sentence[end:])[:_WINDOW_AFTER]
    skip = _unit_tokens(unit)
    anchors = frozenset(
        w.rstrip("'’s") for w in before + after
        if w[0].isupper() and w not in NON_ANCHORS and w not in SUBJECT_MODIFIERS
        and w.lower() not in MONTHS and len(w) > 2
    )
    words = frozenset(
        w.lower() for w in before + after
        if len(w) > 2 and w.lower() not in STOPWORDS and w.lower() not in PREDICATES
        and w.lower() not in skip and w.lower() not in MONTHS
    )
    return anchors, words


def _dimension(kind: str, unit_group: str | None) -> tuple[str | None, float]:
    """What a mention measures, and the factor to that dimension's base unit."""
    if kind in ("measure", "duration") and unit_group in UNIT_DIMENSIONS:
        return UNIT_DIMENSIONS[unit_group]
    if unit_group in NON_UNITS:
        return None, 1.0
    return unit_group, 1.0


def _scale(x: float | None, factor: float) -> float | None:
    return None if x is None else x * factor


def _band(m: _Mention) -> tuple[float, float]:
    """The interval a mention allows: exact values widened for rounding and conversion."""
    lo = m.low if m.low is not None else float("-inf")
    hi = m.high if m.high is not None else float("inf")
    if m.qualifier == "exact" and m.value is not None:
        v = m.value
        slack = abs(v) * CONVERSION_SLACK
        raw = round(abs(v) / _unit_factor(m))  # round-number test in the written unit
        if raw >= 100 and raw % 10 == 0:
            step = 10 ** (len(str(raw)) - len(str(raw).rstrip("0")))
            slack = max(slack, min(step / 2 * _unit_factor(m), abs(v) * ROUND_NUMBER_BAND))
        lo, hi = min(lo, v - slack), max(hi, v + slack)
    return lo, hi


def _unit_factor(m: _Mention) -> float:
    return _dimension(m.kind, m.unit)[1] if m.kind in ("measure", "duration") else 1.0


def _intersection(ms: Iterable[_Mention]) -> tuple[float, float]:
    bands = [_band(m) for m in ms]
    return max(b[0] for b in bands), min(b[1] for b in bands)


def _verdict(ms: list[_Mention]) -> tuple[str, float, float, float | None]:
    lo, hi = _intersection(ms)
    sources = {m.source for m in ms}
    precise = sorted((m for m in ms if m.value is not None and m.qualifier == "exact"),
                     key=lambda m: _band(m)[1] - _band(m)[0])
    if lo <= hi:
        status = "consistent" if len(sources) > 1 else "single_source"
        best = next((m.value for m in precise if m.value is not None and lo <= m.value <= hi), None)
        return status, lo, hi, best
    # Disagreement: a revision when the reports, in publication order, only move one way and
    # the latest reports agree among themselves.
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
        rising = all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(steps, steps[1:], strict=False))
        falling = all(a[0] >= b[0] and a[1] >= b[1] for a, b in zip(steps, steps[1:], strict=False))
        if llo <= lhi and all(s[0] <= s[1] for s in steps) and (rising or falling):
            best = next((m.value for m in latest if m.value is not None), None)
            return "revised", llo, lhi, best
    return "conflict", lo, hi, None


def _finite(x: float) -> float | None:
    return None if x in (float("inf"), float("-inf")) else x


def _most_common(items: Iterable[str | None]) -> str | None:
    counts = Counter(i for i in items if i)
    return counts.most_common(1)[0][0] if counts else None


def _label(ms: list[_Mention]) -> str:
    unit = _most_common(m.unit for m in ms) or ms[0].dim or ms[0].kind
    parts = [unit]
    if ms[0].predicate:
        parts.append((_most_common(m.pred_word.lower() for m in ms if m.pred_word) or ms[0].predicate))
    place = _most_common(m.place for m in ms)
    if place:
        parts.append(place)
    if ms[0].marker:
        parts.append(f"({ms[0].marker})")
    return " ".join(parts)


def facts(numbers: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per fact, and one row per (fact, number) link.

    Inputs: the numbers table; sentences (doc_id, sentence_no, char_start, text);
    documents (doc_id, story_id, outlet, published_at, duplicate_of). Only documents with a
    story take part. Every candidate mention (countable kind) belongs to exactly one fact;
    a mention no other matches is a single_source fact of its own.
    """
    candidates = numbers.filter(pl.col("kind").is_in(COUNTABLE_KINDS))
    if candidates.is_empty():
        return schema.empty("facts"), schema.empty("fact_mentions")
    joined = (
        candidates.join(sentences.select("doc_id", "sentence_no", pl.col("char_start").alias("s_start"),
                                         pl.col("text").alias("s_text")), on=["doc_id", "sentence_no"])
        .join(documents.select("doc_id", "story_id", "published_at", "duplicate_of"), on="doc_id")
        .filter(pl.col("story_id").is_not_null())
        .sort("doc_id", "char_start")
    )
    by_story: dict[str, list[_Mention]] = defaultdict(list)
    for r in joined.iter_rows(named=True):
        m = _mention(r)
        if m is not None:
            by_story[r["story_id"]].append(m)
    fact_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, str]] = []
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
            fact_rows.append({
                "fact_id": fact_id, "story_id": story_id, "label": _label(part),
                "unit_group": part[0].unit or part[0].dim, "kind": part[0].kind, "n_mentions": len(part),
                "n_documents": len({m.doc_id for m in part}), "n_sources": len({m.source for m in part}),
                "low": _finite(lo), "high": _finite(hi), "value": best, "status": status,
            })
            link_rows.extend({"fact_id": fact_id, "number_id": m.number_id} for m in part)
    if not fact_rows:
        return schema.empty("facts"), schema.empty("fact_mentions")
    return (schema.conform(pl.DataFrame(fact_rows), "facts"),
            schema.conform(pl.DataFrame(link_rows), "fact_mentions"))


def _mention(r: dict[str, Any]) -> _Mention | None:
    sentence, start, end = r["s_text"], r["char_start"] - r["s_start"], r["char_end"] - r["s_start"]
    if not (0 <= start <= end <= len(sentence)):
        return None
    dim, factor = _dimension(r["kind"], r["unit_group"])
    if r["kind"] == "duration" and dim is None:
        return None
    pred, pred_word, marker, mods = _read(sentence, start, end, r["unit"], r["published_at"])
    anchors, words = _anchors_and_words(sentence, start, end, r["unit"])
    place_m = _PLACE.search(sentence, end)
    place = f"{place_m.group(1)} {place_m.group(2).strip()}" if place_m and pred else None
    return _Mention(
        r["number_id"], r["doc_id"], r["duplicate_of"] or r["doc_id"], r["published_at"],
        _scale(r["low"], factor), _scale(r["high"], factor), _scale(r["value"], factor),
        r["qualifier"], r["kind"], dim, r["unit_group"] if r["kind"] in ("measure", "duration") else r["unit"],
        pred, pred_word, marker, mods, anchors, words, place,
    )


def _story_facts(ms: list[_Mention]) -> list[list[_Mention]]:
    """Partition one story's mentions into facts."""
    n_docs = len({m.doc_id for m in ms})
    df: Counter[str] = Counter()
    for doc_anchors in _by_doc_anchors(ms).values():
        df.update(doc_anchors)
    common = {a for a, n in df.items() if n_docs >= 2 and n >= _UBIQUITOUS_SHARE * n_docs}
    blocks: dict[tuple[Any, ...], list[_Mention]] = defaultdict(list)
    for m in ms:
        blocks[(m.kind, m.predicate, m.marker)].append(m)
    out: list[list[_Mention]] = []
    for block in blocks.values():
        for by_dim in _split_by_dimension(block):
            for part in _split_by_subject(by_dim):
                groups = [part] if part[0].predicate else _link_by_context(part, common)
                for g in groups:
                    out.extend(_settle(g, common))
    return out


def _by_doc_anchors(ms: list[_Mention]) -> dict[str, set[str]]:
    per_doc: dict[str, set[str]] = defaultdict(set)
    for m in ms:
        per_doc[m.doc_id] |= m.anchors
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


def _similar(a: _Mention, b: _Mention, common: set[str]) -> bool:
    if (a.anchors - common) & (b.anchors - common):
        return True
    union = a.words | b.words
    return bool(union) and len(a.words & b.words) / len(union) >= _MIN_JACCARD


def _link_by_context(ms: list[_Mention], common: set[str]) -> list[list[_Mention]]:
    """Connected components of the 'similar context' relation (groups here are small)."""
    parent = list(range(len(ms)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(ms)):
        for j in range(i + 1, len(ms)):
            if find(i) != find(j) and _similar(ms[i], ms[j], common):
                parent[find(i)] = find(j)
    comps: dict[int, list[_Mention]] = defaultdict(list)
    for i, m in enumerate(ms):
        comps[find(i)].append(m)
    return list(comps.values())


def _weak(m: _Mention, group: list[_Mention], common: set[str]) -> bool:
    """Weakly linked: names an uncommon proper noun no other mention names, or shares no
    context word with any other mention of the group."""
    others = [o for o in group if o is not m]
    other_anchors = set().union(*(o.anchors for o in others)) if others else set()
    if (m.anchors - common) - other_anchors:
        return True
    return not any(m.words & o.words for o in others)


def _agrees(ms: list[_Mention]) -> bool:
    return _verdict(ms)[0] in ("consistent", "single_source")


def _peel_by_anchor(group: list[_Mention], common: set[str]) -> tuple[list[list[_Mention]], list[_Mention]]:
    """Peel off mentions naming one uncommon proper noun (a sub-place, another event's place)
    when they agree among themselves, until the rest agrees: "six districts of Badakhshan"
    against "dozens of districts". Returns the peeled groups and the rest."""
    peeled: list[list[_Mention]] = []
    rest = group
    counts = Counter(a for m in group for a in m.anchors - common)
    for anchor, _ in counts.most_common():
        if _agrees(rest):
            break
        named = [m for m in rest if anchor in m.anchors]
        if named and len(named) < len(rest) and _agrees(named):
            peeled.append(named)
            rest = [m for m in rest if anchor not in m.anchors]
    return peeled, rest


def _settle(group: list[_Mention], common: set[str]) -> list[list[_Mention]]:
    """Split off weakly linked mentions that disagree, before a conflict or revision is called."""
    if len(group) < 2 or _agrees(group):
        return [group]
    peeled, group = _peel_by_anchor(group, common)
    if len(group) < 2 or _agrees(group):
        return [*peeled, group]
    strong = [m for m in group if not _weak(m, group, common)]
    weak = [m for m in group if _weak(m, group, common)]
    if not strong:
        return [*peeled, *([m] for m in group)]
    kept, alone = list(strong), []
    for m in weak:
        if _verdict([*kept, m])[0] in ("consistent", "single_source") or _verdict(kept)[0] == _verdict([*kept, m])[0] == "revised":
            kept.append(m)
        else:
            alone.append([m])
    return [*peeled, kept, *alone]
