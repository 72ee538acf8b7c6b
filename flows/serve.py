"""Scheduled ingest runs: serve the ``ingest`` flow against a real Prefect server.

Schedules never fire on Prefect's temporary (ephemeral) server, so when ``PREFECT_API_URL``
is not set this module starts ``prefect server start`` on a free loopback port as a child
process (its own ``PREFECT_HOME`` under the warehouse folder), waits for ``/api/health``,
points this process at it and serves the flow. Stopping (Ctrl-C, SIGTERM) stops the runner,
then the flow runs it started, then the server: nothing is left behind. The server child
also gets ``PR_SET_PDEATHSIG`` so that even a SIGKILL of this process takes it down.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEPLOYMENT_NAME = "scheduled"
DEFAULT_INTERVAL_S = 3600.0
HEALTH_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0
_PR_SET_PDEATHSIG = 1


class ServerStartError(RuntimeError):
    """The Prefect server child did not answer ``/api/health`` in time."""


@dataclass
class ServerHandle:
    """A Prefect server this process started (or None of it when an external one is used)."""

    url: str
    process: subprocess.Popen[bytes] | None
    log_path: Path | None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def prefect_home(warehouse: Path) -> Path:
    """The Prefect home (server database, profiles) kept next to the warehouse."""
    return warehouse.parent / ".prefect"


def server_env(home: Path) -> dict[str, str]:
    """Environment for the server child: its own home, no telemetry, no inherited API URL."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": env.get("PREFECT_SERVER_LOGGING_LEVEL", "WARNING"),
        "PREFECT_UI_ENABLED": env.get("PREFECT_UI_ENABLED", "true"),
    })
    return env


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def wait_healthy(url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``{url}/health`` until it answers true; fail early if the server process died."""
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerStartError(f"prefect server exited with code {process.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"true":
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.3)
    raise ServerStartError(f"prefect server at {url} not healthy after {timeout_s:.0f}s ({last})")


def start_server(home: Path, host: str = "127.0.0.1", port: int | None = None,
                 timeout_s: float = HEALTH_TIMEOUT_S) -> ServerHandle:
    """Start ``prefect server start`` as a child in its own session and wait until it is healthy."""
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port(host)
    log_path = home / "server.log"
    prefect_bin = Path(sys.executable).parent / "prefect"
    cmd = [str(prefect_bin) if prefect_bin.exists() else sys.executable, *([] if prefect_bin.exists() else ["-m", "prefect"]),
           "server", "start", "--host", host, "--port", str(port), "--analytics-off"]
    with log_path.open("ab") as log:
        proc = subprocess.Popen(cmd, env=server_env(home), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=_die_with_parent)  # before any thread is started
    url = f"http://{host}:{port}/api"
    try:
        wait_healthy(url, timeout_s, proc)
    except BaseException:
        stop_process_group(proc)
        raise
    return ServerHandle(url=url, process=proc, log_path=log_path)


def stop_process_group(proc: subprocess.Popen[bytes], timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM the child's process group, SIGKILL it if it has not exited in ``timeout_s``."""
    if proc.poll() is not None:
        _kill_group(proc.pid, signal.SIGKILL)  # reap anything it left in its group
        return
    _kill_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid, signal.SIGKILL)
        proc.wait(5)
    _kill_group(proc.pid, signal.SIGKILL)


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc; empty elsewhere)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def descendant_pids(pid: int) -> list[int]:
    """Every process below ``pid`` in the process tree (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        for c in child_pids(todo.pop()):
            out.append(c)
            todo.append(c)
    return out


@contextlib.contextmanager
def prefect_api(warehouse: Path, *, port: int | None = None, log: Any = print) -> Iterator[ServerHandle]:
    """The Prefect API to serve against: ``PREFECT_API_URL`` when set, else a server child we own.

    Sets ``PREFECT_API_URL`` (and ``PREFECT_HOME``) in ``os.environ`` for this process and
    the flow runs it spawns; stops the child on exit.
    """
    external = os.environ.get("PREFECT_API_URL")
    if external:
        wait_healthy(external.rstrip("/"), 30)
        yield ServerHandle(url=external.rstrip("/"), process=None, log_path=None)
        return
    home = prefect_home(warehouse)
    handle = start_server(home, port=port)
    log(f"prefect server started (pid {handle.process.pid if handle.process else '-'}), "
        f"UI and API at {handle.url.removesuffix('/api')}, log {handle.log_path}")
    os.environ.update({"PREFECT_API_URL": handle.url, "PREFECT_HOME": str(home),
                       "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    try:
        yield handle
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        with _signals_ignored():  # a second Ctrl-C must not leave the server running
            stop_process_group(handle.process)  # type: ignore[arg-type]
        log("prefect server stopped")


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in saved.items():
            signal.signal(s, h)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def serve(paths: list[Path], warehouse: Path, *, cron: str | None = None, interval: float | None = None,
          name: str = DEPLOYMENT_NAME, port: int | None = None, log: Any = print) -> None:
    """Serve ``ingest`` on a schedule until interrupted; stop everything it started."""
    if cron is None and interval is None:
        interval = DEFAULT_INTERVAL_S
    # SIGTERM before Prefect's runner installs its own handler must still run our cleanup.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with prefect_api(warehouse, port=port, log=log) as handle:
            from prefect.runner import Runner
            from prefect.settings import PREFECT_API_URL, temporary_settings
            from prefect.types.entrypoint import EntrypointType

            from flows.ingest import ingest

            with temporary_settings(updates={PREFECT_API_URL: handle.url}):
                log(f"serving flow 'ingest' as deployment 'ingest/{name}' "
                    f"({'cron ' + cron if cron else f'every {interval:g} s'}) on {[str(p) for p in paths]} "
                    f"-> {warehouse}; Ctrl-C stops")
                # A deployment (not `ingest.serve`) so that each run imports `flows.ingest` in a
                # fresh `python -m prefect.engine` process: `Flow.serve` pickles the function by
                # value, which loses the module globals its (postponed) annotations name.
                deployment = ingest.to_deployment(
                    name=name, cron=cron, interval=interval,
                    parameters={"paths": [str(p) for p in paths], "warehouse": str(warehouse)},
                    description="newsledger scheduled ingest (newsledger serve)",
                    entrypoint_type=EntrypointType.MODULE_PATH,
                )
                runner = _sigterm_as_sigint(Runner)(name=f"newsledger-{name}", pause_on_shutdown=True, limit=1)
                runner.add_deployment(deployment)
                try:
                    asyncio.run(runner.start())
                finally:
                    with _signals_ignored():
                        _stop_descendants_except(handle)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _sigterm_as_sigint(runner_cls: Any) -> Any:
    """A Runner whose SIGTERM handling is Ctrl-C's (Prefect's own calls an async stop unawaited)."""

    class _Runner(runner_cls):  # type: ignore[misc,valid-type]
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            signal.raise_signal(signal.SIGINT)

    return _Runner


def _stop_descendants_except(handle: ServerHandle) -> None:
    """Stop leftover flow-run processes; the server child is stopped by ``prefect_api``."""
    keep = {handle.process.pid} if handle.process is not None else set()
    keep |= set(descendant_pids(handle.process.pid)) if handle.process is not None else set()
    pids = [p for p in descendant_pids(os.getpid()) if p not in keep]
    if not pids:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(p, sig)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline and pids:
            time.sleep(0.1)
            pids = [p for p in pids if _alive(p)]
        if not pids:
            return


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
