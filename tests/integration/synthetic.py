"""A small hand-written warehouse with every verdict, for the views, export and report tests.

The sample corpus reports one event without conflicts; these rows add what it lacks: a
conflict, a revision, open intervals ("more than 1,000"), a syndicated copy, a document
without outlet, a statement carried by three outlets, and an open alert. Rows go through
``transforms.schema.conform`` and the real DDL, so they cannot drift from the schema.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from transforms.schema import conform
from warehouse.db import apply_ddl, connect, insert_frame

STORY = "aaaa000000000001"
QUIET_STORY = "bbbb000000000002"  # a story without any fact: views must still list it


def _t(day: int, hour: int) -> datetime:
    return datetime(2021, 7, day, hour, 0, tzinfo=UTC)


# doc_id, outlet, published_at, duplicate_of, story, title, body sentences
DOCS = [
    ("d1", "presstv.ir", _t(5, 8), None, STORY, "More than 1,000 Afghan troops flee into Tajikistan",
     ["More than 1,000 Afghan troops fled into Tajikistan on Monday.",
      "Fewer than 25 people were killed in the clashes.",
      "\u201cWe are working to manage the situation,\u201d said Hamdullah Mohib."]),
    ("d2", "sputniknews.com", _t(5, 11), None, STORY, "1,037 Afghan soldiers cross into Tajikistan",
     ["Tajikistan said 1,037 Afghan troops fled across the border.",
      "35 people were killed in the clashes, officials said.",
      "\u201cWe are working to manage the situation,\u201d Mohib said."]),
    ("d3", "aljazeera.com", _t(6, 9), None, STORY, "Taliban take border districts",
     ["About 1,000 Afghan troops fled into Tajikistan, the committee said.",
      "Officials first said 300 families were displaced; the count rose to 450 families displaced by evening."]),
    ("d4", "tribune.com.pk", _t(6, 15), "d3", STORY, "Taliban take border districts",
     ["About 1,000 Afghan troops fled into Tajikistan, the committee said.",
      "\u201cWe are working to manage the situation,\u201d said Mohib."]),
    ("d5", None, _t(7, 6), None, STORY, None,
     ["Some 600 families were displaced, aid groups said."]),
    ("d6", "reuters.com", _t(8, 10), None, QUIET_STORY, "Talks resume in Doha",
     ["Negotiators met again in Doha on Thursday."]),
]

# number_id, doc_id, sentence_no, surface, value, low, high, qualifier, unit, unit_group
NUMBERS = [
    ("d1:0", "d1", 0, "More than 1,000", None, 1000.0, None, "more_than", "Afghan troops", "troops"),
    ("d1:1", "d1", 1, "Fewer than 25", None, None, 25.0, "less_than", "people", "people"),
    ("d2:0", "d2", 0, "1,037", 1037.0, 1037.0, 1037.0, "exact", "Afghan troops", "troops"),
    ("d2:1", "d2", 1, "35", 35.0, 35.0, 35.0, "exact", "people", "people"),
    ("d3:0", "d3", 0, "About 1,000", 1000.0, 900.0, 1100.0, "approximate", "Afghan troops", "troops"),
    ("d3:1", "d3", 1, "300", 300.0, 300.0, 300.0, "exact", "families", "families"),
    ("d4:0", "d4", 0, "About 1,000", 1000.0, 900.0, 1100.0, "approximate", "Afghan troops", "troops"),
    ("d5:0", "d5", 0, "Some 600", 600.0, 540.0, 660.0, "approximate", "families", "families"),
]

# fact_id, label, unit_group, n_mentions, n_documents, n_sources, low, high, value, status, number_ids
FACTS = [
    (f"{STORY}:troops", "Afghan troops fled", "troops", 4, 4, 3, 1037.0, 1037.0, 1037.0, "consistent",
     ["d1:0", "d2:0", "d3:0", "d4:0"]),
    (f"{STORY}:killed", "people killed", "people", 2, 2, 2, 25.0, 35.0, None, "conflict", ["d1:1", "d2:1"]),
    (f"{STORY}:displaced", "families displaced", "families", 2, 2, 2, 540.0, 660.0, 600.0, "revised",
     ["d3:1", "d5:0"]),
]

# quote_id, doc_id, sentence_no, text, speaker, quote_group_id
QUOTES = [
    ("d1:0", "d1", 2, "We are working to manage the situation,", "Hamdullah Mohib", "q-manage"),
    ("d2:0", "d2", 2, "We are working to manage the situation,", "Mohib", "q-manage"),
    ("d4:0", "d4", 1, "We are working to manage the situation,", "Mohib", "q-manage"),
]


def build_synthetic_warehouse(path: Path) -> Path:
    """Write the hand-made rows into a new warehouse file at ``path``; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    run_id = "20210708T000000Z-synthetic"
    documents, sentences = [], []
    for doc_id, outlet, at, dup, story, title, body in DOCS:
        text = " ".join(body)
        documents.append({
            "doc_id": doc_id, "source_path": f"{doc_id}.txt", "source_format": "txt", "source_encoding": "utf-8",
            "content_sha256": doc_id * 8, "outlet": outlet, "title": title, "published_at": at,
            "published_at_source": "header", "language": "en", "text": text, "raw_text": text,
            "n_chars": len(text), "story_id": story, "duplicate_of": dup,
            "duplicate_similarity": 1.0 if dup else None, "run_id": run_id,
        })
        start = 0
        for no, s in enumerate(body):
            sentences.append({"doc_id": doc_id, "sentence_no": no, "paragraph_no": 0, "char_start": start,
                              "char_end": start + len(s), "text": s, "role": "body"})
            start += len(s) + 1
    doc_text = {d["doc_id"]: d["text"] for d in documents}
    sent_start = {(s["doc_id"], s["sentence_no"]): s["char_start"] for s in sentences}
    numbers = []
    for number_id, doc_id, sno, surface, value, low, high, qualifier, unit, group in NUMBERS:
        start = doc_text[doc_id].index(surface, sent_start[(doc_id, sno)])
        numbers.append({"number_id": number_id, "doc_id": doc_id, "sentence_no": sno, "char_start": start,
                        "char_end": start + len(surface), "surface": surface, "value": value, "low": low,
                        "high": high, "qualifier": qualifier, "kind": "count", "unit": unit, "unit_group": group})
    quotes = []
    for quote_id, doc_id, sno, qtext, speaker, group_id in QUOTES:
        start = doc_text[doc_id].index(qtext)
        quotes.append({"quote_id": quote_id, "doc_id": doc_id, "sentence_no": sno, "char_start": start,
                       "char_end": start + len(qtext), "text": qtext, "speaker": speaker,
                       "is_partial": False, "quote_group_id": group_id})
    stories = []
    for story in (STORY, QUIET_STORY):
        docs = [d for d in documents if d["story_id"] == story]
        stories.append({
            "story_id": story, "label": next(d["title"] for d in docs if d["title"]),
            "n_documents": len(docs), "n_outlets": len({d["outlet"] for d in docs if d["outlet"]}),
            "n_independent": sum(d["duplicate_of"] is None for d in docs),
            "first_published_at": min(d["published_at"] for d in docs),
            "last_published_at": max(d["published_at"] for d in docs),
        })
    facts, links = [], []
    for fact_id, label, group, n_m, n_d, n_s, low, high, value, status, ids in FACTS:
        facts.append({"fact_id": fact_id, "story_id": STORY, "label": label, "unit_group": group, "kind": "count",
                      "n_mentions": n_m, "n_documents": n_d, "n_sources": n_s, "low": low, "high": high,
                      "value": value, "status": status})
        links.extend({"fact_id": fact_id, "number_id": i} for i in ids)
    alerts = [{
        "alert_id": f"fact_conflict:{STORY}:killed", "run_id": run_id, "created_at": _t(8, 12),
        "updated_at": _t(8, 12), "severity": "warning", "check_name": "fact_conflict",
        "subject": f"{STORY}:killed", "message": "Sources disagree on people killed: fewer than 25 vs 35.",
        "details": json.dumps({"values": ["Fewer than 25", "35"]}), "is_resolved": False,
    }]
    runs = [{"run_id": run_id, "started_at": _t(8, 12), "finished_at": _t(8, 12), "status": "succeeded",
             "files_seen": 6, "files_loaded": 6, "files_skipped": 0, "files_quarantined": 0}]
    con = connect(path)
    try:
        apply_ddl(con)
        for table, rows in (("runs", runs), ("documents", documents), ("sentences", sentences),
                            ("numbers", numbers), ("quotes", quotes), ("stories", stories),
                            ("facts", facts), ("fact_mentions", links), ("alerts", alerts)):
            insert_frame(con, table, conform(pl.DataFrame(rows, infer_schema_length=None), table))
    finally:
        con.close()
    return path


def ingest_sample(directory: Path, **options: object) -> Path:
    """Run the real ingest flow over data/sample/ into ``directory``; returns the warehouse.

    For module-scoped fixtures (the ``run_ingest`` fixture is per test); needs the session's
    ``prefect_harness``.
    """
    from flows.ingest import ingest
    from tests.conftest import SAMPLE

    warehouse = directory / "wh" / "newsledger.duckdb"
    summary = ingest([str(SAMPLE)], str(warehouse), options or None)
    assert summary.status == "succeeded", summary
    return warehouse
