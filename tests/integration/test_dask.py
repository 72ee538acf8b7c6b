"""The parse stage on a 2-worker local Dask cluster gives the same warehouse as the default runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest import run_ingest
from flows.settings import Settings
from tests.conftest import SAMPLE
from tests.integration.conftest import table_checksums

pytestmark = pytest.mark.slow


def test_dask_runner_builds_the_same_warehouse(prefect_harness, tmp_path: Path) -> None:
    default_wh = tmp_path / "default" / "w.duckdb"
    dask_wh = tmp_path / "dask" / "w.duckdb"
    run_ingest([str(SAMPLE)], str(default_wh), settings=Settings(task_runner="thread", batch_size=2))
    summary = run_ingest([str(SAMPLE)], str(dask_wh), settings=Settings(task_runner="dask", dask_workers=2, batch_size=2))
    assert summary.status == "succeeded"
    assert summary.files_loaded == 5
    assert table_checksums(dask_wh) == table_checksums(default_wh)
