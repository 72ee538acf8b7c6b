"""Operations commands (serve), registered on the ``newsledger`` app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli import WarehouseOpt, _quiet_prefect, _warehouse, app, console


@app.command()
def serve(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to ingest on every run; default data/sample/.")] = None,
    cron: Annotated[str | None, typer.Option("--cron", help="Cron schedule, e.g. '*/15 * * * *' (UTC).")] = None,
    interval: Annotated[float | None, typer.Option("--interval", min=1, help="Run every SECONDS (default 3600 when no --cron).")] = None,
    warehouse: WarehouseOpt = None,
    name: Annotated[str, typer.Option("--name", help="Deployment name (flow 'ingest').")] = "scheduled",
    port: Annotated[int | None, typer.Option("--port", help="Port of the Prefect server this command starts (default: a free one).")] = None,
) -> None:
    """Run ``ingest`` on a schedule with a real Prefect server until Ctrl-C.

    Uses the server ``PREFECT_API_URL`` names, or starts ``prefect server start`` on 127.0.0.1
    (home: <warehouse folder>/.prefect) and stops it on exit. Exit codes: 0 stopped, 1 the
    server did not start, 2 bad usage.
    """
    if cron and interval:
        console.print("[red]error:[/] give --cron or --interval, not both")
        raise typer.Exit(2)
    _quiet_prefect()
    if cron:
        from prefect.client.schemas.schedules import CronSchedule

        try:
            CronSchedule(cron=cron)
        except ValueError as exc:
            console.print(f"[red]error:[/] bad --cron {cron!r}: {exc}")
            raise typer.Exit(2) from None
    from flows.settings import get_settings

    inputs = [p.absolute() for p in paths] if paths else [get_settings().sample_dir]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        console.print(f"[red]error:[/] no such file or folder: {', '.join(missing)}")
        raise typer.Exit(2)
    from flows.serve import ServerStartError
    from flows.serve import serve as serve_flow

    try:
        serve_flow(inputs, _warehouse(warehouse), cron=cron, interval=interval, name=name, port=port,
                   log=lambda msg: console.print(msg, highlight=False, soft_wrap=True))
    except ServerStartError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None
