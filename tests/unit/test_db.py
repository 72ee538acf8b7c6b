"""warehouse.db helpers that every stage relies on."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import polars as pl

from warehouse.db import fetch_frame


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
