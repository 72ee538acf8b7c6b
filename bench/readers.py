"""Analysts during ingest: reader processes query the live warehouse in a loop while a run lands.

A first run loads ``data/sample/`` so the live file exists; then ``--readers`` processes open
the live file read-only, run one analyst query, close, and repeat (each query a fresh
connection, as a dashboard or a notebook cell would), first for ``--idle`` seconds with no
run (the baseline), then during ``newsledger ingest tests/data/giveme5w1h`` (the 271-article
corpus). Reported: queries served and failed, latency p50/p95/max (open + query + close), and
the document counts the readers saw (each must be the count before the run or after it:
a reader never sees a half-landed run).

``python -m bench.readers [--readers 1] [--idle 10]``; figures go to bench/results/readers.json
and bench/results/readers.md. The test suite runs a short version
(tests/integration/test_concurrency.py::test_readers_never_fail_during_a_run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT / "tests" / "data" / "giveme5w1h"
SAMPLE = ROOT / "data" / "sample"
NEWSLEDGER = str(Path(sys.executable).parent / "newsledger")

# Round-robin analyst queries: a count, a view over stories, a join over numbers and documents.
QUERIES = [
    "select count(*) from documents",
    "select count(*) from story_coverage",
    "select count(*) from numbers n join documents d using (doc_id) where d.duplicate_of is null",
]

# One reader process. argv: warehouse, stop-file, queries JSON. Prints one JSON line at the end:
# per query [start offset s, latency ms, documents seen or null, error or null].
READER = """
import json, os, sys, time, duckdb
path, stop, queries = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
t0 = time.perf_counter()
out, i = [], 0
while not os.path.exists(stop):
    q = queries[i % len(queries)]
    i += 1
    start = time.perf_counter()
    docs, err = None, None
    try:
        con = duckdb.connect(path, read_only=True)
        try:
            con.execute(q).fetchall()
            docs = con.execute("select count(*) from documents").fetchone()[0]
        finally:
            con.close()
    except Exception as exc:
        err = repr(exc)[:300]
    out.append([round(start - t0, 4), round((time.perf_counter() - start) * 1000, 3), docs, err])
