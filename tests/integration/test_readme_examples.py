"""Every ```sql block of warehouse/README.md runs on the sample warehouse and returns rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.integration.conftest import query

README = ROOT / "warehouse" / "README.md"
BLOCKS = re.findall(r"^```sql\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)

pytestmark = pytest.mark.slow


def test_readme_has_ten_example_questions() -> None:
    examples = README.read_text(encoding="utf-8").split("\n## Example questions", 1)[1]
    assert len(re.findall(r"^```sql\n", examples, flags=re.M)) >= 10


@pytest.mark.parametrize("sql", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_sql_block_returns_rows(sample: Path, sql: str) -> None:
    rows = query(sample, sql)
    assert rows, f"no rows on the sample corpus for:\n{sql}"
