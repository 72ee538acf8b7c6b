"""The flow's quote groups (texts streamed from the stage, one per distinct hash) are those of
``transforms.quotes.quote_group_ids`` on the same quotes held in memory."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from flows import ingest
from transforms import schema
from transforms.quotes import quote_group_ids
from warehouse import db, spill

WORDS = ("army", "bridge", "river", "town", "council", "election", "ceasefire", "talks", "rebuild", "colour",
         "neighbour", "defence", "troops", "province", "agreement", "minister", "protest", "harbour", "aid", "road")
GLUE = ("the", "of", "and", "we", "will", "to", "a", "in", "our")


def _quotes(seed: int) -> pl.DataFrame:
    """Statements and their copies, excerpts, re-spellings and re-punctuations, partial and
    short quotes, in random order across documents."""
    rng = random.Random(seed)
    rows = []
    for s in range(150):
        words = [rng.choice(WORDS) if k % 2 else rng.choice(GLUE) for k in range(rng.randint(8, 30))]
        variants = [" ".join(words), " ".join(words).upper() + "!", " ".join(words[: len(words) * 2 // 3]),
                    " ".join(words).replace("colour", "color").replace("neighbour", "neighbor"),
                    ", ".join(words), " ".join(words[:3])]
        for _ in range(rng.randint(1, 12)):
            rows.append((rng.choice(variants), rng.random() < 0.15))
        rows.append((f"statement {s} alone", False))
    rng.shuffle(rows)
    return pl.DataFrame({
        "quote_id": [f"d{i // 5:05d}:{i % 5:04d}" for i in range(len(rows))],
        "doc_id": [f"d{i // 5:05d}" for i in range(len(rows))],
        "sentence_no": 0, "char_start": 0, "char_end": [len(t) for t, _ in rows],
        "text": [t for t, _ in rows], "is_partial": [p for _, p in rows],
    })


@pytest.mark.parametrize("block", [3, 1000])
def test_flow_quote_groups_are_quote_group_ids(tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill, "ROWS_OF_TEXT", block)
    con = db.connect(tmp_path / "w.duckdb")
    db.apply_ddl(con)
    quotes = _quotes(5)
    for part in quotes.iter_slices(400):  # several inserts, then holes in the rowids
        db.insert_frame(con, "quotes", schema.conform(part, "quotes"))
    con.execute("delete from quotes where quote_id like '%:0003'")
    ingest._derive_quote_groups(con, "64MB")
    got = db.fetch_frame(con, "select quote_id, quote_group_id from quotes")
    expected = quote_group_ids(db.fetch_frame(con, "select quote_id, text, is_partial from quotes"))
    assert got.equals(expected)
    sizes = got.group_by("quote_group_id").len().filter(pl.col("quote_group_id").is_not_null())
    assert sizes["len"].max() >= 5  # copies, excerpts and spellings grouped
    assert got["quote_group_id"].null_count() > 0  # partial and short quotes are not
