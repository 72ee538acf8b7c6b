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
mark becomes ``true``); when DuckDB runs out of memory it runs it again as 2, 4, 8... parts
(each mark becomes ``hash(ALIAS.COLUMN) % parts = k``), so each part joins a share of the
rows, and merges the parts' rows and counts. The result is the one the whole query gives.
"""

from __future__ import annotations

import logging
import re
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
        parts = 1
        while True:
            try:
                return cls._rows_and_count(execution_engine, batch_selectable, query, parts)
            except Exception as exc:
                # DuckDB aborts the transaction of a failed query: roll it back, or every
                # later query on GX's one connection fails with "transaction is aborted".
                with execution_engine.get_connection() as connection:
                    connection.rollback()
                if not (_out_of_memory(exc) and PART.search(query) and parts < MAX_PARTS):
                    raise
                parts *= 2
                log.warning("a check ran out of DuckDB's memory limit: running it again in %d parts "
                            "(%s)", parts, " ".join(query.split())[:120])

    @classmethod
    def _rows_and_count(cls, execution_engine: SqlAlchemyExecutionEngine, batch_selectable: Any,
                        query: str, parts: int) -> dict[str, Any]:
        """The rows (at most MAX_RESULT_RECORDS) and count of ``query`` run in ``parts`` parts."""
        rows: list[Any] = []
        count = 0
        for k in range(parts):
            derived = render_derived_table_alias(
                subquery=cls._get_substituted_batch_subquery_from_query_and_batch_selectable(
                    query=in_parts(query, k, parts),
                    batch_selectable=batch_selectable,
                    execution_engine=execution_engine,
                ),
                alias="unexpected_rows", dialect_name=execution_engine.dialect_name,
            )
            wanted = MAX_RESULT_RECORDS + 1 - len(rows)
            if wanted > 0:
                found = execution_engine.execute_query(
                    sa.text(f"SELECT * FROM {derived} LIMIT {wanted}")
                ).fetchall()
                rows.extend(found)
                if len(found) < wanted:  # the whole part
                    count += len(found)
                    continue
            count += int(execution_engine.execute_query(sa.text(f"SELECT COUNT(*) FROM {derived}")).scalar_one())
        return {"rows": [row._asdict() for row in rows[:MAX_RESULT_RECORDS]], "count": count}


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
