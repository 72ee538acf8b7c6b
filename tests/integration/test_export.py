"""`newsledger export`: every table and view to Parquet or CSV, read back identical."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from flows.cli import app
from flows.export import export_warehouse, warehouse_objects
from tests.integration.synthetic import build_synthetic_warehouse
from transforms.schema import TABLES
from warehouse.db import fetch_frame, sql_files

pytestmark = pytest.mark.slow


def _as_utc(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB hands timestamps in the session's time zone; Parquet stores UTC: same instants."""
    return frame.with_columns(pl.col(pl.Datetime).dt.convert_time_zone("UTC"))


def _read_object(warehouse: Path, name: str) -> pl.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        json_cols = [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_name = ? and data_type = 'JSON'",
            [name]).fetchall()]
        frame = fetch_frame(con, f"select * from {name}")
    finally:
        con.close()
    return _as_utc(frame.with_columns(pl.col(c).cast(pl.String) for c in json_cols))


def test_export_parquet_reads_back_identical(sample: Path, tmp_path: Path) -> None:
    files = export_warehouse(sample, tmp_path / "export", "parquet")
    names = {f.stem for f in files}
    assert names == set(TABLES) | {p.stem for p in sql_files("views")}
    for f in files:
        assert_frame_equal(pl.read_parquet(f), _read_object(sample, f.stem), check_row_order=True)
    assert not list((tmp_path / "export").glob(".*.tmp")), "no temporary file is left behind"


def test_export_parquet_keeps_every_verdict(tmp_path: Path) -> None:
    wh = build_synthetic_warehouse(tmp_path / "wh" / "newsledger.duckdb")
    export_warehouse(wh, tmp_path / "export", "parquet")
    facts = pl.read_parquet(tmp_path / "export" / "facts.parquet")
    assert sorted(facts["status"].to_list()) == ["conflict", "consistent", "revised"]
    assert_frame_equal(pl.read_parquet(tmp_path / "export" / "fact_disputes.parquet"), _read_object(wh, "fact_disputes"))
    alerts = pl.read_parquet(tmp_path / "export" / "alerts.parquet")
    assert alerts["details"].dtype == pl.String, "JSON is exported as text, not bytes"


def test_export_csv_has_every_row(sample: Path, tmp_path: Path) -> None:
    files = export_warehouse(sample, tmp_path / "csv", "csv")
    for f in files:
        expected = _read_object(sample, f.stem)
        got = pl.read_csv(f, infer_schema=False)
        assert got.columns == expected.columns
        assert got.height == expected.height, f.name


def test_export_command_defaults_to_export_next_to_the_warehouse(tmp_path: Path) -> None:
    wh = build_synthetic_warehouse(tmp_path / "wh" / "newsledger.duckdb")
    result = CliRunner().invoke(app, ["export", "--warehouse", str(wh)])
    assert result.exit_code == 0, result.output
    assert {p.stem for p in (wh.parent / "export").glob("*.parquet")} == {n for n, _ in warehouse_objects(wh)}
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "c"), "--warehouse", str(wh)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "fact_reports.csv").exists()


@pytest.mark.parametrize(("args", "code"), [(["--format", "xml"], 2), ([], 2)])
def test_export_command_rejects_bad_usage(tmp_path: Path, args: list[str], code: int) -> None:
    missing = tmp_path / "nowhere" / "newsledger.duckdb"
    result = CliRunner().invoke(app, ["export", *args, "--warehouse", str(missing)])
    assert result.exit_code == code
    assert not missing.exists()
