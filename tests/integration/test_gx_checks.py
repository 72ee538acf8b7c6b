"""SqlCheckExpectation: GX's unexpected-rows result, from one query when the check passes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

BAD_ROWS = {"none": 0, "few": 5, "many": 250}


def _run(tmp_path: Path, expectation_class: type) -> tuple[dict[str, dict], list[str], Path]:
    """Validate one table with a check per case of BAD_ROWS; results by case, SQL statements
    sent to DuckDB while validating, the Data Docs folder."""
    import great_expectations as gx
    from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa

    from expectations.gx_duckdb import apply_fix

    tmp_path.mkdir(parents=True)
    db = tmp_path / "t.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table t as select range as i, 'row ' || range as label from range(1000)")
    con.close()
    apply_fix()
    context = gx.get_context(mode="ephemeral")
    docs = tmp_path / "docs"
    context.add_data_docs_site(site_name="s", site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    source = context.data_sources.add_sql(name="w", connection_string=f"duckdb:///{db}")
    batch = source.add_table_asset(name="t", table_name="t").add_batch_definition_whole_table("all")
    suite = context.suites.add(gx.ExpectationSuite(name="t", expectations=[
        expectation_class(unexpected_rows_query=f"select i, label from {{batch}} where i < {n}",
                          description=f"check {case}", meta={"case": case})
        for case, n in BAD_ROWS.items()]))
    definition = context.validation_definitions.add(gx.ValidationDefinition(name="t", data=batch, suite=suite))
    statements: list[str] = []
    engine = source.get_execution_engine().engine
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    result = context.checkpoints.add(gx.Checkpoint(
        name="c", validation_definitions=[definition],
        actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["s"])],
        result_format={"result_format": "COMPLETE"},
    )).run()
    (run,) = result.run_results.values()
    by_case = {r.expectation_config.meta["case"]: {"success": r.success, **(r.result or {}),
                                                  "exception": (r.exception_info or {}).get("raised_exception")}
               for r in run.results}
    return by_case, [s for s in statements if "where i <" in s], docs


def test_same_results_as_gx_unexpected_rows_expectation(tmp_path: Path) -> None:
    from great_expectations.expectations import UnexpectedRowsExpectation

    from expectations.gx_checks import SqlCheckExpectation

    ours, _, _ = _run(tmp_path / "ours", SqlCheckExpectation)
    theirs, _, _ = _run(tmp_path / "theirs", UnexpectedRowsExpectation)
    assert ours == theirs
    assert [ours[c]["observed_value"] for c in BAD_ROWS] == [0, 5, 250]
    assert [ours[c]["success"] for c in BAD_ROWS] == [True, False, False]
    assert len(ours["many"]["details"]["unexpected_rows"]) == 200
    assert ours["few"]["details"]["unexpected_rows"][0] == {"i": 0, "label": "row 0"}
    assert not any(r["exception"] for r in ours.values())


def test_a_passing_check_reads_its_query_once(tmp_path: Path) -> None:
    from great_expectations.expectations import UnexpectedRowsExpectation

    from expectations.gx_checks import SqlCheckExpectation

    _, ours, docs = _run(tmp_path / "ours", SqlCheckExpectation)
    _, theirs, their_docs = _run(tmp_path / "theirs", UnexpectedRowsExpectation)
    per_case = {case: sum(f"where i < {n}" in s for s in ours) for case, n in BAD_ROWS.items()}
    # one query for 0 and 5 rows; past 200 rows, a second one counts them
    assert per_case == {"none": 1, "few": 1, "many": 2}
    assert len(theirs) == 2 * len(BAD_ROWS)
    # Data Docs render the check as GX renders its own expectation
    assert "check few 5 check many 250" in _rendered(docs)
    assert _rendered(docs) == _rendered(their_docs)


def _rendered(docs: Path) -> str:
    """The text of the Data Docs validation page's table of expectations and results."""
    page = next(docs.rglob("validations/**/*.html")).read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style).*?</\1>", "", page, flags=re.S)))
    text = re.sub(r"\s+", " ", text)
    return text[text.index("Table-Level Expectations Status"):]


def _validate_offsets(tmp_path: Path, query: str) -> dict:
    """One check over a documents/sentences pair whose join outgrows a 32 MB DuckDB limit:
    20,000 documents of 2 KB, 8 sentences each, 3 of them cut at the wrong offsets."""
    import great_expectations as gx

    from expectations.gx_checks import SqlCheckExpectation
    from expectations.gx_duckdb import apply_fix

    tmp_path.mkdir(parents=True, exist_ok=True)
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table documents as select md5(range::varchar)[:16] as doc_id, "
                "repeat(md5(range::varchar), 64) as text from range(20000)")
    con.execute("create table sentences as select d.doc_id, s.range as sentence_no, s.range * 32 as char_start, "
                "s.range * 32 + 32 as char_end, substr(d.text, s.range * 32 + 1, 32) as text "
                "from documents d, range(8) s")
    con.execute("update sentences set char_start = char_start + 1 where sentence_no = 3 "
                "and doc_id in (select doc_id from documents order by doc_id limit 3)")
    con.close()
    apply_fix()
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql(name="w", connection_string=f"duckdb:///{db}?memory_limit=32MB&threads=2")
    batch = source.add_table_asset(name="s", table_name="sentences").add_batch_definition_whole_table("all")
    suite = context.suites.add(gx.ExpectationSuite(name="s", expectations=[
        SqlCheckExpectation(unexpected_rows_query=query, description="offsets")]))
    definition = context.validation_definitions.add(gx.ValidationDefinition(name="s", data=batch, suite=suite))
    result = context.checkpoints.add(gx.Checkpoint(
        name="c", validation_definitions=[definition], result_format={"result_format": "COMPLETE"})).run()
    (run,) = result.run_results.values()
    (r,) = run.results
    return {"success": r.success, **(r.result or {}), "exception": r.exception_info}


