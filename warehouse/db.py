"""The DuckDB warehouse: connect, apply ``sql/``, stage a run, swap it in, load frames.

A run never writes the live file. It copies the warehouse to a private stage file, loads
and validates there, and ``os.replace``s the stage over the live file when everything
succeeded. So a run lands completely or not at all (a crash leaves the live file as it
was and a stale stage that the next run discards), and analysts reading the live file
never meet DuckDB's single-writer lock. Cost: one copy of the file per run that writes.

A run that finds nothing changed on disk writes nothing: it appends its ``runs`` row to a
journal next to the warehouse (``.<name>.runs.jsonl``, fsynced), and the next run that
writes folds the journal into ``runs`` and then clears it. Folding is idempotent (a crash
between the swap and the clearing folds the same rows again, replacing them), and a torn
last line (a crash while appending) is skipped.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from transforms import schema
from transforms.schema import TABLES

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse lock."""


class WarehouseMissingError(FileNotFoundError):
    """The warehouse file does not exist yet."""


def sql_files(kind: str) -> list[Path]:
    """The .sql files of ``sql/<kind>/`` in a stable order (views may name earlier views)."""
    return sorted((SQL_DIR / kind).glob("*.sql"))


def read_sql(relative: str) -> str:
    return (SQL_DIR / relative).read_text(encoding="utf-8")


