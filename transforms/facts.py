"""Facts: the same quantity reported by several documents of a story, with a verdict.

First version: mentions align when they share story, kind, unit group, predicate class
(fled, killed, ...) and background marker ("other", "already", "last year" start a
different fact), and their subject modifiers (Afghan vs US) do not clash. Verdicts use
interval logic with a rounding band for round numbers, and publication time for revisions.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from transforms import schema
from transforms.lexicon.facts import (
    BACKGROUND_MARKERS,
    COUNTABLE_KINDS,
    PREDICATES,
    ROUND_NUMBER_BAND,
    SUBJECT_MODIFIERS,
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass
class _Mention:
    number_id: str
    doc_id: str
    source: str  # independent source: the original's doc_id for a copy
    outlet: str | None
    published_at: datetime | None
    low: float | None
    high: float | None
    value: float | None
    qualifier: str
    kind: str
    unit_group: str | None
    unit: str | None
    predicate: str | None
    marker: str | None
    modifiers: frozenset[str]


def context(sentence: str, start: int, end: int) -> tuple[str | None, str | None, frozenset[str]]:
    """Predicate class, background marker and subject modifiers of a mention in its sentence."""
    after = sentence[end:end + 120].lower()
    before = sentence[max(0, start - 80):start].lower()
    words_after = _WORD.findall(after)
    predicate = None
    for w in words_after[:12] + list(reversed(_WORD.findall(before)))[:8]:
        if w in PREDICATES:
            predicate = PREDICATES[w]
            break
    window = " " + " ".join(_WORD.findall(before)[-4:] + words_after[:14]) + " "
    marker = next((m for m in BACKGROUND_MARKERS if f" {m} " in window), None)
    unit_words = set(_WORD.findall(sentence[end:end + 60]))
    modifiers = frozenset(SUBJECT_MODIFIERS[w] for w in unit_words if w in SUBJECT_MODIFIERS)
    return predicate, marker, modifiers


def _band(m: _Mention) -> tuple[float, float]:
    """The interval a mention allows, widened for round exact numbers (reporting rounding)."""
    lo = m.low if m.low is not None else float("-inf")
    hi = m.high if m.high is not None else float("inf")
    if m.qualifier == "exact" and m.value is not None and m.value >= 100 and m.value % 100 == 0:
        lo, hi = m.value * (1 - ROUND_NUMBER_BAND), m.value * (1 + ROUND_NUMBER_BAND)
    return lo, hi


def _intersection(ms: list[_Mention]) -> tuple[float, float]:
    bands = [_band(m) for m in ms]
    return max(b[0] for b in bands), min(b[1] for b in bands)


def _verdict(ms: list[_Mention]) -> tuple[str, float, float, float | None]:
    lo, hi = _intersection(ms)
    sources = {m.source for m in ms}
    precise = [m for m in ms if m.value is not None and m.qualifier == "exact"]
    if lo <= hi:
        status = "consistent" if len(sources) > 1 else "single_source"
        best = next((m.value for m in precise if m.value is not None and lo <= m.value <= hi), None)
        return status, lo, hi, best
    # Disagreement: a revision when the reports, in publication order, only move one way and
    # the latest reports agree among themselves.
    dated = sorted((m for m in ms if m.published_at is not None), key=lambda m: m.published_at)  # type: ignore[arg-type,return-value]
    if len(dated) == len(ms) and len({m.published_at for m in dated}) > 1:
        latest_time = dated[-1].published_at
        latest = [m for m in dated if m.published_at == latest_time]
        llo, lhi = _intersection(latest)
        mids = [sum(x for x in _band(m) if abs(x) != float("inf")) for m in dated]
        monotone = all(a <= b for a, b in zip(mids, mids[1:], strict=False)) or all(
            a >= b for a, b in zip(mids, mids[1:], strict=False))
        if llo <= lhi and monotone:
            return "revised", llo, lhi, latest[0].value
    return "conflict", lo, hi, None


def _finite(x: float) -> float | None:
    return None if x in (float("inf"), float("-inf")) else x


def _label(ms: list[_Mention]) -> str:
    unit = next((m.unit for m in ms if m.unit), None) or (ms[0].unit_group or ms[0].kind)
    pred = ms[0].predicate
    marker = f" ({ms[0].marker})" if ms[0].marker else ""
    return f"{unit} {pred}{marker}" if pred else f"{unit}{marker}"


def facts(numbers: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per fact, and one row per (fact, number) link.

    Inputs: the numbers table; sentences (doc_id, sentence_no, char_start, text);
    documents (doc_id, story_id, outlet, published_at, duplicate_of).
    """
    candidates = numbers.filter(pl.col("kind").is_in(COUNTABLE_KINDS) & pl.col("unit_group").is_not_null())
    if candidates.is_empty():
        return schema.empty("facts"), schema.empty("fact_mentions")
    joined = (
        candidates.join(sentences.select("doc_id", "sentence_no", pl.col("char_start").alias("s_start"),
                                         pl.col("text").alias("s_text")), on=["doc_id", "sentence_no"])
        .join(documents.select("doc_id", "story_id", "outlet", "published_at", "duplicate_of"), on="doc_id")
        .filter(pl.col("story_id").is_not_null())
    )
    groups: dict[tuple[Any, ...], list[_Mention]] = defaultdict(list)
    for r in joined.iter_rows(named=True):
        pred, marker, mods = context(r["s_text"], r["char_start"] - r["s_start"], r["char_end"] - r["s_start"])
        m = _Mention(r["number_id"], r["doc_id"], r["duplicate_of"] or r["doc_id"], r["outlet"],
                     r["published_at"], r["low"], r["high"], r["value"], r["qualifier"], r["kind"],
                     r["unit_group"], r["unit"], pred, marker, mods)
        groups[(r["story_id"], m.kind, m.unit_group, pred, marker)].append(m)
    fact_rows, link_rows = [], []
    for key, ms in groups.items():
        for part in _split_by_subject(ms):
            digest = hashlib.sha256(repr((key, sorted(m.modifiers for m in part[:1]))).encode()).hexdigest()[:16]
            fact_id = f"{key[0]}:{digest}"
            status, lo, hi, best = _verdict(part)
            fact_rows.append({
                "fact_id": fact_id, "story_id": key[0], "label": _label(part), "unit_group": key[2],
                "kind": key[1], "n_mentions": len(part), "n_documents": len({m.doc_id for m in part}),
                "n_sources": len({m.source for m in part}), "low": _finite(lo), "high": _finite(hi),
                "value": best, "status": status,
            })
            link_rows.extend({"fact_id": fact_id, "number_id": m.number_id} for m in part)
    facts_frame = schema.conform(pl.DataFrame(fact_rows), "facts").unique("fact_id", keep="first")
    links = schema.conform(pl.DataFrame(link_rows), "fact_mentions").unique()
    return facts_frame, links


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
