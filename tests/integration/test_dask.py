"""The parse stage on threads (the default: each thread's batch parsed in a child process), threads
alone, processes or a 2-worker local Dask cluster builds the same warehouse."""

from __future__ import annotations

import functools
import logging
import shutil
from pathlib import Path

import pytest

from flows.ingest import run_ingest
from flows.settings import Settings
from tests.conftest import SAMPLE
from tests.integration.conftest import table_checksums

pytestmark = pytest.mark.slow


def test_every_parse_runner_builds_the_same_warehouse(prefect_harness, tmp_path: Path) -> None:
    thread_wh = tmp_path / "thread" / "w.duckdb"
    run_ingest([str(SAMPLE)], str(thread_wh), settings=Settings(task_runner="thread", batch_size=2))
    assert Settings().task_runner == "thread"
    for runner, extra in (("thread", {"parse_children": False}), ("process", {"parse_workers": 2}),
                          ("dask", {"dask_workers": 2})):
        wh = tmp_path / f"{runner}{len(extra)}" / "w.duckdb"
        summary = run_ingest([str(SAMPLE)], str(wh), settings=Settings(task_runner=runner, batch_size=2, **extra))
        assert summary.status == "succeeded"
        assert summary.files_loaded == 5
        assert table_checksums(wh) == table_checksums(thread_wh), runner


def test_parse_children_are_used_and_a_dead_one_falls_back_to_the_run_process(
        prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import flows.ingest as ingest_flow
    from flows.workers import WorkerPool

    alone = tmp_path / "alone" / "w.duckdb"
    run_ingest([str(SAMPLE)], str(alone), settings=Settings(batch_size=2, parse_children=False))
    calls: list[int] = []

    class CountingPool(WorkerPool):
        def lend(self):  # type: ignore[no-untyped-def]
            calls.append(1)
            return super().lend()

    monkeypatch.setattr(ingest_flow, "WorkerPool", CountingPool)
    children = tmp_path / "children" / "w.duckdb"
    assert run_ingest([str(SAMPLE)], str(children), settings=Settings(batch_size=2)).status == "succeeded"
    assert len(calls) == 3  # 5 articles in batches of 2: every batch went to a child
    assert table_checksums(children) == table_checksums(alone)
    # Children that die at once: every batch is parsed in the run's process instead, same warehouse.
    monkeypatch.setattr(ingest_flow, "WorkerPool", functools.partial(WorkerPool, python=shutil.which("false")))
    dead = tmp_path / "dead" / "w.duckdb"
    with caplog.at_level(logging.WARNING):
        assert run_ingest([str(SAMPLE)], str(dead), settings=Settings(batch_size=2)).status == "succeeded"
    assert caplog.text.count("parsing the batch in the run's process") == 3
    assert table_checksums(dead) == table_checksums(alone)
