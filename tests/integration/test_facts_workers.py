"""Facts derived in worker processes, a chunk of stories each, equal the facts derived in the run's process."""

from __future__ import annotations

import functools
import logging
import shutil
from pathlib import Path

import duckdb
import pytest

import flows.ingest as ingest_flow
from flows.settings import Settings
from flows.workers import FrameWorkers
from tests.conftest import CORPUS
from warehouse.db import fetch_frame

pytestmark = pytest.mark.slow


def _facts(wh: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return (fetch_frame(con, "select * from facts order by fact_id").to_dicts(),
                fetch_frame(con, "select * from fact_mentions order by fact_id, number_id").to_dicts())
    finally:
        con.close()


def _rederive(src: Path, dst: Path, workers: int, memory_limit: str | None = None) -> int:
    """Copy ``src``, clear its facts and derive them again with ``workers`` (and the run's
    DuckDB ``memory_limit``, restored after the chunks are read under a lower one); returns the
    chunk count."""
    shutil.copy(src, dst)
    con = duckdb.connect(str(dst))
    try:
        con.execute("delete from fact_mentions")
        con.execute("delete from facts")
        links = fetch_frame(con, "select doc_id, story_id, outlet, published_at, duplicate_of from documents")
        chunks = len(ingest_flow._story_chunks(con, links, ingest_flow.FACTS_CHUNK_NUMBERS_PARALLEL))
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        ingest_flow._derive_facts(con, links, links.select("doc_id", "story_id", "duplicate_of").clear(), workers,
                                  memory_limit)
        if memory_limit:
            assert con.sql("select current_setting('memory_limit')").fetchall() == [("244.1 MiB",)]
        con.execute("checkpoint")
    finally:
        con.close()
    return chunks


@pytest.fixture(scope="module")
def corpus_warehouse(prefect_harness, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 corpus articles (several stories) ingested with facts derived in the run's process."""
    tmp = tmp_path_factory.mktemp("facts_workers")
    src = tmp / "in"
    src.mkdir()
    for f in sorted(CORPUS.glob("*.json"))[:60]:
        (src / f.name).write_bytes(f.read_bytes())
    wh = tmp / "wh" / "newsledger.duckdb"
    summary = ingest_flow.run_ingest([str(src)], str(wh), settings=Settings(derive_workers=1))
    assert summary.status == "succeeded"
    return wh


def test_worker_processes_derive_the_same_facts(corpus_warehouse: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _facts(corpus_warehouse)
    assert len(expected[0]) > 20
    monkeypatch.setattr(ingest_flow, "FACTS_CHUNK_NUMBERS_PARALLEL", 150)  # several chunks of stories
    sent: list[int] = []

    class CountingWorkers(FrameWorkers):
        def map(self, inputs):  # type: ignore[no-untyped-def]
            def counted():  # type: ignore[no-untyped-def]
                for frames in inputs:
                    sent.append(frames[0].height)  # the chunk's number mentions
                    yield frames
            return super().map(counted())

    monkeypatch.setattr(ingest_flow, "FrameWorkers", CountingWorkers)
    chunks = _rederive(corpus_warehouse, tmp_path / "w2.duckdb", workers=2, memory_limit="256MB")
    assert chunks >= 4
    assert len(sent) == chunks
    assert all(n > 0 for n in sent)
    assert _facts(tmp_path / "w2.duckdb") == expected


def test_facts_fall_back_to_the_run_process_when_workers_die(corpus_warehouse: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    expected = _facts(corpus_warehouse)
    monkeypatch.setattr(ingest_flow, "FACTS_CHUNK_NUMBERS_PARALLEL", 150)
    # Every worker exits at once: no chunk is derived by a worker.
    monkeypatch.setattr(ingest_flow, "FrameWorkers", functools.partial(FrameWorkers, python=shutil.which("false")))
    with caplog.at_level(logging.WARNING, logger="newsledger"):
        chunks = _rederive(corpus_warehouse, tmp_path / "w3.duckdb", workers=2)
    assert chunks >= 4
    assert f"deriving the remaining {chunks} of {chunks} chunks" in caplog.text
    assert _facts(tmp_path / "w3.duckdb") == expected


def test_derive_workers_setting() -> None:
    assert Settings().derive_workers == 2
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        Settings(derive_workers=0)
