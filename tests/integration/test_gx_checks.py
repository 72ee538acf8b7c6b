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
