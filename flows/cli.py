"""The ``newsledger`` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from flows.settings import get_settings

app = typer.Typer(help="newsledger: news articles -> a DuckDB warehouse of numbers you can trust.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
out = Console()

WarehouseOpt = Annotated[Path | None, typer.Option("--warehouse", "-w", help="DuckDB warehouse file (default: settings).")]


def _warehouse(path: Path | None) -> Path:
    return path.absolute() if path else get_settings().warehouse


def _open_read_only(warehouse: Path | None) -> Any:
    """A read-only connection to the warehouse, or exit 2 with a clear message when it is missing."""
    from warehouse.db import WarehouseMissingError, connect

    try:
        return connect(_warehouse(warehouse), read_only=True)
    except WarehouseMissingError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(2) from None


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    # The temporary server takes ~5 s to start on an idle machine; allow a loaded one (default 20 s).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (recursive) of .txt/.json/.jsonl articles; default data/sample/.")] = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Ingest articles into the warehouse as one atomic Prefect flow run.

    Exit codes: 0 loaded cleanly, 3 loaded but some input was quarantined, 1 the run failed
    (nothing changed), 2 bad usage, 4 another run holds the warehouse.
    """
    missing = [str(p) for p in paths or [] if not p.exists() and not p.is_symlink()]
    if missing:  # before Prefect starts: a typo gets its answer at once
        console.print(f"[red]error:[/] no such file or folder: {', '.join(missing)}")
        raise typer.Exit(2)
    _quiet_prefect()
    import flows.ingest
    from flows.extract import InputPathError
    from flows.ingest import run_ingest
    from flows.report import print_summary
    from warehouse.db import WarehouseBusyError

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True)
    bar = progress.add_task("parsing and loading files", total=None)

    def on_progress(done: int, total: int) -> None:
        progress.update(bar, completed=done, total=total)

    flows.ingest.progress_hook = on_progress
    try:
        with progress:
            summary = run_ingest([str(p) for p in paths] if paths else None, str(_warehouse(warehouse)))
    except InputPathError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    except WarehouseBusyError as exc:
        console.print(f"[red]busy:[/] {exc}")
        raise typer.Exit(4) from None
    except Exception as exc:
        console.print(f"[red]run failed, the warehouse is unchanged:[/] {type(exc).__name__}: {exc}")
        raise typer.Exit(1) from None
    print_summary(summary, out)
    raise typer.Exit(summary.exit_code)


@app.command()
def parse(
    paths: Annotated[list[str], typer.Argument(help="Files to parse; '-' reads a plain-text article from standard input.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per input, one per line.")] = False,
) -> None:
    """Show how files parse, with the ingest transforms, without touching the warehouse."""
    from flows.parse import parse_inputs

    failed = False
    for item in parse_inputs(paths):
        if "error" in item:
            failed = True
            console.print(f"[red]{item['source']}:[/] {item['error']}")
            if as_json:
                sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
            continue
        if as_json:
            sys.stdout.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
        else:
            _print_parsed(item)
    raise typer.Exit(3 if failed else 0)


def _print_parsed(item: dict[str, Any]) -> None:
    d = item["document"]
    out.rule(f"[bold]{item['source']}")
    for k in ("title", "subtitle", "outlet", "authors", "wire_agencies", "dateline", "section", "external_id", "published_at"):
        if d.get(k):
            out.print(f"[cyan]{k}[/]: {d[k]}")
    out.print(f"{len(item['sentences'])} sentences, {len(item['quotes'])} quotes, {len(item['numbers'])} numbers")
    t = Table("surface", "value", "low", "high", "qualifier", "kind", "unit")
    for n in item["numbers"]:
        t.add_row(*(str(n[k]) if n[k] is not None else "" for k in ("surface", "value", "low", "high", "qualifier", "kind", "unit")))
    out.print(t)


@app.command()
def sql(
    query: Annotated[str | None, typer.Argument(help="SQL text, a path to a .sql file, or '-' / nothing to read standard input.")] = None,
    warehouse: WarehouseOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
) -> None:
    """Run a read-only query against the warehouse."""
    from warehouse.db import fetch_frame

    if query is None or query == "-":
        query = sys.stdin.read()
    elif query.strip().lower().endswith(".sql") and Path(query).is_file():
        query = Path(query).read_text(encoding="utf-8")
    if fmt not in ("table", "csv", "json"):
        console.print("[red]--format must be table, csv or json")
        raise typer.Exit(2)
    con = _open_read_only(warehouse)
    try:
        frame = fetch_frame(con, query)
    except Exception as exc:
        console.print(f"[red]query failed:[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        con.close()
    if fmt == "csv":
        sys.stdout.write(frame.write_csv())
    elif fmt == "json":
        sys.stdout.write(json.dumps(frame.to_dicts(), default=str, ensure_ascii=False) + "\n")
    else:
        t = Table(*frame.columns)
        for row in frame.iter_rows():
            t.add_row(*("" if v is None else str(v) for v in row))
        out.print(t)


@app.command()
def alerts(
    warehouse: WarehouseOpt = None,
    show_resolved: Annotated[bool, typer.Option("--all", help="Include resolved alerts.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
) -> None:
    """The latest alerts, most severe first."""
    from flows.report import print_alerts
    from warehouse.db import fetch_frame, read_sql

    con = _open_read_only(warehouse)
    try:
        frame = fetch_frame(con, read_sql("queries/latest_alerts.sql"), [show_resolved, limit])
    finally:
        con.close()
    print_alerts(frame, out)


def main() -> None:
    """Console entry point (``newsledger``)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


# Commands defined in their own modules register themselves on `app` when imported.
from flows import cli_analyst, cli_ops  # noqa: E402,F401
