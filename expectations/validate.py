"""Run every table's suite against a warehouse file with Great Expectations; build Data Docs.

``python -m expectations.validate DB [DOCS_DIR] [--run RUN_ID]`` prints the findings as JSON;
with ``--run``, the per-document checks look only at the documents that run loaded
(``expectations.suites``). The ingest flow
runs it in a child process: GX keeps its DuckDB connection open for as long as its process
lives, which would lock the flow out of its own stage file (and the child also keeps GX's
3-5 s import and its exit-time noise out of the flow's process).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from expectations.suites import KEYS, build_expectations
from warehouse.db import capped_limit

ROW_SAMPLE = 200  # offending rows kept per finding
# DuckDB in this process. GX itself holds ~350 MB; DuckDB's buffer pool grows to whatever limit
# it is given (with the run's limit, then 1GB, it took the process to 1.4 GB at 100,000
# articles). The checks are scans plus one hash join per offset check, and DuckDB spills those
# joins to disk. Measured on the 100,000-article bench warehouse (2 cores), one pass of the SQL
# checks: 17.4 s on one thread, 10.5 s on two, and 279 MB of RSS either way under this limit
# (12.9 s on one thread with 1GB, which costs 1 GB). GX's own UnexpectedRowsExpectation ran
# each query twice (the row count, then the rows), so two threads took the validation from 46
# to 30 s; the checks now run as expectations.gx_checks.SqlCheckExpectation, one query per
# passing check: 26.9 -> 17.5 s, same findings and RSS. Two at most: the flow waits on this process, and more threads means more join partitions.
MEMORY_LIMIT = "192MB"
THREADS = min(2, os.cpu_count() or 1)
# Set by main() when a check ran out of memory under MEMORY_LIMIT: rerun without a cap.
_FULL_LIMIT_ENV = "NEWSLEDGER_GX_FULL_MEMORY_LIMIT"


@dataclass
class Finding:
    check_name: str
    table: str
    severity: str
    success: bool
    description: str
    unexpected_count: int | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    exception: str | None = None


def validate(db_path: Path, docs_dir: Path | None = None, memory_limit: str | None = None,
             threads: int | None = None, strict_memory: bool = False, run_id: str | None = None) -> list[Finding]:
    """Validate every table of the warehouse at ``db_path``; one Finding per expectation.

    ``memory_limit`` caps DuckDB's buffer pool in this process (e.g. "1GB"; DuckDB's default
    is 80% of the RAM) and ``threads`` its threads (default: one per core). With
    ``strict_memory``, a check that ran out of memory raises MemoryError instead of failing.
    With ``run_id``, the per-document SQL checks look only at the documents that run loaded.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from expectations.gx_duckdb import apply_fix

    apply_fix()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    actions = []
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(site_name="newsledger", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=["newsledger"]))
    config = {"memory_limit": memory_limit.replace(" ", "") if memory_limit else None, "threads": threads}
    query = "&".join(f"{k}={v}" for k, v in config.items() if v is not None)
    url = f"duckdb:///{db_path.resolve()}" + (f"?{query}" if query else "")
    source = context.data_sources.add_sql(name="warehouse", connection_string=url)
    definitions = []
    for table in KEYS:
        asset = source.add_table_asset(name=table, table_name=table)
        batch = asset.add_batch_definition_whole_table(f"{table}_all")
        suite = context.suites.add(gx.ExpectationSuite(name=table, expectations=build_expectations(table, run_id)))
        definitions.append(context.validation_definitions.add(
            gx.ValidationDefinition(name=table, data=batch, suite=suite)))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name="ingest", validation_definitions=definitions, actions=actions,
        result_format={"result_format": "COMPLETE", "partial_unexpected_count": 20},
    ))
    result = checkpoint.run()
    findings = []
    for run in result.run_results.values():
        table = run.suite_name
        for r in run.results:
            cfg = r.expectation_config
            res = r.result or {}
            rows = (res.get("details") or {}).get("unexpected_rows") or []
            count = res.get("unexpected_count", res.get("observed_value"))
            exc = r.exception_info or {}
            if strict_memory and any("Out of Memory" in m for m in _exception_messages(exc)):
                raise MemoryError(f"{table}: {cfg.meta.get('check', cfg.type)} ran out of memory")
            raised = exc.get("raised_exception") if isinstance(exc, dict) else False
            findings.append(Finding(
                check_name=cfg.meta.get("check", cfg.type), table=table,
                severity=cfg.meta.get("severity", "error"), success=bool(r.success),
                description=cfg.description or cfg.type,
                unexpected_count=int(count) if isinstance(count, int | float) else None,
                rows=[_jsonable(x) for x in rows[:ROW_SAMPLE]],
                exception=exc.get("exception_message") if raised else None,
            ))
    return findings


def _jsonable(row: Any) -> dict[str, Any]:
    return {str(k): (v if isinstance(v, str | int | float | bool | type(None)) else str(v))
            for k, v in dict(row).items()}


def child_memory_limit(requested: str | None) -> str:
    """The smaller of the run's limit and MEMORY_LIMIT: validation needs far less than the load."""
    return capped_limit(requested, MEMORY_LIMIT)


def _exception_messages(info: Any) -> list[str]:
    """Messages in a result's exception_info: one dict, or one per failed metric."""
    if not isinstance(info, dict):
        return []
    if "exception_message" in info:
        return [str(info["exception_message"] or "")]
    return [m for v in info.values() for m in _exception_messages(v)]


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m expectations.validate")
    parser.add_argument("db", type=Path)
    parser.add_argument("docs", type=Path, nargs="?")
    parser.add_argument("--run", dest="run_id", help="per-document checks on this run's documents only")
    args = parser.parse_args(argv)
    requested = os.environ.get("NEWSLEDGER_DUCKDB_MEMORY_LIMIT") or None
    if os.environ.get(_FULL_LIMIT_ENV):
        findings = validate(args.db, args.docs, None, run_id=args.run_id)
    else:
        limit = child_memory_limit(requested)
        try:
            findings = validate(args.db, args.docs, limit, THREADS, strict_memory=limit != requested,
                                run_id=args.run_id)
        except MemoryError:
            # A corpus whose joins outgrow MEMORY_LIMIT must not turn into failed checks: start
            # this process again (exec frees what GX and DuckDB hold) with DuckDB's own default
            # (80% of the RAM): correct findings first, then memory. Said on stderr, which the
            # flow logs.
            sys.stderr.write(f"validation ran out of memory under {limit}: running again without a memory cap\n")
            sys.stdout.flush()
            sys.stderr.flush()
            os.environ[_FULL_LIMIT_ENV] = "1"
            os.execv(sys.executable, [sys.executable, "-m", "expectations.validate", *argv])
    sys.stdout.write(json.dumps([asdict(f) for f in findings]) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
