"""End-to-end ingest benchmark: fresh warehouse, N articles, wall time, MB/s, peak memory
(RSS of the whole process tree), per-stage times; then an unchanged re-run and one with 1%
of the files changed. ``python -m bench.ingest 10000 [100000 ...]``.

Figures go to bench/results/ingest.json and bench/results/ingest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from bench.corpus import DEFAULT_OUT, build

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(args: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float, int]:
    """Run a command, sampling the RSS of its process tree; returns (last JSON line, seconds, peak RSS)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    ps = psutil.Process(proc.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_rss(ps))
            except psutil.Error:
                pass
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    done.set()
    t.join()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{args} failed ({proc.returncode}): {err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), seconds, peak


def corpus_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench_size(n: int, workdir: Path, env: dict[str, str]) -> dict[str, Any]:
    corpus = build(n, DEFAULT_OUT / str(n))
    size = corpus_bytes(corpus)
    wh = workdir / f"bench_{n}.duckdb"
    for p in wh.parent.glob(f"*bench_{n}*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    cmd = [sys.executable, "-m", "bench.ingest_once", str(corpus), str(wh)]
    first, secs, peak = run_measured(cmd, env)
    unchanged, secs_unchanged, _ = run_measured(cmd, env)
    # change 1% of the files (append a sentence) and re-run
    files = sorted(p for p in corpus.rglob("*.txt"))[: max(1, n // 100)]
    for p in files:
        p.write_text(p.read_text(encoding="utf-8") + "\nA later update said 3 more people were hurt.\n", encoding="utf-8")
    changed, secs_changed, _ = run_measured(cmd, env)
    for p in files:  # restore, so the corpus stays reusable
        text = p.read_text(encoding="utf-8")
        p.write_text(text.replace("\nA later update said 3 more people were hurt.\n", ""), encoding="utf-8")
    return {
        "articles": n, "bytes": size, "wall_seconds": secs, "articles_per_s": n / secs,
        "mb_per_s": size / 1e6 / secs, "peak_rss_mb": peak / 1e6,
        "stage_seconds": first["stage_seconds"], "rows": first["rows"],
        "files_quarantined": first["files_quarantined"],
        "unchanged_rerun_seconds": secs_unchanged, "unchanged_rerun_flow_seconds": unchanged["flow_seconds"],
        "unchanged_files_skipped": unchanged["files_skipped"],
        "changed_1pct_seconds": secs_changed, "changed_1pct_files_loaded": changed["files_loaded"],
        "warehouse_mb": wh.stat().st_size / 1e6,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("sizes", type=int, nargs="*", default=[10_000])
    args = ap.parse_args()
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    workdir = ROOT / "bench" / "corpus" / "warehouses"
    workdir.mkdir(parents=True, exist_ok=True)
    results = [bench_size(n, workdir, env) for n in args.sizes]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["| articles | MB | wall s | articles/s | MB/s | peak RSS MB | unchanged re-run s | 1% changed s |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['articles']} | {r['bytes'] / 1e6:.1f} | {r['wall_seconds']:.1f} | {r['articles_per_s']:.0f} | "
                     f"{r['mb_per_s']:.2f} | {r['peak_rss_mb']:.0f} | {r['unchanged_rerun_seconds']:.1f} | "
                     f"{r['changed_1pct_seconds']:.1f} |")
    lines.append("")
    for r in results:
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(r["stage_seconds"].items(), key=lambda kv: -kv[1]))
        lines.append(f"- {r['articles']} articles, per stage: {stages}")
    (RESULTS / "ingest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
