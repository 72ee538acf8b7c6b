"""Parse article files through the real per-document stages, for the facts bench and tests.

Uses ``transforms.pipeline.parse_batch`` (documents -> sentences -> numbers). While a stage
is still a stub (``NotImplementedError``), a minimal stand-in takes its place and the name
of the stand-in is returned in ``ParsedArticles.stand_ins`` so results say what ran.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from transforms import schema
from transforms.numbers import numbers as numbers_stage
from transforms.pipeline import parse_batch, records_frame
from transforms.records import parse_bytes


@dataclass
class ParsedArticles:
    documents: pl.DataFrame
    sentences: pl.DataFrame
    numbers: pl.DataFrame
    stand_ins: list[str] = field(default_factory=list)


_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"“'‘(]?[A-Z0-9])")


def _stand_in_documents(records: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for r in records.iter_rows(named=True):
        meta = json.loads(r["meta_json"]) if r["meta_json"] else {}
        text = r["raw_text"]
        published = None
        if meta.get("date_publish"):
            published = datetime.fromisoformat(str(meta["date_publish"])).replace(tzinfo=UTC)
        rows.append({"doc_id": r["doc_id"], "source_path": r["source_path"], "source_format": r["source_format"],
                     "content_sha256": r["content_sha256"], "outlet": meta.get("source_domain"),
                     "title": meta.get("title"), "published_at": published, "text": text,
                     "raw_text": r["raw_text"], "n_chars": len(text), "run_id": "bench"})
    return schema.conform(pl.DataFrame(rows, infer_schema_length=None), "documents")


def _stand_in_sentences(docs: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for doc_id, text in docs.select("doc_id", "text").iter_rows():
        n = 0
        for p_no, para in enumerate(re.finditer(r"[^\n]+", text)):
            pos = para.start()
            for piece in _SPLIT.split(para.group(0)):
                start = text.index(piece, pos)
                rows.append({"doc_id": doc_id, "sentence_no": n, "paragraph_no": p_no, "char_start": start,
                             "char_end": start + len(piece), "text": piece, "role": "body"})
                pos = start + len(piece)
                n += 1
    return schema.conform(pl.DataFrame(rows), "sentences")


def parse_files(paths: list[Path]) -> ParsedArticles:
    """Documents, sentences and numbers of the given .txt / .json article files."""
    records = []
    for p in paths:
        recs, _ = parse_bytes(str(p), p.read_bytes(), "json" if p.suffix == ".json" else "txt")
        records.extend(recs)
    frame = records_frame(records)
    try:
        batch = parse_batch(frame)
        return ParsedArticles(batch.documents, batch.sentences, batch.numbers)
    except NotImplementedError:
        pass
    stand_ins: list[str] = []
    try:
        from transforms.documents import documents

        docs = documents(frame)
    except NotImplementedError:
        docs, stand_ins = _stand_in_documents(frame), [*stand_ins, "documents"]
    try:
        from transforms.sentences import sentences

        sents = sentences(docs.select("doc_id", "text"))
    except NotImplementedError:
        sents, stand_ins = _stand_in_sentences(docs), [*stand_ins, "sentences"]
    return ParsedArticles(docs, sents, numbers_stage(sents), stand_ins)
