"""One expectation suite per table, declared from the schema plus the SQL checks in ``sql/``.

Every expectation carries ``meta={"severity": ...}``: ``error`` stops the load, ``warning``
and ``info`` become alerts. The cross-table and cross-source checks are SQL files
``expectations/sql/<table>.<check>.sql`` that return the offending rows; their first lines
give the severity and a description.

A check whose rows belong to a document and never change once it is loaded (offsets into
its text) declares ``-- scope: ALIAS``, the alias of ``documents`` in its query, and holds a
``{scope}`` condition. Validating one run, that condition keeps the documents this run
loaded (``ALIAS.run_id``): the others were checked by the run that loaded them, and no run
writes their rows again. Without a run it is ``true``: every row.

A check that joins a large table with the documents' text also marks its join keys
``{part:ALIAS.COLUMN}`` (``expectations.gx_checks``): when DuckDB runs out of memory under
the validation's limit, the check runs again in parts split on those keys' hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transforms import schema

SQL_DIR = Path(__file__).resolve().parent / "sql"

# Key columns (unique together when more than one) and enum columns, per table.
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",), "sentences": ("doc_id", "sentence_no"), "quotes": ("quote_id",),
    "numbers": ("number_id",), "stories": ("story_id",), "facts": ("fact_id",),
    "fact_mentions": ("fact_id", "number_id"), "alerts": ("alert_id",), "runs": ("run_id",),
    "files": ("path",), "quarantine": ("path", "run_id"),
}
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "documents": {"published_at_source": schema.PUBLISHED_AT_SOURCES},
    "sentences": {"role": schema.SENTENCE_ROLES},
    "numbers": {"qualifier": schema.QUALIFIERS, "kind": schema.KINDS},
    "facts": {"status": schema.FACT_STATUSES},
    "alerts": {"severity": schema.SEVERITIES},
    "files": {"status": schema.FILE_STATUSES},
    "runs": {"status": schema.RUN_STATUSES},
}
# Tables that must have rows after a successful run.
NON_EMPTY = ("documents", "sentences", "stories", "files")


@dataclass(frozen=True)
class SqlCheck:
    table: str
    name: str
    severity: str
    description: str
    query: str
    scope: str | None = None  # alias of ``documents`` in the query, for a per-document check


def sql_checks() -> list[SqlCheck]:
    checks = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        table, name = path.stem.split(".", 1)
        header: dict[str, str] = {}
        body = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("-- ") and ":" in line and not body:
                key, value = line[3:].split(":", 1)
                header[key.strip()] = value.strip()
            else:
                body.append(line)
        severity = header.get("severity", "error")
        if severity not in schema.SEVERITIES:
            raise ValueError(f"{path.name}: unknown severity {severity!r}")
        query, scope = "\n".join(body).strip(), header.get("scope")
        if (scope is not None) != ("{scope}" in query):
            raise ValueError(f"{path.name}: a '-- scope:' header and a {{scope}} condition go together")
        checks.append(SqlCheck(table, name, severity, header.get("description", name), query, scope))
    return checks


def scoped_query(check: SqlCheck, run_id: str | None) -> str:
    """The check's query for GX: a per-document check limited to ``run_id``'s documents."""
    if check.scope is None:
        return check.query
    if run_id is None:
        condition = "true"
    else:
        if not re.fullmatch(r"[\w.:+-]+", run_id):
            raise ValueError(f"not a run id: {run_id!r}")
        condition = f"{check.scope}.run_id = '{run_id}'"
    return check.query.replace("{scope}", condition)


def build_expectations(table: str, run_id: str | None = None) -> list[Any]:
    """The GX expectations for one table (imports GX: call only where validation runs).

    With ``run_id``, the per-document SQL checks look at the rows of the documents that run
    loaded (see the module's docstring); every other expectation looks at the whole table.
    """
    from great_expectations import expectations as gxe

    from expectations.gx_checks import SqlCheckExpectation

    def meta(severity: str, check: str) -> dict[str, str]:
        return {"severity": severity, "check": f"{table}.{check}"}

    out: list[Any] = []
    if table in NON_EMPTY:
        out.append(gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=meta("error", "not_empty")))
    keys = KEYS[table]
    for k in keys:
        out.append(gxe.ExpectColumnValuesToNotBeNull(column=k, meta=meta("error", f"{k}_not_null")))
    if len(keys) == 1:
        out.append(gxe.ExpectColumnValuesToBeUnique(column=keys[0], meta=meta("error", f"{keys[0]}_unique")))
    else:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(keys), meta=meta("error", "key_unique")))
    for col, values in ENUMS.get(table, {}).items():
        out.append(gxe.ExpectColumnValuesToBeInSet(column=col, value_set=list(values), meta=meta("error", f"{col}_in_set")))
    for check in sql_checks():
        if check.table == table:
            scoped = check.scope is not None and run_id is not None
            out.append(SqlCheckExpectation(
                unexpected_rows_query=scoped_query(check, run_id),
                description=check.description + (" (documents loaded by this run)" if scoped else ""),
                meta=meta(check.severity, check.name),
            ))
    return out
