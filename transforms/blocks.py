"""Numpy helpers for working a large set of items a block at a time (quote groups, copies, stories).

The cross-document transforms bound their memory by cutting their work into blocks of about
a row budget and by expanding only one block's ragged runs at a time.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import numpy as np

T = TypeVar("T")
R = TypeVar("R")

# Threads that work blocks at once (``threaded``): Polars and numpy release the GIL while they
# compute, so a block's work overlaps the next block's and the caller's own (reading text,
# setting results aside). Capped: each thread holds a block.
BLOCK_THREADS = max(1, min(4, os.cpu_count() or 1))


def ragged(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Positions start, start + 1, ..., start + len - 1 of each run, the runs one after another."""
    ends = np.cumsum(lens)
    total = int(ends[-1]) if len(ends) else 0
    return np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - lens), lens)


def distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct ``keys``, ascending (a sort, much faster than ``np.unique``'s hashing).

    Sorts ``keys`` in place: callers pass an array of their own (a ``_combined`` result, say).
    A sorted copy held beside its input was the peak of quote groups at 200,000 articles (16
    million int64 keys, 128 MB an array).
    """
    keys.sort()
    if not len(keys):
        return keys
    new = np.empty(len(keys), dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    return keys[new]


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


def threaded(fn: Callable[[T], R], items: Iterable[T], threads: int | None = None) -> Iterator[R]:
    """``fn`` of each item, in the items' order, computed by ``threads`` worker threads.

    Items are taken from ``items`` (in the calling thread) only as threads free up: at most
    ``threads`` are taken and not yet returned, so a stream of blocks is never read ahead of
    the work. Output is ``map(fn, items)``'s; an exception is raised where its item's result
    would be.
    """
    threads = BLOCK_THREADS if threads is None else threads
    if threads <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="block") as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                del item
                if len(pending) >= threads:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()


def run_counts(ids: np.ndarray, n: int) -> np.ndarray:
    """``np.bincount(ids, minlength=n)`` for ``ids`` sorted ascending (values 0 .. n - 1).

    bincount first copies an int32 array to int64: at 400,000 bench articles the quotes'
    word rows (37 million) became 296 MB for a moment, the peak of quote groups. Here each
    value's first row is searched instead, the bounds in ``ids``' own type (another type
    would make numpy cast all of ``ids``).
    """
    return np.diff(np.searchsorted(ids, np.arange(n + 1, dtype=ids.dtype)))


def run_blocks(counts: np.ndarray, budget: int) -> Iterator[tuple[int, int]]:
    """For rows grouped in consecutive runs (run i holds ``counts[i]`` rows, after run i - 1's),
    the row ranges [start, end) of consecutive whole runs holding about ``budget`` rows."""
    ends = np.cumsum(counts)
    for lo, hi in blocks(counts, budget):
        yield int(ends[lo] - counts[lo]), int(ends[hi - 1])


def value_blocks(values: np.ndarray, width: int, budget: int) -> Iterator[tuple[int, np.ndarray]]:
    """For ``values`` (ints below ``width``, any order): consecutive ranges of values holding
    about ``budget`` rows, each as its first value and the positions of its rows, ascending."""
    for lo, hi in blocks(np.bincount(values, minlength=width), budget):
        yield lo, np.flatnonzero((values >= lo) & (values < hi))


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected component of each of ``n`` items linked by the edges ``a[k]``-``b[k]``: the
    smallest item of its component.

    Vectorised: each pass hooks every root that an edge still joins to another root onto the
    smaller of the two, then follows the links to their roots; edges already inside one
    component leave the work. A few passes (their number grows with the log of a component's
    span), each linear in the edges left.
    """
    lab = np.arange(n, dtype=np.int64)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while len(a):
        la, lb = lab[a], lab[b]
        open_ = la != lb
        if not open_.any():
            break
        a, b, la, lb = a[open_], b[open_], la[open_], lb[open_]
        # Roots only point lower, so the links never form a cycle.
        np.minimum.at(lab, np.maximum(la, lb), np.minimum(la, lb))
        while True:
            up = lab[lab]
            if np.array_equal(up, lab):
                break
            lab = up
    return lab
