"""Make Great Expectations 1.x work on DuckDB (the one place this fix lives).

As shipped, GX opens a fresh SQLAlchemy connection per query and reads the result after
closing it; closing rolls the DuckDB cursor back, so every expectation "fails" with an
empty result and the real error (``list index out of range``) hidden in
``exception_info``. GX already keeps one persisted connection for SQLite and a few others;
adding the ``duckdb`` dialect to that list fixes it. ``tests/integration/test_validate.py``
proves that a failing expectation then fails for its bad rows, not a broken connection.
Remove this module when GX ships native DuckDB support.
"""

from __future__ import annotations


class _DuckDBDialect(str):
    """Compares equal to the engine's dialect name and has the ``.value`` GX reads."""

    value = "duckdb"


def apply_fix() -> None:
    """Idempotently add DuckDB to GX's persisted-connection dialects."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    current = engine._PERSISTED_CONNECTION_DIALECTS
    if not any(d == "duckdb" for d in current):
        engine._PERSISTED_CONNECTION_DIALECTS = (*current, _DuckDBDialect("duckdb"))
