"""Benchmark: time and peak memory of ``duplicates`` and ``assign_stories`` as the warehouse grows.

Run: ``cd /work/main && .venv/bin/python -m bench.stories_scale [--docs FILE.parquet] [--sizes 1000 3000]
[--impl PATH/TO/stories.py]``.

Input: the documents of a bench ingest (``--docs``: a parquet file with the ``documents``
columns, e.g. exported from ``bench/corpus/warehouses/bench_10000.duckdb``), or by default the
giveme5w1h corpus replicated with ``bench.stories.replicate`` (same dates, words swapped).
Each size is a fixed random sample of that input. Every measurement runs in a fresh
subprocess: peak RSS (``ru_maxrss``) is reported as the peak during the call minus the
RSS before it, and as the absolute peak. ``assign_stories`` is fed the copies found by
``duplicates``, once with no earlier story ids (the first ingest: every document is new)
and once with 80% of the documents assigned by an earlier run (a later ingest: documents
with a story id, copies included, are clustered again).
Prints a table; writes nothing else.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_IMPL = ROOT / "transforms" / "stories.py"


def _load(impl: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("stories_under_test", impl)
    if spec is None or spec.loader is None:
        raise ImportError(impl)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def _rss_mb() -> float:
    # VmHWM, not ru_maxrss: ru_maxrss survives fork and exec, so a child would report its parent's peak.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _child(fn: str, impl: Path, frame: Path) -> None:
    mod = _load(impl)
    docs = pl.read_parquet(frame)
    if fn == "prepare":  # the inputs of assign_stories
        docs = docs.join(mod.duplicates(docs), on="doc_id", how="left")
        # first ingest: no earlier story ids
        docs.with_columns(pl.lit(None, pl.String).alias("story_id")).write_parquet(frame.with_suffix(".new.parquet"))
        # a later ingest: 80% of the documents were assigned by an earlier run (copies included)
        earlier = mod.assign_stories(docs.sample(fraction=0.8, seed=1).with_columns(pl.lit(None, pl.String).alias("story_id")))
        docs.join(earlier, on="doc_id", how="left").write_parquet(frame.with_suffix(".later.parquet"))
        print(json.dumps({}))
        return
    before = _rss_mb()
    t0 = time.perf_counter()
    out = getattr(mod, fn)(docs)
    seconds = time.perf_counter() - t0
    peak = _rss_mb()
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak), "delta_mb": round(peak - before),
                      "rows": out.height}))


def _input(docs_file: Path | None, n: int) -> pl.DataFrame:
    if docs_file is not None:
        docs = pl.read_parquet(docs_file)
    else:
        from bench.stories import load_corpus, replicate
        docs = replicate(load_corpus(), max(n, 10_000), random.Random(11), 0).drop("event")
    return docs.sample(n, seed=0, shuffle=True) if n < docs.height else docs


def _measure(fn: str, impl: Path, frame: Path) -> dict[str, float]:
    cmd = [sys.executable, "-m", "bench.stories_scale", "--child", fn, "--impl", str(impl), "--frame", str(frame)]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=Path, default=None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    ap.add_argument("--impl", type=Path, default=DEFAULT_IMPL)
    ap.add_argument("--child", default=None)
    ap.add_argument("--frame", type=Path, default=None)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.impl, args.frame)
        return
    print(f"impl {args.impl}")
    print("| docs | function | seconds | peak RSS MB | RSS growth MB |")
    print("|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            docs = _input(args.docs, n)
            dup_in = Path(tmp) / f"dup_{n}.parquet"
            docs.drop("duplicate_of", "story_id", strict=False).write_parquet(dup_in)
            _measure("prepare", args.impl, dup_in)
            runs = (("duplicates", "", dup_in), ("assign_stories", " (first ingest)", dup_in.with_suffix(".new.parquet")),
                    ("assign_stories", " (80% assigned earlier)", dup_in.with_suffix(".later.parquet")))
            for fn, label, frame in runs:
                r = _measure(fn, args.impl, frame)
                print(f"| {n} | {fn}{label} | {r['seconds']} | {r['peak_mb']} | {r['delta_mb']} |", flush=True)


if __name__ == "__main__":
    main()