print(json.dumps(out))
"""


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(rows: list[list[Any]], seconds: float) -> dict[str, Any]:
    ok = [r[1] for r in rows if r[3] is None]
    errors = sorted({r[3] for r in rows if r[3] is not None})
    return {
        "seconds": round(seconds, 1),
        "served": len(ok),
        "failed": len(rows) - len(ok),
        "queries_per_second": round(len(ok) / seconds, 1) if seconds else None,
        "latency_ms": {"p50": round(_pct(ok, 0.50), 2), "p95": round(_pct(ok, 0.95), 2),
                       "max": round(max(ok), 2) if ok else None,
                       "mean": round(statistics.fmean(ok), 2) if ok else None},
        "documents_seen": sorted({r[2] for r in rows if r[2] is not None}),
        "errors": errors[:5],
    }


def _readers(wh: Path, stop: Path, n: int) -> list[subprocess.Popen[str]]:
    return [subprocess.Popen([sys.executable, "-c", READER, str(wh), str(stop), json.dumps(QUERIES)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(n)]


def _collect(procs: list[subprocess.Popen[str]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"reader exited {p.returncode}: {err[-2000:]}")
        rows += json.loads(out)
    return rows


def _count_docs(wh: Path) -> int:
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    try:
        return int(con.execute("select count(*) from documents").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def run(work: Path, n_readers: int, idle_s: float) -> dict[str, Any]:
    from flows.serve import start_server, stop_process_group

    server = start_server(work / ".prefect")
    env = {**os.environ, "PREFECT_API_URL": server.url, "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONWARNINGS": "ignore"}
    try:
        wh = work / "wh" / "newsledger.duckdb"
        first = subprocess.run([NEWSLEDGER, "ingest", str(SAMPLE), "--warehouse", str(wh)], capture_output=True,
                               text=True, cwd=ROOT, env=env, check=False, timeout=600)
        if first.returncode not in (0, 3):
            raise RuntimeError(f"first run exit {first.returncode}: {first.stderr[-2000:]}")
        before = _count_docs(wh)
        size_before = wh.stat().st_size

        stop = work / "stop-idle"
        procs = _readers(wh, stop, n_readers)
        time.sleep(idle_s)
        stop.touch()
        idle = _summary(_collect(procs), idle_s)

        stop = work / "stop-run"
        procs = _readers(wh, stop, n_readers)
        time.sleep(0.5)  # let the readers start before the run does
        t0 = time.perf_counter()
        proc = subprocess.run([NEWSLEDGER, "ingest", str(CORPUS), "--warehouse", str(wh)], capture_output=True,
                              text=True, cwd=ROOT, env=env, check=False, timeout=1200)
        run_s = time.perf_counter() - t0
        time.sleep(0.5)  # a few queries after the swap, to see the new state
        stop.touch()
        during = _summary(_collect(procs), run_s + 1.0)
        if proc.returncode not in (0, 3):
            raise RuntimeError(f"ingest exit {proc.returncode}: {proc.stderr[-2000:]}")
        after = _count_docs(wh)
        seen = during["documents_seen"]
        return {
            "command": f"python -m bench.readers --readers {n_readers} --idle {idle_s:g}",
            "queries": QUERIES,
            "readers": n_readers,
            "ingest": {"input": str(CORPUS.relative_to(ROOT)), "files": len(list(CORPUS.glob("*.json"))),
                       "exit_code": proc.returncode, "seconds": round(run_s, 1),
                       "documents_before": before, "documents_after": after,
                       "warehouse_mb_before": round(size_before / 1e6, 1),
                       "warehouse_mb_after": round(wh.stat().st_size / 1e6, 1)},
            "idle": idle,
            "during_ingest": during,
            "only_whole_states_seen": set(seen) <= {before, after},
            "load_average_1_5_15m_at_end": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        stop_process_group(server.process)  # type: ignore[arg-type]


def _markdown(r: dict[str, Any]) -> str:
    d, i, g = r["during_ingest"], r["idle"], r["ingest"]
    lines = [
        "# Readers during ingest", "",
        f"`{r['command']}`: {r['readers']} reader process(es), each opening the live warehouse read-only, "
        "running one query and closing, in a loop (queries round-robin: "
        + "; ".join(f"`{q}`" for q in r["queries"]) + ").", "",
        f"Ingest: `newsledger ingest {g['input']}` ({g['files']} files) into a warehouse holding "
        f"{g['documents_before']} documents ({g['warehouse_mb_before']} MB): exit {g['exit_code']}, {g['seconds']} s, "
        f"{g['documents_after']} documents after ({g['warehouse_mb_after']} MB).", "",
        "| phase | seconds | served | failed | queries/s | p50 ms | p95 ms | max ms | document counts seen |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, s in (("idle (no run)", i), ("during ingest", d)):
        lat = s["latency_ms"]
        lines.append(f"| {name} | {s['seconds']} | {s['served']} | {s['failed']} | {s['queries_per_second']} | "
                     f"{lat['p50']} | {lat['p95']} | {lat['max']} | {s['documents_seen']} |")
    lines += [
        "",
        f"- failed queries during ingest: **{d['failed']}**"
        + (f" (errors: {d['errors']})" if d["errors"] else ""),
        f"- every query saw either the state before the run or the state after it: **{r['only_whole_states_seen']}**",
        f"- load average (1/5/15 min) at the end: {r['load_average_1_5_15m_at_end']} on 2 cores "
        "(the ingest, the readers and other work share them, so latency during ingest includes CPU contention)",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readers", type=int, default=1)
    ap.add_argument("--idle", type=float, default=10.0, help="Seconds of baseline queries with no run.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsledger-readers-") as tmp:
        result = run(Path(tmp), args.readers, args.idle)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "readers.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "readers.md").write_text(_markdown(result))
    print(_markdown(result))
    if result["during_ingest"]["failed"] or not result["only_whole_states_seen"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
