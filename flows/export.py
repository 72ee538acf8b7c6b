"""Export every table and view of the warehouse to Parquet or CSV files, one file per object."""

from __future__ import annotations

from pathlib import Path

from warehouse.db import connect

FORMATS = {"parquet": "(format parquet, compression zstd)", "csv": "(format csv, header true)"}


def warehouse_objects(warehouse: Path) -> list[tuple[str, str]]:
    """(name, 'table' | 'view') of every user table and view, tables first, by name."""
    con = connect(warehouse, read_only=True)
    try:
        return [(name, kind) for name, kind in con.execute(
            "select table_name, case table_type when 'VIEW' then 'view' else 'table' end "
            "from information_schema.tables where table_schema = 'main' order by table_type, table_name"
        ).fetchall()]
    finally:
        con.close()


def export_warehouse(warehouse: Path, out_dir: Path, fmt: str = "parquet") -> list[Path]:
    """Write ``<out_dir>/<name>.<fmt>`` for every table and view; returns the files written.

    Reads a read-only connection, so it can run while an ingest stages its next version.
    Existing files of the same names are overwritten; other files in ``out_dir`` are kept.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [name for name, _ in warehouse_objects(warehouse)]
    written = []
    con = connect(warehouse, read_only=True)
    try:
        json_columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'main' and data_type = 'JSON'"
        ).fetchall()
        for name in names:
            # JSON becomes text: Parquet readers (Polars) would otherwise see raw bytes.
            as_text = [f'"{c}"::varchar as "{c}"' for t, c in json_columns if t == name]
            select = f"* replace ({', '.join(as_text)})" if as_text else "*"
            target = out_dir / f"{name}.{fmt}"
            tmp = target.with_name(f".{target.name}.tmp")
            path_literal = "'" + str(tmp).replace("'", "''") + "'"
            con.execute(f'copy (select {select} from "{name}") to {path_literal} {FORMATS[fmt]}')
            tmp.replace(target)  # a reader never sees a half-written file
            written.append(target)
    finally:
        con.close()
    return written
