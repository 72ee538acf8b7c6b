"""Two runs at once, and readers during a run: the lock, exit code 4, zero failed reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import crash
from flows.serve import start_server, stop_process_group
from tests.conftest import CORPUS, ROOT, SAMPLE
from tests.integration.conftest import query
from warehouse.db import stage_path

NEWSLEDGER = str(Path(sys.executable).parent / "newsledger")
pytestmark = pytest.mark.slow

# Opens the live warehouse read-only in a loop (open, count, close) until told to stop;
# prints {"served": n, "failed": n, "errors": [...]}.
READER = """
import json, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
served, failed, errors = 0, 0, []
import os
while not os.path.exists(stop):
    try:
        con = duckdb.connect(path, read_only=True)
        try:
            con.execute("select count(*) from documents").fetchone()
        finally:
            con.close()
        served += 1
    except Exception as exc:
        failed += 1
        errors.append(repr(exc)[:300])
print(json.dumps({"served": served, "failed": failed, "errors": errors[:5]}))
"""


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One real Prefect server for the module's CLI processes (cheaper than one temporary server each)."""
    server = start_server(tmp_path_factory.mktemp("prefect"))
    yield {**os.environ, "PREFECT_API_URL": server.url, "PYTHONWARNINGS": "ignore"}
    stop_process_group(server.process)  # type: ignore[arg-type]


def _ingest(env: dict[str, str], inputs: Path, wh: Path, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([NEWSLEDGER, "ingest", str(inputs), "--warehouse", str(wh)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**env, **extra})


def _wait_for(cond: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def test_second_run_times_out_with_exit_code_4_or_waits_its_turn(server_env: dict[str, str], tmp_path: Path) -> None:
    wh = tmp_path / "wh" / "newsledger.duckdb"
    first = _ingest(server_env, CORPUS, wh)
    _wait_for(lambda: stage_path(wh).exists() or first.poll() is not None, 60, "the first run's stage")
    assert first.poll() is None, "the first run ended before the test could race it"
    impatient = _ingest(server_env, SAMPLE, wh, NEWSLEDGER_LOCK_TIMEOUT_S="1")
    patient = _ingest(server_env, SAMPLE, wh, NEWSLEDGER_LOCK_TIMEOUT_S="300")
    _out, err = impatient.communicate(timeout=120)
    assert impatient.returncode == 4, err
    message = " ".join(err.split())  # rich wraps long lines
    assert "busy: another ingest run holds" in message
    assert "try again when it finishes" in message
    assert first.poll() is None  # the impatient run gave up while the first one was still running
    _, first_err = first.communicate(timeout=300)
    assert first.returncode in (0, 3), first_err
    first_done = time.monotonic()
    _, patient_err = patient.communicate(timeout=300)
    assert patient.returncode in (0, 3), patient_err
    assert time.monotonic() >= first_done
    # Both landed, one after the other; the warehouse is whole.
    statuses = [r[0] for r in query(wh, "select status from runs order by started_at")]
    assert statuses == ["succeeded", "succeeded"]
    assert crash.integrity_problems(wh) == []
    n_docs = query(wh, "select count(*) from documents")[0][0]
    assert n_docs == query(wh, "select count(*) from files where status = 'loaded'")[0][0]
    assert query(wh, "select count(*) from files")[0][0] == len(list(CORPUS.glob("*.json"))) + len(list(SAMPLE.glob("*.txt")))


def test_readers_never_fail_during_a_run(server_env: dict[str, str], tmp_path: Path) -> None:
    wh = tmp_path / "wh" / "newsledger.duckdb"
    assert _ingest(server_env, SAMPLE, wh).wait(120) in (0, 3)  # readers start after a first run landed
    before = query(wh, "select count(*) from documents")[0][0]
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh), str(stop)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    run = _ingest(server_env, CORPUS, wh)
    _, err = run.communicate(timeout=300)
    run_seconds = time.monotonic() - t0
    stop.touch()
    out, _reader_err = reader.communicate(timeout=60)
    assert run.returncode in (0, 3), err
    stats = json.loads(out)
    print(f"reader: {stats['served']} queries served, {stats['failed']} failed during a {run_seconds:.1f}s run")
    assert stats["failed"] == 0, stats["errors"]
    assert stats["served"] > 50
    assert query(wh, "select count(*) from documents")[0][0] > before
