"""Analyst commands (export, report), registered on the ``newsledger`` app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli import WarehouseOpt, _warehouse, app, console, out


def _require(warehouse: Path) -> None:
    if not warehouse.exists():
        console.print(f"[red]no warehouse at {warehouse}: run `newsledger ingest` first")
        raise typer.Exit(2)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet or csv.")] = "parquet",
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Folder to write (default: export/ next to the warehouse).")] = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Write every table and view to one Parquet or CSV file each (<name>.<format>)."""
    from flows.export import FORMATS, export_warehouse

    wh = _warehouse(warehouse)
    if fmt not in FORMATS:
        console.print(f"[red]--format must be one of: {', '.join(FORMATS)}")
        raise typer.Exit(2)
    _require(wh)
    target = out_dir.absolute() if out_dir else wh.parent / "export"
    files = export_warehouse(wh, target, fmt)
    out.print(f"wrote {len(files)} files to {target}")
    for f in files:
        out.print(f"  {f.name}")


@app.command()
def report(
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file to write (default: report.html next to the warehouse).")] = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Write one self-contained HTML page: stories, facts as charts with their sentences, open alerts."""
    from flows.report_html import write_report

    wh = _warehouse(warehouse)
    _require(wh)
    path = write_report(wh, out_file.absolute() if out_file else wh.parent / "report.html")
    print_report_locations(path, wh)


def print_report_locations(report_path: Path, warehouse: Path) -> None:
    """Tell the reader where the report and the Data Docs are (also used after `make run`)."""
    out.print(f"report:    {report_path}  (file://{report_path})", soft_wrap=True)
    docs = warehouse.parent / "docs" / "index.html"
    if docs.exists():
        out.print(f"data docs: {docs}  (file://{docs})", soft_wrap=True)
    else:
        out.print(f"data docs: {docs} (not built yet)", soft_wrap=True)
