"""transforms.blocks: ragged runs, row-budget ranges, and blocks worked by threads in order."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from transforms.blocks import (
    blocks,
    components,
    distinct,
    ragged,
    run_blocks,
    run_counts,
    threaded,
    value_blocks,
)


def test_ragged_expands_runs_one_after_another() -> None:
    assert ragged(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist() == [5, 6, 9, 10, 11]
    assert ragged(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []


def test_blocks_cover_every_item_within_the_budget() -> None:
    cost = np.array([3, 3, 3, 10, 1, 1])
    got = list(blocks(cost, 6))
    assert got == [(0, 2), (2, 3), (3, 4), (4, 6)]  # an item over the budget gets a range alone


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_threaded_returns_map_in_order_whatever_finishes_first(threads: int) -> None:
    def slow_for_small(x: int) -> int:
        time.sleep(0.002 * (10 - x % 10))  # earlier items finish later
        return x * x

    assert list(threaded(slow_for_small, range(25), threads)) == [x * x for x in range(25)]


def test_threaded_takes_items_only_as_threads_free_up() -> None:
    taken: list[int] = []

    def items():
        for i in range(10):
            taken.append(i)
            yield i

    out = threaded(lambda x: x, items(), 2)
    assert next(out) == 0
    # one result returned: only the two in flight were taken (executor.map would take all ten)
    assert taken == [0, 1]
    assert list(out) == list(range(1, 10))


def test_threaded_raises_the_items_error_in_its_place() -> None:
    def fail_on_3(x: int) -> int:
        if x == 3:
            raise ValueError("item 3")
        return x

    out = threaded(fail_on_3, range(6), 2)
    assert [next(out) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="item 3"):
        next(out)


def _union_find_partition(n: int, edges: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(x) for x in range(n)]


@pytest.mark.parametrize("seed", range(6))
def test_components_label_each_item_with_its_components_smallest_item(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    m = int(rng.integers(0, 2 * n))
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    if seed == 0:  # a long chain, numbered against its order: many hooking passes
        perm = rng.permutation(n)
        a, b = perm[:-1], perm[1:]
    got = components(n, a, b)
    assert got.tolist() == _union_find_partition(n, list(zip(a.tolist(), b.tolist(), strict=True)))


def test_components_without_edges_are_the_items_themselves() -> None:
    assert components(3, np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == [0, 1, 2]


def test_run_blocks_cover_the_rows_in_whole_runs() -> None:
    counts = np.array([3, 0, 2, 5, 1, 0, 4])
    got = list(run_blocks(counts, 4))
    assert got[0][0] == 0
    assert got[-1][1] == counts.sum()
    assert all(a[1] == b[0] for a, b in itertools.pairwise(got))  # consecutive, no gap
    ends = set(np.cumsum(counts).tolist()) | {0}
    assert all(i in ends and j in ends and j > i for i, j in got if j > i)  # whole runs only
    assert list(run_blocks(np.zeros(0, dtype=np.int64), 4)) == []


def test_value_blocks_list_each_row_once_by_value_range() -> None:
    values = np.array([4, 0, 2, 4, 1, 3, 0, 2, 2])
    got = list(value_blocks(values, 6, 3))
    assert sorted(np.concatenate([rows for _lo, rows in got]).tolist()) == list(range(len(values)))
    for k, (lo, rows) in enumerate(got):
        assert (np.diff(rows) > 0).all()
        assert (values[rows] >= lo).all()
        if k + 1 < len(got):
            assert (values[rows] < got[k + 1][0]).all()


def test_distinct_keys_sorted_once_each() -> None:
    keys = np.array([5, 3, 5, 1, 3, 9], dtype=np.int64)
    assert distinct(keys).tolist() == [1, 3, 5, 9]
    assert distinct(np.zeros(0, dtype=np.int64)).tolist() == []


def test_run_counts_is_bincount_of_sorted_ids_without_a_wider_copy() -> None:
    rng = np.random.default_rng(7)
    ids = np.sort(rng.integers(0, 50, 1_000)).astype(np.int32)
    got = run_counts(ids, 60)  # values 50..59 absent, as bincount's minlength gives
    assert got.tolist() == np.bincount(ids, minlength=60).tolist()
    assert len(got) == 60
    assert got.sum() == len(ids)
    assert run_counts(np.zeros(0, dtype=np.int32), 3).tolist() == [0, 0, 0]
    assert run_counts(np.array([2, 2], dtype=np.int32), 3).tolist() == [0, 0, 2]
