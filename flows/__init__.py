"""Orchestration: Prefect flows and thin tasks, the CLI and settings.

Importing the package tunes this process's memory allocators (``_tune_allocators``) before
anything loads Polars; child processes that import it (parse and facts workers) tune their own.
"""

from __future__ import annotations

import ctypes
import os

# Polars' allocator (jemalloc, configured from this variable when Polars loads; Polars adds
# its own decay defaults in front): one arena instead of 4 per core, freed pages handed
# back at once instead of after a second of "muzzy" state (MADV_FREE, still counted in RSS),
# and kept for reuse ("dirty") 100 ms instead of Polars' 500: a step's freed frames no longer
# sit beside the next step's numpy arrays (those come from glibc and cannot reuse them).
JEMALLOC_CONF = "narenas:1,muzzy_decay_ms:0,dirty_decay_ms:100"
# glibc's malloc (numpy's arrays, DuckDB's results): blocks of 1 MiB and more are mapped on
# their own and unmapped when freed. Its default threshold rises to the largest block freed
# (up to 32 MiB), after which freed arrays leave holes in the heap that stay resident.
MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def _tune_allocators() -> None:
    """Set both allocators for a run's memory rather than its last percent of speed.

    Measured on derive alone over the 100,000-article bench warehouse (tree RSS, the temporary
    Prefect server included; docs/scaling-history.md, eleventh pass): copies 1,362-1,428 -> 1,184 MB,
    stories 1,350-1,391 -> 1,195 MB, quote groups 1,204-1,242 -> 1,096 MB, derive 56.6-58.7 ->
    59.3 s. Dirty pages kept 100 ms (twelfth pass), derive alone at 200,000 articles: peak
    1,393 -> 1,344 MB, the same time (0 ms: 1,321 MB, but copies and stories 20-24% slower);
    10,000-article runs 1,178-1,183 -> 1,147-1,153 MB, no slower.

    ``NEWSLEDGER_ALLOCATOR_TUNING=0`` leaves both allocators alone; a ``_RJEM_MALLOC_CONF``
    or ``MALLOC_MMAP_THRESHOLD_`` already set wins. A process that loaded Polars before this
    package keeps Polars' defaults.
    """
    if os.environ.get("NEWSLEDGER_ALLOCATOR_TUNING", "1") == "0":
        return
    os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC_CONF)
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return  # glibc read it at start
    try:
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):  # not glibc
        pass


_tune_allocators()
