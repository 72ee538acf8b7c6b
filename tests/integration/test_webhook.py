"""Alert delivery to a webhook: a real HTTP receiver on 127.0.0.1, the real flow, new alerts only."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flows.serve import free_port
from flows.settings import get_settings
from tests.conftest import SAMPLE
from tests.integration.conftest import query

pytestmark = pytest.mark.slow


class Receiver:
    """Collects every POST it receives: (path, headers, parsed JSON body)."""

    def __init__(self, status: int = 204) -> None:
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/newsledger"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set NEWSLEDGER_ALERT_WEBHOOK_URL the way a user does; settings are cached, so clear them."""

    def _set(url: str) -> None:
        monkeypatch.setenv("NEWSLEDGER_ALERT_WEBHOOK_URL", url)
        get_settings.cache_clear()

    yield _set
    monkeypatch.delenv("NEWSLEDGER_ALERT_WEBHOOK_URL", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def mostly_bad(tmp_path: Path) -> Path:
    """One good article and four bad files: the run quarantines 80% of its files."""
    src = tmp_path / "in"
    src.mkdir()
    good = sorted(SAMPLE.glob("*.txt"))[0]
    shutil.copy(good, src / good.name)
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_bytes(b"  \n\t\n")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (src / "broken.json").write_bytes(b'{"title": "x", "text": "unterminated')
    return src


def test_webhook_receives_new_alerts_once(run_ingest, webhook_env, mostly_bad: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh" / "newsledger.duckdb"
    with Receiver() as hook:
        webhook_env(hook.url)
        summary = run_ingest(mostly_bad, warehouse=wh)
        assert summary.status == "succeeded"
        assert summary.files_quarantined == 4
        assert len(hook.requests) == 1
        path, headers, payload = hook.requests[0]
        assert path == "/hooks/newsledger"
        assert headers["Content-Type"] == "application/json"
        assert payload["source"] == "newsledger"
        by_check = {a["check_name"]: a for a in payload["alerts"]}
        share = by_check["run.quarantine_share"]
        assert share["severity"] == "warning"
        assert share["run_id"] == summary.run_id
        assert share["message"] == "run quarantined 4 of 5 changed files"
        assert {Path(q["path"]).name for q in share["details"]["quarantined"]} == {
            "empty.txt", "blank.txt", "binary.txt", "broken.json"}
        assert all(q["reason"] for q in share["details"]["quarantined"])
        # What was delivered is what the warehouse holds.
        stored = {r[0]: r[1] for r in query(wh, "select alert_id, check_name from alerts where not is_resolved")}
        assert {a["alert_id"]: a["check_name"] for a in payload["alerts"]}.items() <= stored.items()

        # Same input again: nothing changed, nothing new raised, nothing delivered again.
        again = run_ingest(mostly_bad, warehouse=wh)
        assert again.status == "succeeded"
        assert again.new_alerts == []
        assert len(hook.requests) == 1


def test_webhook_failure_does_not_fail_the_run(run_ingest, webhook_env, mostly_bad: Path, tmp_path: Path) -> None:
    webhook_env(f"http://127.0.0.1:{free_port()}/nobody-listens")
    summary = run_ingest(mostly_bad, warehouse=tmp_path / "wh" / "newsledger.duckdb")
    assert summary.status == "succeeded"
    assert any(a["check_name"] == "run.quarantine_share" for a in summary.new_alerts)
