"""`newsledger serve`: scheduled runs on a real Prefect server it starts, and a clean stop."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from flows.serve import descendant_pids
from tests.conftest import ROOT, SAMPLE

NEWSLEDGER = str(Path(sys.executable).parent / "newsledger")
pytestmark = pytest.mark.slow


def _loaded_paths(wh: Path) -> set[str]:
    """Paths the live warehouse has loaded; empty while it does not exist or is being replaced."""
    if not wh.exists():
        return set()
    try:
        con = duckdb.connect(str(wh), read_only=True)
    except duckdb.Error:
        return set()
    try:
        return {r[0] for r in con.execute("select path from files where status = 'loaded'").fetchall()}
    finally:
        con.close()


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _health_url(log: str) -> str | None:
    for word in log.split():
        if word.startswith("http://127.0.0.1:"):
            return word.rstrip(",") + "/api/health"
    return None


def test_serve_runs_on_schedule_and_stops_everything(tmp_path: Path) -> None:
    articles = sorted(SAMPLE.glob("*.txt"))
    inbox, wh = tmp_path / "inbox", tmp_path / "wh" / "newsledger.duckdb"
    inbox.mkdir()
    shutil.copy(articles[0], inbox / articles[0].name)
    log_path = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"  # the runner looks for due runs every 2 s (default 10)
    with log_path.open("wb") as log:
        proc = subprocess.Popen([NEWSLEDGER, "serve", "--interval", "5", str(inbox), "--warehouse", str(wh)],
                                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env, start_new_session=True)
    seen: set[int] = set()

    def wait_loaded(path: Path, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            seen.update(descendant_pids(proc.pid))
            assert proc.poll() is None, log_path.read_text()
            if str(path) in _loaded_paths(wh):
                return
            time.sleep(0.5)
        pytest.fail(f"{path.name} not loaded after {timeout_s}s:\n{log_path.read_text()[-3000:]}")

    try:
        wait_loaded(inbox / articles[0].name, 150)  # server start + first run (slow on a busy machine)
        # A new article dropped into the inbox is picked up by a later scheduled run.
        new = inbox / articles[1].name
        shutil.copy(articles[1], new)
        wait_loaded(new, 120)
        health = _health_url(log_path.read_text())
        assert health is not None
        with urllib.request.urlopen(health, timeout=5) as resp:
            assert resp.read() == b"true"
        server_pids = set(descendant_pids(proc.pid))
        seen |= server_pids
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert proc.wait(45) == 0, log_path.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    time.sleep(0.5)
    assert seen, "serve started no child process (no server?)"
    left = [p for p in seen if _alive(p)]
    assert not left, f"processes left behind: {left}"
    with pytest.raises(urllib.error.URLError):  # the server is gone: connection refused
        urllib.request.urlopen(health, timeout=2)
    runs = duckdb.connect(str(wh), read_only=True)
    try:
        n_runs = runs.execute("select count(*) from runs where status = 'succeeded'").fetchone()[0]
        flow_run_ids = runs.execute("select count(flow_run_id) from runs").fetchone()[0]
    finally:
        runs.close()
    assert n_runs >= 2
    assert flow_run_ids == n_runs  # every run was a Prefect flow run of the deployment


@pytest.mark.parametrize("args", [["--cron", "not a cron"], ["--cron", "* * * * *", "--interval", "5"],
                                  ["/no/such/folder"]])
def test_serve_rejects_bad_usage_with_exit_code_2(args: list[str], tmp_path: Path) -> None:
    proc = subprocess.run([NEWSLEDGER, "serve", *args, "--warehouse", str(tmp_path / "w.duckdb")],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert not (tmp_path / ".prefect").exists()  # no server was started
