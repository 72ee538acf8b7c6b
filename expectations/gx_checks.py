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
"""

from __future__ import annotations

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
        query = cls._get_substituted_batch_subquery_from_query_and_batch_selectable(
            query=cls._get_query_from_metric_value_kwargs(metric_value_kwargs),
            batch_selectable=batch_selectable,
            execution_engine=execution_engine,
        )
        derived = render_derived_table_alias(
            subquery=query, alias="unexpected_rows", dialect_name=execution_engine.dialect_name
        )
        found = execution_engine.execute_query(
            sa.text(f"SELECT * FROM {derived} LIMIT {MAX_RESULT_RECORDS + 1}")
        ).fetchall()
        rows = [row._asdict() for row in found[:MAX_RESULT_RECORDS]]
        if len(found) <= MAX_RESULT_RECORDS:
            return {"rows": rows, "count": len(found)}
        total = execution_engine.execute_query(sa.text(f"SELECT COUNT(*) FROM {derived}")).scalar_one()
        return {"rows": rows, "count": int(total)}


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
