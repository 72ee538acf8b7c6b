"""warehouse.spill: scratch frames on disk and documents' text streamed from the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from warehouse import db, spill


def test_disk_spill_gives_back_frames_in_order_once(tmp_path: Path) -> None:
    store = spill.DiskSpill(tmp_path / "s")
    store.put("a", pl.DataFrame({"x": [1, 2]}))
    store.put("b", pl.DataFrame({"x": [9]}))
    store.put("a", pl.DataFrame({"x": [3]}))
    taken = store.take("a")
    assert taken is not None
    assert taken["x"].to_list() == [1, 2, 3]
    assert store.take("a") is None  # taken frames are forgotten, and their files gone
    assert len(list((tmp_path / "s").iterdir())) == 1
    store.close()
    assert not (tmp_path / "s").exists()


def test_disk_spill_starts_empty_over_a_crashed_runs_leftovers(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "1.arrow").write_bytes(b"torn")
    store = spill.DiskSpill(tmp_path / "s")
    assert list((tmp_path / "s").iterdir()) == []
    store.close()


def test_texts_streams_every_document_once_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect()
    db.apply_ddl(con)
    n = 7
    for i in range(n):
        con.execute("insert into documents (doc_id, source_path, source_format, content_sha256, text, raw_text, "
                    "title, n_chars, run_id) values (?, ?, 'txt', ?, ?, ?, ?, 6, 'r')",
                    [f"d{i}", f"/x/{i}.txt", f"h{i}", f"text {i}", f"text {i}", f"t{i}"])
    con.execute("delete from documents where doc_id in ('d2', 'd3')")  # gaps in rowid
    monkeypatch.setattr(spill, "STREAM_ROWS", 2)
    blocks = list(spill.texts(con)(("title", "text")))
    assert all(b.height <= 2 for b in blocks)
    got = pl.concat(blocks).sort("doc_id")
    want = db.fetch_frame(con, "select doc_id, title, text from documents order by doc_id")
    assert_frame_equal(got, want)
    con.execute("select 1").fetchall()  # nothing left open on the connection
    with pytest.raises(ValueError, match="not a text column"):
        list(spill.texts(con)(("raw_text; drop table documents",)))


def test_discard_stage_removes_the_scratch_space(tmp_path: Path) -> None:
    live = tmp_path / "w.duckdb"
    scratch = db.spill_dir(live)
    spill.DiskSpill(scratch).put("k", pl.DataFrame({"x": [1]}))
    db.discard_stage(live)
    assert not scratch.exists()


@pytest.mark.parametrize("block", [1, 7, 100_000])
def test_texts_of_rows_reads_the_rows_asked_in_order(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill, "ROWS_OF_TEXT", block)
    con = duckdb.connect()
    con.execute("create table quotes (id varchar, text varchar)")
    con.execute("insert into quotes select 'q' || i, repeat('w', i % 50) || i from range(300000) r(i)")
    con.execute("delete from quotes where id like '%7'")  # holes in the storage
    rows = db.fetch_frame(con, "select rowid as r, id, text from quotes")
    assert rows["r"].is_sorted()  # the flow relies on it (_derive_quote_groups checks it)
    wanted = rows["r"].to_numpy()[[0, 1, 5, 6, 20, 999, 5000, 150_000, rows.height - 1]]
    got = pl.concat(list(spill.texts_of_rows(con, "quotes", wanted)))
    assert got.to_list() == rows.filter(pl.col("r").is_in(wanted.tolist()))["text"].to_list()
    assert got.to_list()[-1] == "w" * (299999 % 50) + "299999"
    assert list(spill.texts_of_rows(con, "quotes", wanted[:0])) == []
