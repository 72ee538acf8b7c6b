"""The DDL, the schema module and the data dictionary agree."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.conftest import ROOT
from transforms.schema import TABLES, conform, empty, polars_schema
from warehouse.db import apply_ddl


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    apply_ddl(c)
    return c


@pytest.mark.parametrize("table", sorted(TABLES))
def test_ddl_columns_match_schema(con: duckdb.DuckDBPyConnection, table: str) -> None:
    cols = con.execute(
        "select column_name, comment from duckdb_columns() where table_name = ? order by column_index", [table]
    ).fetchall()
    assert [c[0] for c in cols] == [c.name for c in TABLES[table]]
    assert all(c[1] for c in cols), "every column has a comment"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_polars_frames_load_into_ddl(con: duckdb.DuckDBPyConnection, table: str) -> None:
    frame = empty(table)
    assert frame.schema == polars_schema(table)
    con.register("f", frame)
    con.execute(f"insert into {table} select * from f")
    con.unregister("f")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_data_dictionary_documents_every_column(table: str) -> None:
    readme = (ROOT / "warehouse" / "README.md").read_text(encoding="utf-8")
    section = re.search(rf"^### `{table}`.*?(?=^### |\Z)", readme, flags=re.S | re.M)
    assert section, f"warehouse/README.md has no section for {table}"
    for c in TABLES[table]:
        assert f"`{c.name}`" in section.group(0), f"{table}.{c.name} is not documented"


def test_conform_orders_casts_and_fills() -> None:
    import polars as pl

    out = conform(pl.DataFrame({"fact_id": ["f"], "number_id": ["n"], "extra": [1]}), "fact_mentions")
    assert out.columns == ["fact_id", "number_id"]
    out = conform(pl.DataFrame({"doc_id": ["d"]}), "sentences")
    assert out.columns == [c.name for c in TABLES["sentences"]]
    assert out["text"].to_list() == [None]
