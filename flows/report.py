"""Readable terminal output: the run summary and alert lists."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from rich.console import Console
from rich.table import Table

from warehouse import db
from warehouse.db import connect, read_sql

if TYPE_CHECKING:
    from flows.ingest import RunSummary

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def print_summary(summary: RunSummary, console: Console) -> None:
    console.rule(f"[bold]newsledger run {summary.run_id}: {summary.status}")
    console.print(f"files: {summary.files_seen} seen, {summary.files_loaded} loaded, "
                  f"{summary.files_skipped} unchanged (skipped), {summary.files_quarantined} quarantined")
    for path, reason in summary.quarantined[:20]:
        console.print(f"  [red]quarantined[/] {path}: {reason}")
    t = Table("table", "rows", title="warehouse " + summary.warehouse)
    for name, n in summary.rows.items():
        t.add_row(name, str(n))
    console.print(t)
    con = connect(Path(summary.warehouse), read_only=True)
    try:
        facts = db.fetch_frame(con, read_sql("queries/summary_facts.sql"))
        alerts = db.fetch_frame(con, read_sql("queries/latest_alerts.sql"), [False, 20])
    finally:
        con.close()
    if facts.height:
        ft = Table("story", "fact", "status", "reports (outlet: words)", title="facts reported by more than one source")
        for r in facts.iter_rows(named=True):
            ft.add_row(r["story"], r["fact"], r["status"], r["reports"])
        console.print(ft)
    print_alerts(alerts, console)


def print_alerts(alerts: pl.DataFrame, console: Console) -> None:
    if alerts.is_empty():
        console.print("[green]no open alerts")
        return
    t = Table("severity", "check", "subject", "message", title="alerts")
    for r in alerts.iter_rows(named=True):
        style = SEVERITY_STYLE.get(r["severity"], "")
        t.add_row(f"[{style}]{r['severity']}[/]", r["check_name"], r["subject"], r["message"])
    console.print(t)
