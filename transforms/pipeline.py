"""Compose the per-document stages: records -> documents, sentences, quotes, numbers.

Pure: the same function serves ``newsledger parse`` and the ingest flow. Stages that need
the whole warehouse (copies, stories, facts) run after loading, in ``transforms.stories``
and ``transforms.facts``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import polars as pl

from transforms import schema
from transforms.documents import documents
from transforms.numbers import numbers
from transforms.quotes import quotes
from transforms.records import Record
from transforms.sentences import sentences

# A timer is a context-manager factory taking a stage name; the caller owns the clock.
Timer = Callable[[str], AbstractContextManager[object]]


@contextlib.contextmanager
def _no_timer(_: str) -> Iterator[None]:
    yield


@dataclass
class ParsedBatch:
    documents: pl.DataFrame
    sentences: pl.DataFrame
    quotes: pl.DataFrame
    numbers: pl.DataFrame


RECORD_SCHEMA = pl.Schema({
    "doc_id": pl.String, "source_path": pl.String, "source_format": pl.String,
    "content_sha256": pl.String, "raw_text": pl.String, "meta_json": pl.String, "source_encoding": pl.String,
})


def records_frame(records: Sequence[Record]) -> pl.DataFrame:
    """Records as the frame ``documents()`` takes, one row per distinct content."""
    frame = pl.DataFrame(
        [(r.doc_id, r.source, r.source_format, r.content_sha256, r.raw_text, r.meta_json, r.encoding)
         for r in records],
        schema=RECORD_SCHEMA, orient="row",
    )
    return frame.unique(subset="doc_id", keep="first", maintain_order=True)


def parse_batch(records: pl.DataFrame, timer: Timer = _no_timer) -> ParsedBatch:
    """Parse one batch of records through every per-document stage."""
    if records.is_empty():
        return ParsedBatch(*(schema.empty(t) for t in ("documents", "sentences", "quotes", "numbers")))
    with timer("documents"):
        docs = documents(records)
    with timer("sentences"):
        sents = sentences(docs.select("doc_id", "text"))
    with timer("quotes"):
        qs = quotes(docs.select("doc_id", "text"), sents)
    with timer("numbers"):
        nums = numbers(sents)
    return ParsedBatch(docs, sents, qs, nums)


def parse_frames(records: pl.DataFrame) -> tuple[pl.DataFrame, ...]:
    """``parse_batch`` for a worker process: its four frames, then the stage seconds as a frame."""
    seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def timer(name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0

    parsed = parse_batch(records, timer)
    times = pl.DataFrame({"stage": list(seconds), "seconds": list(seconds.values())},
                         schema={"stage": pl.String, "seconds": pl.Float64})
    return parsed.documents, parsed.sentences, parsed.quotes, parsed.numbers, times