OFFSETS = ("select s.doc_id, s.sentence_no from {batch} s join documents d using (doc_id) "
           "where {part:s.doc_id} and {part:d.doc_id} "
           "and substr(d.text, s.char_start + 1, s.char_end - s.char_start) <> s.text")


def test_a_check_that_runs_out_of_memory_runs_again_in_parts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from expectations.gx_checks import PART

    # Whole, the join does not fit the limit: the check could not pass this way.
    whole = _validate_offsets(tmp_path / "whole", PART.sub("true", OFFSETS))
    assert "Out of Memory" in str(whole["exception"])
    with caplog.at_level("WARNING", logger="expectations.gx_checks"):
        parted = _validate_offsets(tmp_path / "parts", OFFSETS)
    assert not parted["exception"]["raised_exception"]
    assert parted["success"] is False
    assert parted["observed_value"] == 3
    assert sorted(r["sentence_no"] for r in parted["details"]["unexpected_rows"]) == [3, 3, 3]
    assert any("running part 1 of 1 again as two" in m for m in caplog.messages)


def test_a_split_check_keeps_at_most_200_rows_and_counts_them_all(tmp_path: Path) -> None:
    query = OFFSETS.replace("<> s.text", "= s.text and s.sentence_no < 2")  # 40,000 rows
    parted = _validate_offsets(tmp_path, query)
    assert parted["observed_value"] == 40_000
    assert len(parted["details"]["unexpected_rows"]) == 200


def test_in_parts_covers_every_row_once() -> None:
    from expectations.gx_checks import in_parts

    con = duckdb.connect()
    con.execute("create table t as select range::varchar as k from range(1000)")
    query = "select k from t x where {part:x.k}"
    assert in_parts(query, 0, 1) == "select k from t x where true"
    got = [k for i in range(8) for (k,) in con.execute(in_parts(query, i, 8)).fetchall()]
    assert sorted(got) == sorted(str(i) for i in range(1000))


def test_a_part_is_its_two_halves() -> None:
    """A part that runs out of memory runs again as two: part k of n is parts k and k + n of 2n."""
    from expectations.gx_checks import in_parts

    con = duckdb.connect()
    con.execute("create table t as select range::varchar as k from range(1000)")
    query = "select k from t x where {part:x.k}"
    for k, n in [(0, 1), (1, 2), (3, 4), (5, 8)]:
        part = sorted(con.execute(in_parts(query, k, n)).fetchall())
        halves = sorted(con.execute(in_parts(query, k, 2 * n)).fetchall() + con.execute(in_parts(query, k + n, 2 * n)).fetchall())
        assert part == halves
        assert 0 < len(part) < 1000 // n + 100


@pytest.mark.parametrize("capacity", [5000, 400, 150, 60])
def test_run_in_parts_redoes_only_the_part_that_ran_out(capacity: int) -> None:
    """A fake query over skewed rows (hash = the row): a part of more than ``capacity`` rows
    runs out of memory. Same rows and count as the whole query; a part that fitted is never
    run again; once a part of n failed, no part of n or fewer runs."""
    import duckdb as ddb

    from expectations.gx_checks import run_in_parts

    values = list(range(1000)) + [16 * i + 7 for i in range(300)]  # part 7 of 8 is the largest
    bad = [v for v in values if v % 3 == 0]
    calls: list[tuple[int, int, bool]] = []

    def run(k: int, n: int, wanted: int) -> tuple[list[int], int]:
        part = [v for v in values if v % n == k]
        calls.append((k, n, len(part) <= capacity))
        if len(part) > capacity:
            raise ddb.OutOfMemoryException("Out of Memory Error: failed to pin block")
        found = [v for v in part if v % 3 == 0]
        return found[:max(wanted, 0)], len(found)

    rows, count = run_in_parts(run, 200)
    assert count == len(bad)
    assert len(rows) == min(200, len(bad))
    assert set(rows) <= set(bad)
    done = [(k, n) for k, n, ok in calls if ok]
    covered = [v for k, n in done for v in values if v % n == k]
    assert sorted(covered) == sorted(values)  # every row in exactly one part that ran to its end
    least = 1
    for _k, n, ok in calls:
        assert n >= least
        if not ok:
            least = 2 * n
    if capacity < 1300:
        assert calls[0] == (0, 1, False)


def test_run_in_parts_raises_other_errors_and_unsplittable_queries() -> None:
    import duckdb as ddb

    from expectations.gx_checks import run_in_parts

    def oom(k: int, n: int, wanted: int) -> tuple[list[int], int]:
        raise ddb.OutOfMemoryException("Out of Memory Error")

    def broken(k: int, n: int, wanted: int) -> tuple[list[int], int]:
        raise ddb.BinderException("no such column")

    with pytest.raises(ddb.OutOfMemoryException):
        run_in_parts(oom, 200, splittable=False)
    with pytest.raises(ddb.OutOfMemoryException):
        run_in_parts(oom, 200)  # up to MAX_PARTS, then raised
    with pytest.raises(ddb.BinderException):
        run_in_parts(broken, 200)
