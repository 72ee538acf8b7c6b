"""warehouse.db helpers that every stage relies on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse.db import fetch_frame, update_from_frame


def test_fetch_frame_hands_aware_timestamps_in_utc_whatever_the_session_zone() -> None:
    con = duckdb.connect()
    con.execute("set TimeZone = 'Etc/UTC'")
    frame = fetch_frame(con, "select timestamptz '2021-07-05 02:37:00+00' as t, timestamp '2021-07-05 02:37:00' as naive")
    assert frame.schema["t"] == pl.Datetime("us", "UTC")
    assert frame.schema["naive"] == pl.Datetime("us")
    # Rows from the warehouse and rows made in code build one frame (this failed with Etc/UTC).
    rows = [*frame.select("t").to_dicts(), {"t": datetime(2021, 7, 6, tzinfo=UTC)}]
    assert pl.DataFrame(rows).height == 2
    con.close()


def test_apply_ddl_migrates_a_warehouse_made_before_a_column_was_added() -> None:
    from warehouse.db import apply_ddl

    con = duckdb.connect()
    apply_ddl(con)
    con.execute("insert into documents (doc_id, source_path, source_format, content_sha256, text, raw_text, "
                "n_chars, run_id) values ('d1', 'a.txt', 'txt', 'x', 'body', 'body', 4, 'r1')")
    con.execute("alter table documents drop column source_encoding")  # as an older version made it
    apply_ddl(con)
    assert con.execute("select source_encoding from documents").fetchall() == [("utf-8",)]
    con.close()


def _run_row(run_id: str) -> dict[str, object]:
    t = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    return {"run_id": run_id, "flow_run_id": None, "started_at": t, "finished_at": t, "status": "succeeded",
            "files_seen": 3, "files_loaded": 0, "files_skipped": 3, "files_quarantined": 0, "error": None}


def test_run_journal_folds_into_runs_once_and_survives_a_torn_line(tmp_path) -> None:
    from warehouse import db

    live = tmp_path / "w.duckdb"
    con = duckdb.connect(str(live))
    db.apply_ddl(con)
    db.journal_run(live, _run_row("r1"))
    db.journal_run(live, _run_row("r2"))
    with db.journal_path(live).open("a") as fh:
        fh.write('{"run_id": "r3", "stat')  # a crash while appending
    folded = db.fold_journal(con, live)
    assert folded == ["r1", "r2"]
    # Folding again (a crash between the swap and the clearing) replaces, never duplicates.
    assert db.fold_journal(con, live) == ["r1", "r2"]
    rows = con.execute("select run_id, status, files_skipped, started_at from runs order by run_id").fetchall()
    assert [r[:3] for r in rows] == [("r1", "succeeded", 3), ("r2", "succeeded", 3)]
    assert rows[0][3] == datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    db.journal_run(live, _run_row("r4"))  # appended after the fold: kept by the clearing
    db.clear_journal(live, folded)
    assert [r["run_id"] for r in db.journal_rows(live)] == ["r4"]
    db.clear_journal(live, ["r4"])
    assert not db.journal_path(live).exists()
    con.close()


def test_a_journal_without_its_warehouse_is_dropped(tmp_path) -> None:
    from warehouse import db

    live = tmp_path / "gone.duckdb"
    db.journal_run(live, _run_row("r1"))
    con = duckdb.connect(str(tmp_path / "stage.duckdb"))
    db.apply_ddl(con)
    assert db.fold_journal(con, live) == []
    assert not db.journal_path(live).exists()
    assert con.execute("select count(*) from runs").fetchone() == (0,)
    con.close()


def test_capped_limit_takes_the_smaller_of_two_memory_limits() -> None:
    from warehouse.db import capped_limit, limit_bytes

    assert limit_bytes("1GB") == 1e9
    assert limit_bytes("512 MiB") == 512 * 1024**2
    assert capped_limit("256MB", "128MB") == "128MB"
    assert capped_limit("64MB", "128MB") == "64MB"
    assert capped_limit("128MiB", "128MB") == "128MB"  # 134 MB: over the cap
    assert capped_limit(None, "128MB") == "128MB"


@pytest.mark.parametrize("slice_rows", [1, 3, 1000])
def test_update_from_frame_sets_the_changed_rows_whatever_the_slices(tmp_path: Path, slice_rows: int) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))  # a file: the slices checkpoint it
    con.execute("create table t (k varchar, a integer, b varchar, other varchar)")
    con.execute("insert into t values ('x', 1, 'p', 'o1'), ('y', 2, null, 'o2'), ('z', 3, 'r', 'o3'), ('w', 4, 's', 'o4')")
    frame = pl.DataFrame({"k": ["y", "z", "x", "v"], "a": [2, 30, 1, 9], "b": ["q", "r", None, "n"]})
    update_from_frame(con, "t", frame, "k", ("a", "b"), slice_rows=slice_rows)
    got = con.execute("select k, a, b, other from t order by k").fetchall()
    # y and z changed, x's b set to null, w (not in the frame) kept, v (not in the table) ignored
    assert got == [("w", 4, "s", "o4"), ("x", 1, None, "o1"), ("y", 2, "q", "o2"), ("z", 30, "r", "o3")]
    con.close()
