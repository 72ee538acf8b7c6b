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
