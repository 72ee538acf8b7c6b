"""The command line, as a user runs it (subprocesses of the installed entry point)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE

NEWSLEDGER = [str(Path(sys.executable).parent / "newsledger")]
pytestmark = pytest.mark.slow


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([*NEWSLEDGER, *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=300, check=False)


def test_parse_json_prints_one_valid_line_per_sample_file() -> None:
    files = sorted(str(p) for p in SAMPLE.glob("*.txt"))
    proc = run("parse", *files, "--json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 5
    for line, path in zip(lines, files, strict=True):
        item = json.loads(line)
        assert item["source"] == path
        assert set(item) == {"source", "text", "document", "sentences", "quotes", "numbers"}
        assert set(item["document"]) == {"title", "subtitle", "outlet", "authors", "wire_agencies", "dateline",
                                         "section", "external_id", "published_at", "language"}
        text = item["text"]
        for s in item["sentences"]:
            assert text[s["start"]:s["end"]] == s["text"]
        for n in item["numbers"]:
            assert text[n["start"]:n["end"]] == n["surface"]
            assert set(n) == {"surface", "value", "low", "high", "qualifier", "kind", "unit", "unit_group",
                              "start", "end", "sentence_no"}
        for q in item["quotes"]:
            assert text[q["start"]:q["end"]] == q["text"]


def test_parse_reads_standard_input() -> None:
    proc = run("parse", "-", "--json", stdin="Troops flee\n\nMore than 1,000 Afghan troops fled on Monday.\n")
    assert proc.returncode == 0, proc.stderr
    item = json.loads(proc.stdout)
    assert item["source"] == "-"
    assert any(n["surface"].endswith("1,000") for n in item["numbers"])


def test_parse_reports_bad_input_with_exit_code_3() -> None:
    proc = run("parse", "-", "--json", stdin="   \n")
    assert proc.returncode == 3
    assert json.loads(proc.stdout)["error"] == "whitespace-only file"


def test_ingest_sql_and_alerts_commands(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    proc = run("ingest", str(SAMPLE), "--warehouse", str(wh))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 loaded" in proc.stdout
    proc = run("sql", "select count(*) as n from documents", "--warehouse", str(wh), "--format", "json")
    assert json.loads(proc.stdout) == [{"n": 5}]
    query_file = tmp_path / "q.sql"
    query_file.write_text("select count(*) as n from stories")
    proc = run("sql", str(query_file), "--warehouse", str(wh), "--format", "csv")
    assert proc.stdout.splitlines() == ["n", "1"]
    proc = run("sql", "--warehouse", str(wh), "--format", "csv", stdin="select 42 as answer")
    assert proc.stdout.splitlines() == ["answer", "42"]
    proc = run("sql", "delete from documents", "--warehouse", str(wh))
    assert proc.returncode == 1
    assert "read-only" in proc.stderr.lower()
    proc = run("alerts", "--warehouse", str(wh))
    assert proc.returncode == 0


def test_ingest_missing_path_exits_2(tmp_path: Path) -> None:
    proc = run("ingest", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stderr
