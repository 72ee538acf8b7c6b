"""Crash safety: a run SIGKILLed at any moment leaves the warehouse as it was, and a re-run
gives exactly the tables of an uninterrupted run. bench/crash.py runs 20+ trials; these are a few.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import crash
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crash_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[crash.Fixture]:
    with crash.fixture(tmp_path_factory.mktemp("crash"), n_files=24) as fx:
        yield fx


def test_reference_runs_are_clean_and_deterministic(crash_fixture: crash.Fixture) -> None:
    fx = crash_fixture
    for wh in (fx.earlier, fx.fresh_final, fx.earlier_final):
        assert crash.integrity_problems(wh) == []
    # Two fresh runs of the same input (the reference and the timeline run) give the same tables.
    assert crash.table_checksums(fx.work / "timeline" / "newsledger.duckdb") == fx.checksums["fresh_final"]
    assert fx.checksums["earlier"] != fx.checksums["earlier_final"]
    assert fx.checksums["fresh_final"]["documents"][0] > 0
    assert fx.timeline["stage_at"] < fx.timeline["validate_at"] < fx.timeline["validated_at"] <= fx.timeline["exit_at"]


@pytest.mark.parametrize(("no", "target", "start_state"), [
    (0, "load", "earlier"), (1, "validate", "earlier"), (2, "swap", "earlier"), (3, "anywhere", "empty"),
])
def test_kill_then_rerun_gives_the_uninterrupted_tables(crash_fixture: crash.Fixture, no: int, target: str,
                                                        start_state: str) -> None:
    t = crash.trial(crash_fixture, no, random.Random(no), target, start_state)
    assert t.after_kill in ("start", "final"), t
    assert t.problems == [], t
    assert t.identical, t


def test_checksums_see_a_changed_row(crash_fixture: crash.Fixture, tmp_path: Path) -> None:
    """The comparison can fail: one changed value changes its table's checksum, and only that."""
    import duckdb

    wh = tmp_path / "w.duckdb"
    shutil.copy2(crash_fixture.fresh_final, wh)
    con = duckdb.connect(str(wh))
    con.execute("update numbers set value = value + 1 where number_id = (select min(number_id) from numbers where value is not null)")
    con.execute("insert into sentences select * replace (doc_id || 'x' as doc_id) from sentences limit 1")
    con.close()
    sums = crash.table_checksums(wh)
    changed = {t for t in sums if sums[t] != crash_fixture.checksums["fresh_final"][t]}
    assert changed == {"numbers", "sentences"}
    assert crash.integrity_problems(wh) == ["sentences: 1 orphan rows"]


def test_same_input_twice_gives_identical_tables(run_ingest, tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(SAMPLE, src)
    (src / "empty.txt").write_bytes(b"")
    one, two = tmp_path / "one" / "w.duckdb", tmp_path / "two" / "w.duckdb"
    run_ingest(src, warehouse=one)
    first = crash.table_checksums(one)
    run_ingest(src, warehouse=one)  # again, into the same warehouse: nothing changes
    assert crash.table_checksums(one) == first
    run_ingest(src, warehouse=two)  # into a new warehouse: the same tables
    assert crash.table_checksums(two) == first
    assert crash.integrity_problems(one) == []
