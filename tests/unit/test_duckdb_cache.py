"""flows.ingest: derive drops DuckDB's cached pages between its parts and restores the limit."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.ingest import READING_MEMORY_LIMIT, _checkpointed_around, _reading, _shed_cache


def _cached_mb(con: duckdb.DuckDBPyConnection) -> float:
    return con.execute("select sum(memory_usage_bytes) / 1e6 from duckdb_memory()").fetchone()[0]


def _limit(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(str(tmp_path / "cache.duckdb"))
    c.execute("create table t as select range as i, repeat(range::varchar, 40) as s from range(1500000)")
    c.execute("checkpoint")
    c.execute("set memory_limit = '256MB'")
    c.execute("select sum(length(s)) from t").fetchall()  # the pages read stay cached
    yield c
    c.close()


def test_shed_cache_drops_cached_pages_and_restores_the_limit(con: duckdb.DuckDBPyConnection) -> None:
    before, limit = _cached_mb(con), _limit(con)
    assert before > 20
    _shed_cache(con, "256MB")
    assert _cached_mb(con) < before / 4
    assert _limit(con) == limit
    assert con.execute("select count(*) from t").fetchone()[0] == 1_500_000  # data still there


def test_reading_lowers_the_limit_inside_and_restores_it_even_on_error(con: duckdb.DuckDBPyConnection) -> None:
    limit = _limit(con)
    inside: list[tuple[str, float]] = []

    def failing_part() -> None:
        with _reading(con, "256MB"):
            inside.append((_limit(con), _cached_mb(con)))
            raise RuntimeError("a part failed")

    with pytest.raises(RuntimeError):
        failing_part()
    assert inside[0][0] != limit
    assert inside[0][1] <= float(READING_MEMORY_LIMIT.removesuffix("MB"))
    assert _limit(con) == limit


def test_without_a_limit_nothing_changes(con: duckdb.DuckDBPyConnection) -> None:
    before, limit = _cached_mb(con), _limit(con)
    _shed_cache(con, None)
    with _reading(con, None):
        assert _limit(con) == limit
    assert _cached_mb(con) == pytest.approx(before, rel=0.2)


def _threshold(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_setting('checkpoint_threshold')").fetchone()[0]


def _wal_bytes(path: Path) -> int:
    wal = path.with_name(path.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def test_checkpointed_around_writes_first_then_holds_the_log(tmp_path: Path) -> None:
    """Facts' part: what came before is checkpointed at its start, no automatic checkpoint
    comes inside it (the log only grows), and the run's threshold is back after it."""
    path = tmp_path / "ckpt.duckdb"
    con = duckdb.connect(str(path))
    con.execute("set checkpoint_threshold = '1MB'")
    con.execute("create table t as select range as i, repeat(range::varchar, 20) as s from range(100)")
    con.execute("insert into t select range, repeat(range::varchar, 20) from range(1000)")
    run_threshold = _threshold(con)
    assert _wal_bytes(path) > 0
    with _checkpointed_around(con):
        assert _wal_bytes(path) == 0  # the parts before are in the file
        sizes = []
        for k in range(4):  # each insert alone passes the run's threshold
            con.execute(f"insert into t select range, repeat('{k}', 400) from range(20000)")
            sizes.append(_wal_bytes(path))
        assert sizes == sorted(sizes)  # no checkpoint emptied it
        assert sizes[0] > 1_000_000
    assert _threshold(con) == run_threshold
    with pytest.raises(duckdb.Error), _checkpointed_around(con):
        con.execute("select * from missing_table")
    assert _threshold(con) == run_threshold
    con.close()
