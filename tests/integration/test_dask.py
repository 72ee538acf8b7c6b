"""The parse stage on threads (the default), processes or a 2-worker local Dask cluster builds the same warehouse."""

from __future__ import annotations

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
    for runner, extra in (("process", {"parse_workers": 2}), ("dask", {"dask_workers": 2})):
        wh = tmp_path / runner / "w.duckdb"
        summary = run_ingest([str(SAMPLE)], str(wh), settings=Settings(task_runner=runner, batch_size=2, **extra))
        assert summary.status == "succeeded"
        assert summary.files_loaded == 5
        assert table_checksums(wh) == table_checksums(thread_wh), runner
