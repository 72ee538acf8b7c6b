"""``newsledger parse``: files (or standard input) through the ingest transforms, no warehouse."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from flows.extract import read_bytes
from flows.settings import get_settings
from transforms.pipeline import ParsedBatch, parse_batch, records_frame
from transforms.records import file_format, parse_bytes

DOCUMENT_FIELDS = ("title", "subtitle", "outlet", "authors", "wire_agencies", "dateline", "section",
                   "external_id", "published_at", "language")


def parse_inputs(paths: list[str]) -> Iterator[dict[str, Any]]:
    """One dict per record (the ``parse --json`` contract), or {"source", "error"}."""
    limit = get_settings().max_file_bytes
    for p in paths:
        if p == "-":
            data, fmt, source = sys.stdin.buffer.read(limit + 1), "txt", "-"
        else:
            path = Path(p)
            source = str(path)
            try:
                data = read_bytes(path, limit)
            except OSError as exc:
                yield {"source": source, "error": f"unreadable: {exc.strerror or exc}"}
                continue
            fmt = file_format(path.name) or "txt"
        if len(data) > limit:
            yield {"source": source, "error": f"input too large: more than {limit} bytes"}
            continue
        records, rejections = parse_bytes(source, data, fmt)
        for rej in rejections:
            yield {"source": rej.source, "error": rej.reason}
        if records:
            yield from to_contract(parse_batch(records_frame(records)))


def to_contract(parsed: ParsedBatch) -> Iterator[dict[str, Any]]:
    sents = parsed.sentences.partition_by("doc_id", as_dict=True)
    quotes = parsed.quotes.partition_by("doc_id", as_dict=True)
    nums = parsed.numbers.partition_by("doc_id", as_dict=True)

    def rows(parts: dict[Any, pl.DataFrame], doc_id: str, cols: dict[str, str]) -> list[dict[str, Any]]:
        frame = parts.get((doc_id,))
        if frame is None:
            return []
        return frame.select([pl.col(src).alias(dst) for dst, src in cols.items()]).to_dicts()

    for d in parsed.documents.iter_rows(named=True):
        doc = {k: d[k] for k in DOCUMENT_FIELDS}
        if doc["published_at"] is not None:
            doc["published_at"] = doc["published_at"].isoformat()
        yield {
            "source": d["source_path"],
            "text": d["text"],
            "document": doc,
            "sentences": rows(sents, d["doc_id"], {"text": "text", "start": "char_start", "end": "char_end", "role": "role"}),
            "quotes": rows(quotes, d["doc_id"], {"text": "text", "speaker": "speaker", "start": "char_start", "end": "char_end"}),
            "numbers": rows(nums, d["doc_id"], {
                "surface": "surface", "value": "value", "low": "low", "high": "high", "qualifier": "qualifier",
                "kind": "kind", "unit": "unit", "unit_group": "unit_group", "start": "char_start",
                "end": "char_end", "sentence_no": "sentence_no"}),
        }
