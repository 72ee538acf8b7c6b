"""Test settings: Prefect is configured BEFORE it is imported (see STACK.md)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_PREFECT_HOME = tempfile.mkdtemp(prefix="newsledger-prefect-")
os.environ.update({
    "PREFECT_HOME": _PREFECT_HOME,
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # Data Docs rendering is most of GX's time; the tests that check the docs turn it back on.
    "NEWSLEDGER_BUILD_DATA_DOCS": "false",
})
os.environ.pop("PREFECT_API_URL", None)

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE = ROOT / "data" / "sample"
CORPUS = DATA / "giveme5w1h"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (about 10 s once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
