"""The SQL checks as a GX expectation that runs its query once when it passes.

GX's ``UnexpectedRowsExpectation`` depends on two metrics, the offending rows (at most
``MAX_RESULT_RECORDS``) and their count, and each runs the check's query in full: every SQL
check of a validation scanned its tables twice. On the 100,000-article bench warehouse the
two passes were 10.5 s each of a 30-s validation (py-spy of ``python -m
expectations.validate``).

``SqlCheckExpectation`` is that expectation with one metric instead: the query's first
``MAX_RESULT_RECORDS + 1`` rows (DuckDB stops reading once it has them), and the count is
how many came back. Only when more than ``MAX_RESULT_RECORDS`` came back does a second
query count them all. A check that passes, the usual case, reads its tables once; its
result (success, ``observed_value``, ``details.unexpected_rows``) is the one
``UnexpectedRowsExpectation`` gives, and so is its Data Docs rendering (its renderers are
inherited). Importing this module registers both the expectation and the metric.

A check whose query joins a large table with text (the offset checks join every sentence,
quote or number with its document's text) can run out of DuckDB's memory limit as the
warehouse grows: at 200,000 bench articles the sentence check failed at once under the
validation's 192 MB, and the whole validation then ran again without a cap (3.4 GB). Such a
query marks its join keys ``{part:ALIAS.COLUMN}``. The metric first runs it whole (each
mark becomes ``true``); a part that runs out of DuckDB's memory is run again as its two
halves (part k of n, ``hash(ALIAS.COLUMN) % n = k``, is parts k and k + n of 2n), so each
part joins a share of the rows, and the parts' rows and counts are merged. The result is
the one the whole query gives. Only the part that failed runs again: the parts done are
kept, and the parts not yet run are halved before they run, as small as the smallest part
that failed (the sentences check of 400,000 bench articles used to run again whole, as
2, 4, 8, 16 parts: it failed in its eighth part of eight after 17 s, and all sixteen ran).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, ClassVar

from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa
from great_expectations.constants import MAX_RESULT_RECORDS
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations import UnexpectedRowsExpectation
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.query_metric_provider import (
    QueryMetricProvider,
    render_derived_table_alias,
)

METRIC = "unexpected_rows_query.rows_and_count"
# A join key to split the query on when it runs out of memory: ``{part:d.doc_id}``.
PART = re.compile(r"\{part:([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\}")
MAX_PARTS = 1024
log = logging.getLogger(__name__)


def in_parts(query: str, k: int, parts: int) -> str:
    """``query``'s part ``k`` of ``parts``: each ``{part:COLUMN}`` mark becomes a condition on
    the column's hash (all of the query when ``parts`` is 1)."""
    if parts == 1:
        return PART.sub("true", query)
    return PART.sub(lambda m: f"(hash({m.group(1)}) % {parts} = {k})", query)


def _out_of_memory(exc: BaseException) -> bool:
    return "Out of Memory" in str(exc)


def run_in_parts(run: Callable[[int, int, int], tuple[list[Any], int]], max_rows: int,
                 splittable: bool = True, what: str = "") -> tuple[list[Any], int]:
    """The rows (at most ``max_rows``) and count of a query run by ``run(k, n, wanted)``: its
    part k of n, at most ``wanted`` rows (none when ``wanted`` < 1) and the part's count.

    First whole (0 of 1). A part that runs out of DuckDB's memory runs again as its two halves
    (k of 2n and k + n of 2n), when the query is ``splittable`` and MAX_PARTS allows; the
    parts done are kept, and a part not yet run is halved before it runs when a part of its
    size has failed. Any other error is raised.
    """
    rows: list[Any] = []
    count = 0
    todo = [(0, 1)]  # parts still to run, the next one last
    least = 1  # parts: a part of 1/n of the rows with n below this is halved unrun
    while todo:
        k, n = todo.pop()
        if n < least:
            todo.extend(((k + n, 2 * n), (k, 2 * n)))
            continue
        try:
            found, c = run(k, n, max_rows + 1 - len(rows))
        except Exception as exc:
            if not (_out_of_memory(exc) and splittable and 2 * n <= MAX_PARTS):
                raise
            least = max(least, 2 * n)
            todo.extend(((k + n, 2 * n), (k, 2 * n)))
            log.warning("a check ran out of DuckDB's memory limit: running part %d of %d again as two (%s)",
                        k + 1, n, what)
            continue
        rows.extend(found)
        count += c
    return rows[:max_rows], count


class UnexpectedRowsAndCount(QueryMetricProvider):
    """``{"rows": [...at most MAX_RESULT_RECORDS], "count": n}`` of an unexpected-rows query."""

    metric_name = METRIC
    value_keys = ("unexpected_rows_query",)
    query_param_name: ClassVar[str] = "unexpected_rows_query"

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(
        cls,
        execution_engine: SqlAlchemyExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> dict[str, Any]:
        batch_selectable, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        query = cls._get_query_from_metric_value_kwargs(metric_value_kwargs)

        def run(k: int, n: int, wanted: int) -> tuple[list[Any], int]:
            try:
                return cls._part_rows_and_count(execution_engine, batch_selectable, in_parts(query, k, n), wanted)
            except Exception:
                # DuckDB aborts the transaction of a failed query: roll it back, or every
                # later query on GX's one connection fails with "transaction is aborted".
                with execution_engine.get_connection() as connection:
                    connection.rollback()
                raise

        rows, count = run_in_parts(run, MAX_RESULT_RECORDS, splittable=PART.search(query) is not None,
                                   what=" ".join(query.split())[:120])
        return {"rows": [row._asdict() for row in rows], "count": count}

    @classmethod
    def _part_rows_and_count(cls, execution_engine: SqlAlchemyExecutionEngine, batch_selectable: Any,
                             query: str, wanted: int) -> tuple[list[Any], int]:
        """At most ``wanted`` rows of ``query`` (none when ``wanted`` < 1), and its row count."""
        derived = render_derived_table_alias(
            subquery=cls._get_substituted_batch_subquery_from_query_and_batch_selectable(
                query=query, batch_selectable=batch_selectable, execution_engine=execution_engine,
            ),
            alias="unexpected_rows", dialect_name=execution_engine.dialect_name,
        )
        if wanted > 0:
            found = execution_engine.execute_query(sa.text(f"SELECT * FROM {derived} LIMIT {wanted}")).fetchall()
            if len(found) < wanted:  # the whole part
                return found, len(found)
        else:
            found = []
        return found, int(execution_engine.execute_query(sa.text(f"SELECT COUNT(*) FROM {derived}")).scalar_one())


class SqlCheckExpectation(UnexpectedRowsExpectation):
    """``UnexpectedRowsExpectation`` reading its query once when it passes (module docstring)."""

    metric_dependencies: ClassVar[tuple[str, ...]] = (METRIC,)

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None,
                  execution_engine: Any = None) -> Any:
        found = metrics[METRIC]
        return super()._validate(
            {"unexpected_rows_query.table": found["rows"], "unexpected_rows_query.row_count": found["count"]},
            runtime_configuration, execution_engine,
        )