def apply_ddl(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view (idempotent) and attach the column comments."""
    for path in sql_files("tables"):
        con.execute(path.read_text(encoding="utf-8"))
    _add_new_columns(con)
    for path in sql_files("views"):
        con.execute(path.read_text(encoding="utf-8"))
    for table, cols in TABLES.items():
        for c in cols:
            con.execute(f"comment on column {table}.{c.name} is {_quote(c.doc)}")


def _add_new_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Migrate a warehouse made by an older version: add the columns the schema gained since.

    New columns are nullable or carry a default (``create table if not exists`` leaves an
    existing table as it was); a column is never dropped or retyped here.
    """
    have: dict[str, set[str]] = {}
    for table, column in con.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'main'").fetchall():
        have.setdefault(table, set()).add(column)
    for table, cols in TABLES.items():
        for c in cols:
            if table in have and c.name not in have[table]:
                con.execute(f"alter table {table} add column {c.name} {c.duckdb.replace(' not null', '')}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; read-only opens fail clearly when the file does not exist."""
    if read_only and not path.exists():
        raise WarehouseMissingError(f"no warehouse at {path}: run `newsledger ingest` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def stage_path(live: Path) -> Path:
    return live.with_name(f".{live.name}.stage")


def spill_dir(live: Path) -> Path:
    """The scratch folder of derive for the warehouse ``live`` (``warehouse.spill``)."""
    return live.with_name(f".{live.name}.spill")


@contextlib.contextmanager
def run_lock(live: Path, timeout_s: float) -> Iterator[None]:
    """Hold the warehouse's run lock; wait up to ``timeout_s`` for another run to finish."""
    live.parent.mkdir(parents=True, exist_ok=True)
    lock_path = live.with_name(f".{live.name}.lock")
    with lock_path.open("a+") as fh:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"another ingest run holds {lock_path} (waited {timeout_s:.0f}s); "
                        "try again when it finishes"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def begin_stage(live: Path) -> Path:
    """A private copy of the live warehouse (or a new file) for this run to write."""
    stage = stage_path(live)
    discard_stage(live)
    if live.exists():
        shutil.copyfile(live, stage)
    con = duckdb.connect(str(stage))
    try:
        apply_ddl(con)
    finally:
        con.close()
    return stage


def discard_stage(live: Path) -> None:
    """Remove a run's stage and its scratch space (a crashed run's leftovers, if any)."""
    stage = stage_path(live)
    for p in (stage, stage.with_name(stage.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(spill_dir(live), ignore_errors=True)


def commit_stage(stage: Path, live: Path) -> None:
    """Atomically make the stage the live warehouse (the stage must be closed)."""
    wal = stage.with_name(stage.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"stage {stage} still has a write-ahead log: close it first")
    with stage.open("rb+") as fh:
        os.fsync(fh.fileno())
    stage.replace(live)
    dir_fd = os.open(live.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def limit_bytes(limit: str) -> float:
    """Bytes in a DuckDB memory limit such as "1GB" or "512 MiB" (the settings' pattern)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT])(i?)B", limit.strip(), flags=re.IGNORECASE)
    if match is None:
        raise ValueError(f"not a memory limit: {limit!r}")
    number, unit, binary = match.groups()
    return float(number) * (1024 if binary else 1000) ** " KMGT".index(unit.upper())


def capped_limit(requested: str | None, cap: str) -> str:
    """The smaller of a requested DuckDB memory limit and ``cap`` (``cap`` when none is requested)."""
    if requested and limit_bytes(requested) <= limit_bytes(cap):
        return requested
    return cap


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append a frame whose columns are the table's (by name)."""
    if frame.is_empty():
        return 0
    cols = ", ".join(frame.columns)
    con.register("_frame", frame)
    try:
        con.execute(f"insert into {table} ({cols}) select {cols} from _frame")
    finally:
        con.unregister("_frame")
    return frame.height


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Replace a derived table's rows with ``frame``."""
    con.execute(f"delete from {table}")
    return insert_frame(con, table, frame)


def fetch_frame(con: duckdb.DuckDBPyConnection, query: str, params: list[object] | None = None) -> pl.DataFrame:
    """Run a query and return its result as a Polars frame.

    Time zone-aware columns come back in UTC whatever the session's zone (DuckDB hands them in
    its ``TimeZone`` setting, e.g. ``Etc/UTC``), so frames from the warehouse and frames built
    in code always share one dtype.
    """
    frame = con.sql(query, params=params or None).pl()
    aware = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime) and t.time_zone not in (None, "UTC")]
    return frame.with_columns(pl.col(aware).dt.convert_time_zone("UTC")) if aware else frame


def insert_runs(con: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> None:
    """Insert (or replace) ``runs`` rows given as column name -> value."""
    if not rows:
        return
    upsert_frame(con, "runs", schema.conform(pl.DataFrame(rows, schema=schema.polars_schema("runs")), "runs"), "run_id")


def upsert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, key: str) -> None:
    """Replace the table's rows whose ``key`` is in ``frame`` by the frame's rows (by column name)."""
    con.register("_upsert", frame)
    try:
        con.execute(f"delete from {table} where {key} in (select {key} from _upsert)")
        con.execute(f"insert into {table} by name select * from _upsert")
    finally:
        con.unregister("_upsert")


UPDATE_SLICE_ROWS = 500_000  # frame rows per UPDATE statement of update_from_frame


def update_from_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, key: str,
                      columns: Sequence[str], slice_rows: int = UPDATE_SLICE_ROWS) -> None:
    """Set ``columns`` of the table's rows from the ``frame`` row with the same ``key``, where
    any of them differs; rows of the table without one in the frame are left alone.

    One UPDATE per ``slice_rows`` rows of the frame, each followed by a checkpoint when there
    are several: DuckDB builds a hash table of the whole frame for an UPDATE ... FROM and holds
    the updated values in memory until the next checkpoint, so the quote-group update of
    400,000 articles (2.9 million rows) ran out of the run's 256 MB in one statement (2,898,656
    rows: out of memory; slices of 500,000: 2.2 s with their checkpoints, docs/scaling-history.md,
    thirteenth pass).
    """
    sets = ", ".join(f"{c} = f.{c}" for c in columns)
    changed = " or ".join(f"{table}.{c} is distinct from f.{c}" for c in columns)
    for lo in range(0, frame.height, slice_rows):
        con.register("_update_frame", frame.slice(lo, slice_rows))
        try:
            con.execute(f"update {table} set {sets} from _update_frame f "
                        f"where {table}.{key} = f.{key} and ({changed})")
        finally:
            con.unregister("_update_frame")
        if frame.height > slice_rows:
            con.execute("checkpoint")


def journal_path(live: Path) -> Path:
    return live.with_name(f".{live.name}.runs.jsonl")


def journal_run(live: Path, row: dict[str, object]) -> None:
    """Append a run that wrote nothing to the journal (see the module docstring)."""
    line = json.dumps(row, default=lambda v: v.isoformat()) + "\n"
    with journal_path(live).open("a+b") as fh:
        if fh.tell():
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":  # a torn line from a crash: end it, do not glue onto it
                line = "\n" + line
        fh.write(line.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())


def journal_rows(live: Path) -> list[dict[str, object]]:
    """The journal's complete rows (a torn last line is skipped)."""
    path = journal_path(live)
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    for r in rows:
        for key in ("started_at", "finished_at"):
            if r.get(key):
                r[key] = datetime.fromisoformat(str(r[key]))
    return rows


def fold_journal(con: duckdb.DuckDBPyConnection, live: Path) -> list[str]:
    """Insert the journal's runs into the stage's ``runs``; returns their run ids.

    A journal without its warehouse (the file was deleted) belongs to no warehouse: dropped.
    """
    if not live.exists():
        journal_path(live).unlink(missing_ok=True)
        return []
    rows = journal_rows(live)
    insert_runs(con, rows)
    return [str(r["run_id"]) for r in rows]


def clear_journal(live: Path, run_ids: list[str]) -> None:
    """Drop folded runs from the journal once the stage holding them is live."""
    if not run_ids:
        return
    path = journal_path(live)
    folded = set(run_ids)
    rest = [r for r in journal_rows(live) if str(r["run_id"]) not in folded]
    if not rest:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(path.name + ".part")
    tmp.write_text("".join(json.dumps(r, default=lambda v: v.isoformat()) + "\n" for r in rest), encoding="utf-8")
    tmp.replace(path)
