"""Scratch space for derive: frames set aside between passes, and documents' text streamed.

The cross-document transforms (``transforms.stories``) work in passes over blocks of
documents so that most of their memory is bounded by a block, not by the warehouse's size
(docs/scaling.md gives what stays whole). Between passes they set frames aside in a
``Spill``; ``DiskSpill`` keeps them as Arrow IPC files in a directory next to the warehouse
(``.<name>.spill``), removed when derive ends and, after a crash, by the next run
(``db.discard_stage``; the folder is ``db.spill_dir``). ``texts`` streams documents' text
from the stage in blocks.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from warehouse import db

TEXT_COLUMNS = ("title", "subtitle", "text")
STREAM_ROWS = 2_000  # documents per streamed block of text
ROWS_OF_TEXT = 50_000  # rows per block of texts_of_rows (quotes: about 150 characters each)


class DiskSpill:
    """A ``transforms.stories.Spill`` backed by uncompressed Arrow IPC files in ``root``."""

    def __init__(self, root: Path) -> None:
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        self.root = root
        self._files: dict[str, list[Path]] = {}
        self._n = 0

    def put(self, key: str, frame: pl.DataFrame) -> None:
        self._n += 1
        path = self.root / f"{self._n}.arrow"
        frame.write_ipc(path, compression="uncompressed")
        self._files.setdefault(key, []).append(path)

    def take(self, key: str) -> pl.DataFrame | None:
        paths = self._files.pop(key, [])
        if not paths:
            return None
        frame = pl.concat([pl.read_ipc(p) for p in paths], rechunk=True)
        for p in paths:
            p.unlink()
        return frame

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def texts(con: duckdb.DuckDBPyConnection) -> Callable[[Sequence[str]], Iterator[pl.DataFrame]]:
    """A ``transforms.stories.Texts`` source over the ``documents`` table of ``con``."""

    def stream(columns: Sequence[str]) -> Iterator[pl.DataFrame]:
        unknown = set(columns) - set(TEXT_COLUMNS)
        if unknown:
            raise ValueError(f"not a text column of documents: {sorted(unknown)}")
        # Ranges of rowid, one query each: DuckDB skips the other row groups, and nothing is
        # left open on the connection between blocks (the caller may query in between).
        (end,) = con.sql("select coalesce(max(rowid) + 1, 0) from documents").fetchall()[0]
        for lo in range(0, int(end), STREAM_ROWS):
            yield db.fetch_frame(con, f"select doc_id, {', '.join(columns)} from documents "
                                 f"where rowid >= {lo} and rowid < {lo + STREAM_ROWS}")

    return stream


def texts_of_rows(con: duckdb.DuckDBPyConnection, table: str, rowids: np.ndarray) -> Iterator[pl.Series]:
    """The ``text`` of ``table``'s rows ``rowids`` (ascending), in that order, ROWS_OF_TEXT rows
    at a time: one query per block, on the block's range of rowids (DuckDB skips the other
    row groups)."""
    for lo in range(0, len(rowids), ROWS_OF_TEXT):
        wanted = rowids[lo:lo + ROWS_OF_TEXT]
        got = db.fetch_frame(con, f"select rowid as r, text from {table} "
                                  f"where rowid between {int(wanted[0])} and {int(wanted[-1])}")
        got = got.filter(pl.Series(np.isin(got.get_column("r").to_numpy(), wanted)))
        if not np.array_equal(got.get_column("r").to_numpy(), wanted):
            raise RuntimeError(f"{table}: rows {int(wanted[0])}-{int(wanted[-1])} changed while their text was read")
        yield got.get_column("text")
