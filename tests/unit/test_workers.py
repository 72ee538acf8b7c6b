"""FrameWorkers: child interpreters applying a frame function, in order, errors and crashes reported."""

from __future__ import annotations

import os
import shutil
import time

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from flows.workers import FrameWorkers, WorkerCrashed, WorkerError

TARGET = "tests.unit.test_workers"


def sum_and_pid(frame: pl.DataFrame, factor: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Test target: the frame scaled, and the worker's process id; slow on the first input."""
    if frame["x"][0] == 0:
        time.sleep(0.5)  # the first result comes last: the order must still be the inputs'
    print("noise on stdout must not reach the pipe")
    return frame.with_columns(pl.col("x") * factor["k"][0]), pl.DataFrame({"pid": [os.getpid()]})


def fail_on_three(frame: pl.DataFrame) -> tuple[pl.DataFrame]:
    if frame["x"][0] == 3:
        raise ValueError("three is not allowed")
    return (frame,)


def exit_on_two(frame: pl.DataFrame) -> tuple[pl.DataFrame]:
    if frame["x"][0] == 2:
        os._exit(3)
    return (frame,)


def _inputs(n: int, seen: list[int] | None = None):  # type: ignore[no-untyped-def]
    for i in range(n):
        if seen is not None:
            seen.append(i)
        yield pl.DataFrame({"x": [i, i + 100], "s": ["a", None]}), pl.DataFrame({"k": [3]})


def test_results_come_back_in_input_order_from_several_processes() -> None:
    out = list(FrameWorkers(f"{TARGET}:sum_and_pid", 2).map(_inputs(7)))
    assert len(out) == 7
    for i, (scaled, _pid) in enumerate(out):
        assert_frame_equal(scaled, pl.DataFrame({"x": [3 * i, 3 * (i + 100)], "s": ["a", None]}))
    pids = {pid["pid"][0] for _scaled, pid in out}
    assert len(pids) == 2
    assert os.getpid() not in pids


def test_inputs_are_taken_a_few_ahead_not_all_at_once() -> None:
    seen: list[int] = []
    results = FrameWorkers(f"{TARGET}:sum_and_pid", 2).map(_inputs(50, seen))
    next(results)
    assert len(seen) <= 2 * 2 + 1
    results.close()  # stopping early ends the workers without a hang


def test_an_exception_in_the_function_reaches_the_caller_with_its_traceback() -> None:
    with pytest.raises(WorkerError, match="three is not allowed") as err:
        list(FrameWorkers(f"{TARGET}:fail_on_three", 2).map((pl.DataFrame({"x": [i]}),) for i in range(6)))
    assert "ValueError" in str(err.value)
    assert "fail_on_three" in str(err.value)


def test_a_worker_that_dies_is_reported_after_the_results_before_it() -> None:
    results = FrameWorkers(f"{TARGET}:exit_on_two", 1).map((pl.DataFrame({"x": [i]}),) for i in range(5))
    assert [next(results)[0]["x"][0] for _ in range(2)] == [0, 1]
    with pytest.raises(WorkerCrashed):
        next(results)


def test_a_worker_that_cannot_start_is_a_crash() -> None:
    with pytest.raises(WorkerCrashed):
        list(FrameWorkers(f"{TARGET}:fail_on_three", 2, python=shutil.which("false")).map(
            (pl.DataFrame({"x": [i]}),) for i in range(3)))
    with pytest.raises(WorkerCrashed):
        list(FrameWorkers(f"{TARGET}:fail_on_three", 1, python="/nonexistent/python").map(
            (pl.DataFrame({"x": [i]}),) for i in range(3)))


def test_no_inputs_no_results() -> None:
    assert list(FrameWorkers(f"{TARGET}:fail_on_three", 2).map(iter(()))) == []
