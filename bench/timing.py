"""Shared timing helpers for the stage benchmarks: best-of-N CPU and wall time, as MB/s."""

from __future__ import annotations

import time
from collections.abc import Callable


def mb(texts: list[str]) -> float:
    """Size of the texts in MB (UTF-8)."""
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def timed(work: Callable[[], object], size_mb: float, repeats: int) -> dict[str, float]:
    """Run ``work`` ``repeats`` times; best CPU (process) and wall time, and MB/s for each."""
    cpu = wall = float("inf")
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        work()
        cpu = min(cpu, time.process_time() - c0)
        wall = min(wall, time.perf_counter() - t0)
    return {"mb": round(size_mb, 3), "cpu_seconds": round(cpu, 3), "wall_seconds": round(wall, 3),
            "mb_per_s": round(size_mb / cpu, 3) if cpu else 0.0,
            "wall_mb_per_s": round(size_mb / wall, 3) if wall else 0.0}
