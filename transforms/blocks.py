"""Numpy helpers for working a large set of items a block at a time (quote groups, copies, stories).

The cross-document transforms bound their memory by cutting their work into blocks of about
a row budget and by expanding only one block's ragged runs at a time.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def ragged(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Positions start, start + 1, ..., start + len - 1 of each run, the runs one after another."""
    ends = np.cumsum(lens)
    total = int(ends[-1]) if len(ends) else 0
    return np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - lens), lens)


def blocks(cost: np.ndarray, budget: int) -> Iterator[tuple[int, int]]:
    """Consecutive ranges [lo, hi) of items whose costs add up to about ``budget`` (one item
    at least), so that work over one range holds about ``budget`` rows."""
    cum = np.cumsum(cost)
    lo, n = 0, len(cost)
    while lo < n:
        base = int(cum[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(cum, base + budget, side="right")), lo + 1)
        yield lo, hi
        lo = hi
