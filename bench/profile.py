"""Profile one end-to-end ingest with py-spy and say where the time goes.

``python -m bench.profile [N] [--rate 25] [--raw FILE]`` builds the N-article bench corpus
(10,000 by default), runs ``bench.ingest_once`` into a fresh warehouse under
``py-spy record --subprocesses`` (every thread and child process; py-spy drops idle
samples, so a sample is CPU being spent), and summarises the folded stacks in
``bench/results/profile.md`` and ``.json``:

- by process (the ingest, the GX validation child, any Prefect server child);
- the ingest's main thread by flow step (load, derive, ...; the parse tasks run in pool threads);
- every sample by the deepest frame of our own code (flows/, transforms/, warehouse/,
  expectations/) and by library;
- the hottest leaf frames.

py-spy is a dev tool, not a project dependency: ``.venv/bin/uv pip install --python
.venv/bin/python py-spy``. ``--raw FILE`` summarises an existing raw profile instead.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.corpus import DEFAULT_OUT, build

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
OURS = ("flows/", "transforms/", "warehouse/", "expectations/")
# Library buckets, matched on the frame's file path (first match wins, leaf to root).
LIBS = [("great_expectations", "great_expectations"), ("prefect", "prefect"), ("polars", "polars"),
        ("duckdb", "duckdb"), ("pydantic", "pydantic"), ("sqlalchemy", "sqlalchemy"),
        ("pandas", "pandas"), ("numpy", "numpy"), ("anyio/asyncio", "asyncio"), ("anyio/asyncio", "anyio"),
        ("uvicorn/starlette/fastapi", "uvicorn"), ("uvicorn/starlette/fastapi", "starlette"),
        ("uvicorn/starlette/fastapi", "fastapi"), ("httpx", "httpx"), ("re (stdlib)", "re/"),
        ("json (stdlib)", "json/"), ("importlib", "importlib"), ("<frozen>", "<frozen")]
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
# Steps whose samples are split by the function they call (the frame right below them).
SPLIT = ("derive_tables", "parse_files", "parse_batch", "load_batch")
# Flow steps seen on the main thread: (label, function name in flows/ingest.py or elsewhere).
STEPS = [("begin_stage (copy warehouse)", "begin_stage"), ("discover + ledger", "discover"),
         ("discover + ledger", "_ledger"), ("load_batch", "load_batch"), ("derive_tables", "derive_tables"),
         ("validate_warehouse (GX child)", "validate_warehouse"), ("alerts", "record"),
         ("row counts", "_row_counts"), ("commit_stage", "commit_stage"), ("wait for parse_files", "result"),
         ("mark removed", "_mark_removed")]


def _frames(stack: str) -> list[tuple[str, str]]:
    out = []
    for part in stack.split(";"):
        m = _FRAME.match(part.strip())
        out.append((m.group("func"), m.group("file")) if m else (part.strip(), ""))
    return out


def _ours(file: str) -> bool:
    return file.startswith(OURS) or (any(f"/{d}" in file for d in OURS) and ".venv" not in file)


def summarise(raw: Path) -> dict[str, Any]:
    """Buckets of a py-spy raw (folded) profile."""
    total = 0
    by_process: Counter[str] = Counter()
    main_steps: Counter[str] = Counter()
    cpu_ours: Counter[str] = Counter()
    cpu_lib: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    inside: dict[str, Counter[str]] = {k: Counter() for k in SPLIT}
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = _frames(stack)
        procs = [f for f, _ in frames if f.startswith("process ")] or ["process ?"]
        if "expectations.validate" in procs[-1]:
            kind = "validate (GX child process)"
        elif len(procs) > 1:
            kind = "other child process: " + procs[-1].split(":", 1)[-1][:80]
        else:
            kind = "ingest process"
        by_process[kind] += n
        thread = next((f for f, _ in frames if f.startswith("thread ")), "")
        frames = [(f, fl) for f, fl in frames if not f.startswith(("process ", "thread "))]
        if kind == "ingest process":
            pool = "MainThread" if "MainThread" in thread else "other threads (parse_files tasks, Prefect)"
            by_process[f"  ingest: {pool}"] += n
        if kind == "ingest process" and "MainThread" in thread:
            label = "other (Prefect engine, imports, startup)"
            for lab, fn in STEPS:
                if any(f == fn or f.endswith("." + fn) for f, _ in frames):
                    label = lab
                    break
            main_steps[label] += n
        names = [f.rsplit(".", 1)[-1] for f, _ in frames]
        for step in SPLIT:
            if step in names:
                i = names.index(step)
                callee = next((frames[j] for j in range(i + 1, len(frames)) if _ours(frames[j][1])
                               or j == len(frames) - 1), None)
                inside[step][f"{callee[0]} ({callee[1]})" if callee else "(itself)"] += n
        own = [(f, fl) for f, fl in frames if _ours(fl)]
        cpu_ours[f"{own[-1][0]} ({own[-1][1]})" if own else "(no project frame)"] += n
        lib = "other"
        for _f, fl in reversed(frames):
            hit = next((lab for lab, key in LIBS if key in fl), None)
            if hit:
                lib = hit
                break
            if _ours(fl):
                lib = "our Python (" + fl.split("/")[0] + ")"
                break
        cpu_lib[lib] += n
        leaves[f"{frames[-1][0]} ({frames[-1][1]})" if frames else "?"] += n
    return {"samples": total, "busy_samples": total,
            "by_process": dict(by_process.most_common()),
            "main_thread_steps": dict(main_steps.most_common()),
            "cpu_by_our_function": dict(cpu_ours.most_common(25)),
            "inside": {k: dict(v.most_common(12)) for k, v in inside.items() if v},
            "cpu_by_library": dict(cpu_lib.most_common(20)),
            "hottest_leaves": dict(leaves.most_common(20))}


def markdown(s: dict[str, Any], meta: dict[str, Any]) -> str:
    def table(title: str, d: dict[str, int], denom: int) -> list[str]:
        rows = [f"## {title}", "", "| where | samples | share |", "| --- | ---: | ---: |"]
        rows += [f"| {k.replace('|', '/')} | {v} | {v / max(1, denom):.1%} |" for k, v in d.items()]
        return [*rows, ""]

    main_total = sum(s["main_thread_steps"].values())
    lines = [f"# Profile of one ingest ({meta.get('articles', '?')} articles)", "",
             f"py-spy {meta.get('rate', '?')} Hz, --subprocesses (CPU samples only); wall {meta.get('wall_seconds', '?')} s, "
             f"load average {meta.get('load_average', '?')} on {os.cpu_count()} CPUs. "
             f"{s['samples']} samples (one sample = 1/rate CPU-seconds of one thread).", "",
             *table("CPU by process and thread", s["by_process"], s["samples"]),
             *table("Ingest main thread by flow step", s["main_thread_steps"], main_total),
             *[row for step, d in s.get("inside", {}).items()
               for row in table(f"Inside {step} (next project frame called)", d, sum(d.values()))],
             *table("CPU by library (deepest known frame)", s["cpu_by_library"], s["busy_samples"]),
             *table("CPU by our deepest function", s["cpu_by_our_function"], s["busy_samples"]),
             *table("Hottest leaf frames", s["hottest_leaves"], s["busy_samples"])]
    return "\n".join(lines)


def record(n: int, rate: int, timeout: float, mode: str = "events") -> tuple[Path, dict[str, Any]]:
    corpus = build(n, mode=mode)
    wdir = DEFAULT_OUT / "warehouses"
    wdir.mkdir(parents=True, exist_ok=True)
    wh = wdir / f"profile_{n}.duckdb"
    for p in wdir.glob(f"*profile_{n}.duckdb*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    raw = DEFAULT_OUT / f"profile_{n}.txt"
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    t0 = time.perf_counter()
    subprocess.run([spy, "record", "--subprocesses", "--threads", "--rate", str(rate), "--format", "raw",
                    "--output", str(raw), "--nonblocking", "--",
                    sys.executable, "-m", "bench.ingest_once", str(corpus), str(wh)],
                   cwd=ROOT, env=env, check=True, timeout=timeout, capture_output=True)
    return raw, {"articles": n, "rate": rate, "wall_seconds": round(time.perf_counter() - t0, 1),
                 "load_average": round(os.getloadavg()[0], 2)}


def write_summary(raw: Path, meta: dict[str, Any]) -> str:
    """Summarise a raw py-spy profile into bench/results/profile.json and .md."""
    s = summarise(raw)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "profile.json").write_text(json.dumps({"meta": meta, **s}, indent=2) + "\n", encoding="utf-8")
    md = markdown(s, meta)
    (RESULTS / "profile.md").write_text(md + "\n", encoding="utf-8")
    return md


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, nargs="?", default=10_000)
    ap.add_argument("--rate", type=int, default=25)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--raw", type=Path, default=None)
    args = ap.parse_args()
    if args.raw:
        raw, meta = args.raw, {"articles": args.n, "rate": args.rate}
    else:
        raw, meta = record(args.n, args.rate, args.timeout)
    print(write_summary(raw, meta))


if __name__ == "__main__":
    main()
