from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE


@pytest.fixture
def run_ingest(prefect_harness, tmp_path: Path) -> Callable[..., object]:
    """Run the real ingest flow into a temp warehouse; returns its RunSummary."""
    from flows.ingest import ingest

    def _run(*paths: Path, warehouse: Path | None = None) -> object:
        wh = warehouse or tmp_path / "wh" / "newsledger.duckdb"
        return ingest([str(p) for p in paths], str(wh))

    return _run


@pytest.fixture(scope="session")
def sample(prefect_harness, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus ingested once by the real flow, Data Docs included; tests only read it."""
    from tests.integration.synthetic import ingest_sample

    return ingest_sample(tmp_path_factory.mktemp("sample"), build_data_docs=True)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """The sample corpus copied to a temp folder the test may change."""
    dst = tmp_path / "inbox"
    shutil.copytree(SAMPLE, dst)
    return dst


def query(warehouse: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# Columns that record when or by which run a row was written: not part of the content.
BOOKKEEPING = {
    "documents": ("run_id",), "files": ("last_run_id", "mtime_ns", "path"), "quarantine": ("run_id", "detected_at", "path", "kept_copy"),
    "alerts": ("run_id", "created_at", "updated_at"), "runs": None,
}


def table_checksums(warehouse: Path) -> dict[str, tuple[int, int]]:
    """Order-independent (row count, hash sum) per table, bookkeeping columns excluded."""
    from transforms.schema import TABLES

    out = {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in TABLES:
            skip = BOOKKEEPING.get(table, ())
            if skip is None:
                continue
            exclude = f" exclude ({', '.join(skip)})" if skip else ""
            out[table] = con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from (select *{exclude} from {table}) t").fetchone()
    finally:
        con.close()
    return out
