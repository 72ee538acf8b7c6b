"""`newsledger report`: one self-contained HTML page, checked as text and in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.report_html import write_report
from tests.conftest import ROOT
from tests.integration.conftest import query
from tests.integration.synthetic import build_synthetic_warehouse
from warehouse.db import apply_ddl

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]
PLOTLY_BUNDLE = re.compile(r"\* plotly\.js v\d")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic_warehouse(tmp_path_factory.mktemp("synthetic") / "wh" / "newsledger.duckdb")


def _find_chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary; installed by tests/setup_browser.sh when missing.

    Skipped where it cannot be installed, except in CI (CI=true), where that fails.
    """
    binary = _find_chromium()
    if binary is None:
        setup = subprocess.run([str(ROOT / "tests" / "setup_browser.sh")], capture_output=True, text=True,
                               timeout=600, check=False)
        binary = _find_chromium()
        if binary is None:
            reason = f"chromium is not installed and tests/setup_browser.sh could not install it: {setup.stderr.strip()[-300:]}"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(reason)
            pytest.skip(reason)
    return binary


def _charted_facts(warehouse: Path) -> int:
    return query(warehouse, "select count(*) from facts where n_sources > 1 or status in ('conflict', 'revised')")[0][0]


# --- the page as text ------------------------------------------------------------------

def test_report_is_self_contained_with_charts_sentences_and_alerts(synthetic: Path, tmp_path: Path) -> None:
    out = write_report(synthetic, tmp_path / "r" / "report.html")
    page = out.read_text(encoding="utf-8")
    assert len(PLOTLY_BUNDLE.findall(page)) == 1, "plotly.js is embedded exactly once"
    assert not re.search(r"<script[^>]+src=", page), "no external script"
    assert page.count("class=\"plotly-graph-div\"") == _charted_facts(synthetic) == 3
    for (sentence,) in query(synthetic, "select distinct sentence from fact_reports"):
        marked = re.sub(r"<mark>|</mark>", "", page)
        assert sentence.replace('"', "&quot;").replace("'", "&#x27;") in marked
    assert "Sources disagree on people killed" in page, "the open alert is listed"
    for status in ("conflict", "revised", "consistent"):
        assert f">{status}</span>" in page
    docs = os.path.relpath(synthetic.parent / "docs" / "index.html", out.parent)
    assert f"href='{docs}'" in page


def test_report_default_link_to_data_docs_is_relative(synthetic: Path) -> None:
    out = write_report(synthetic, synthetic.parent / "report.html")
    assert "href='docs/index.html'" in out.read_text(encoding="utf-8")


def test_report_on_an_empty_warehouse(tmp_path: Path) -> None:
    wh = tmp_path / "newsledger.duckdb"
    con = duckdb.connect(str(wh))
    apply_ddl(con)
    con.close()
    page = write_report(wh, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "No stories yet" in page
    assert "No open alerts" in page
    assert not PLOTLY_BUNDLE.search(page)


def test_report_command_on_the_sample(sample: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--warehouse", str(sample)])
    assert result.exit_code == 0, result.output
    report = sample.parent / "report.html"
    assert report.exists()
    assert str(report) in result.output
    assert str(sample.parent / "docs" / "index.html") in result.output
    assert (sample.parent / "docs" / "index.html").exists()
    page = report.read_text(encoding="utf-8")
    (label,) = query(sample, "select label from stories")[0]
    assert label in page or label.replace("'", "&#x27;") in page


def test_report_command_without_warehouse(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2


# --- the page in a real browser ----------------------------------------------------------

class DevTools:
    """A minimal Chrome DevTools Protocol client over one page's websocket."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect

        self.ws = connect(url, max_size=None, open_timeout=20)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))

    def errors(self) -> list[str]:
        found = []
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                found.append(p["entry"].get("text", ""))
        return found

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Iterator[str]:
    """A headless Chromium with DevTools on 127.0.0.1; yields the page's websocket URL."""
    proc = subprocess.Popen(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--remote-debugging-port=0",
         "--remote-debugging-address=127.0.0.1", "--window-size=1400,2400", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        port = None
        deadline = time.monotonic() + 30
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline() if proc.stderr else ""
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
            elif not line and proc.poll() is not None:
                break
        assert port, "chromium did not start its DevTools endpoint"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            targets = json.loads(resp.read())
        yield next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _render(page_ws: str, html_file: Path, expected_charts: int) -> tuple[int, int, list[str], list[str]]:
    """Load the page; return (plot divs, divs with a rendered .main-svg, console errors, URLs fetched)."""
    dt = DevTools(page_ws)
    try:
        for domain in ("Runtime", "Log", "Page", "Network"):
            dt.call(f"{domain}.enable")
        dt.call("Page.navigate", url=html_file.as_uri())
        dt.wait_for("Page.loadEventFired")
        js = ("[document.querySelectorAll('.js-plotly-plot').length,"
              " Array.from(document.querySelectorAll('.js-plotly-plot')).filter(d => d.querySelector('.main-svg')).length]")
        deadline = time.monotonic() + 30
        while True:
            divs, rendered = dt.call("Runtime.evaluate", expression=js, returnByValue=True)["result"]["value"]
            if rendered >= expected_charts or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        return divs, rendered, dt.errors(), dt.requested_urls()
    finally:
        dt.close()


def _screenshot(chromium: str, html_file: Path, png: Path) -> None:
    subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={png.parent / 'shot-profile'}", f"--screenshot={png}",
         "--window-size=1400,2400", "--virtual-time-budget=5000", html_file.as_uri()],
        capture_output=True, timeout=120, check=True)
    assert png.exists()
    assert png.stat().st_size > 20_000


@pytest.mark.parametrize("which", ["synthetic", "sample"])
def test_report_renders_in_chromium(which: str, request: pytest.FixtureRequest, browser: str, chromium: str,
                                    tmp_path: Path) -> None:
    warehouse: Path = request.getfixturevalue(which)
    html_file = write_report(warehouse, tmp_path / "report.html")
    expected = _charted_facts(warehouse)
    divs, rendered, errors, urls = _render(browser, html_file, expected)
    assert errors == []
    assert html_file.as_uri() in urls
    assert [u for u in urls if not u.startswith(("file:", "data:", "blob:"))] == [], "no network needed"
    assert divs == expected
    assert rendered == expected, "every chart drew its svg"
    png = tmp_path / "report.png"
    _screenshot(chromium, html_file, png)
    if which == "sample" and os.environ.get("NEWSLEDGER_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(png, ROOT / "docs" / "report.png")
