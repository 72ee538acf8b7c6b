"""expectations.validate: the GX child's own memory cap (the checks themselves run in tests/integration)."""

from __future__ import annotations

import pytest

from expectations import validate


@pytest.mark.parametrize(("requested", "expected"), [
    (None, validate.MEMORY_LIMIT),
    ("1GB", validate.MEMORY_LIMIT),       # the run's limit is sized for the load: the child takes less
    ("64MB", "64MB"),                     # ... but never more than the run allows
    ("100 MiB", "100 MiB"),
    ("16GiB", validate.MEMORY_LIMIT),
])
def test_child_memory_limit(requested: str | None, expected: str) -> None:
    assert validate.child_memory_limit(requested) == expected


def test_memory_limit_parse_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="not a memory limit"):
        validate.child_memory_limit("lots")


def test_out_of_memory_is_found_in_nested_exception_info() -> None:
    nested = {"metric_a": {"exception_message": "Out of Memory Error: failed to allocate", "raised_exception": True},
              "metric_b": {"exception_message": None, "raised_exception": False}}
    assert any("Out of Memory" in m for m in validate._exception_messages(nested))
    assert validate._exception_messages({"exception_message": "boom"}) == ["boom"]
    assert validate._exception_messages(None) == []


def test_per_document_checks_declare_their_scope_and_are_limited_to_one_run() -> None:
    from expectations import suites

    checks = {f"{c.table}.{c.name}": c for c in suites.sql_checks()}
    per_document = {k for k, c in checks.items() if c.scope is not None}
    assert per_document == {"sentences.offsets_inside_text", "quotes.offsets_inside_text",
                            "numbers.offsets_inside_text"}
    check = checks["sentences.offsets_inside_text"]
    assert "{scope}" not in suites.scoped_query(check, None)
    assert "where true and {part:s.doc_id} and {part:d.doc_id}" in suites.scoped_query(check, None)
    assert "d.run_id = '20261128T101500Z-a1b2c3'" in suites.scoped_query(check, "20261128T101500Z-a1b2c3")
    whole = checks["documents.empty_share"]
    assert suites.scoped_query(whole, "20261128T101500Z-a1b2c3") == whole.query
    with pytest.raises(ValueError, match="not a run id"):
        suites.scoped_query(check, "x' or true --")


def test_a_scope_header_without_its_condition_is_refused(tmp_path, monkeypatch) -> None:
    from expectations import suites

    (tmp_path / "sentences.bad.sql").write_text("-- severity: error\n-- scope: d\nselect 1 from {batch}\n")
    monkeypatch.setattr(suites, "SQL_DIR", tmp_path)
    with pytest.raises(ValueError, match="go together"):
        suites.sql_checks()
