"""Great Expectations on DuckDB: the fix works, and bad rows really fail."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations.validate import validate
from warehouse.db import apply_ddl

pytestmark = pytest.mark.slow


def _warehouse(path: Path, bad: bool) -> Path:
    con = duckdb.connect(str(path))
    apply_ddl(con)
    con.execute("""insert into documents (doc_id, source_path, source_format, content_sha256, text, raw_text,
                   n_chars, story_id, run_id) values ('d1', 'a.txt', 'txt', 'x', 'Some 12 troops fled.', 'raw', 20, 'd1', 'r')""")
    con.execute("insert into stories values ('d1', 'label', 1, 1, 1, null, null)")
    con.execute("insert into sentences values ('d1', 0, 0, 0, 20, 'Some 12 troops fled.', 'body')")
    con.execute("insert into files values ('a.txt', 1, 1, 'x', 'loaded', 'd1', 'r')")
    # a good number row, and (when bad) one with an unknown kind and a reversed interval
    con.execute("""insert into numbers values ('d1:0000', 'd1', 0, 5, 7, '12', 12, 12, 12, 'exact', 'count',
                   'troops', 'troops', null)""")
    if bad:
        con.execute("""insert into numbers values ('d1:0001', 'd1', 0, 8, 14, 'troops', 5, 9, 3, 'exact', 'bogus',
                       null, null, null)""")
    con.close()
    return path


def _failed(findings) -> dict[str, object]:
    return {f.check_name: f for f in findings if not f.success}


def test_gx_passes_a_clean_warehouse(tmp_path: Path) -> None:
    findings = validate(_warehouse(tmp_path / "ok.duckdb", bad=False), tmp_path / "docs")
    assert findings
    assert all(f.exception is None for f in findings)
    # the one finding is the short-article warning: a 20-character body is suspicious
    assert set(_failed(findings)) == {"documents.empty_share"}
    assert _failed(findings)["documents.empty_share"].severity == "warning"
    assert (tmp_path / "docs" / "index.html").exists()


def test_gx_fails_bad_rows_for_the_right_reason(tmp_path: Path) -> None:
    findings = validate(_warehouse(tmp_path / "bad.duckdb", bad=True), None)
    failed = _failed(findings)
    assert set(failed) == {"numbers.kind_in_set", "numbers.interval_ordered", "documents.empty_share"}
    kind = failed["numbers.kind_in_set"]
    assert kind.exception is None
    assert kind.unexpected_count == 1
    assert kind.severity == "error"
    interval = failed["numbers.interval_ordered"]
    assert interval.exception is None
    assert interval.unexpected_count == 1
    assert interval.rows[0]["number_id"] == "d1:0001"


def test_duplicate_keys_fail_the_validation(tmp_path: Path) -> None:
    """The large tables have no primary-key index (sql/tables): their keys' uniqueness is the
    validation's, and a duplicate is an error that discards the stage."""
    path = _warehouse(tmp_path / "dupes.duckdb", bad=False)
    con = duckdb.connect(str(path))
    con.execute("insert into sentences values ('d1', 0, 0, 0, 20, 'Some 12 troops fled.', 'body')")
    con.execute("""insert into numbers values ('d1:0000', 'd1', 0, 5, 7, '12', 12, 12, 12, 'exact', 'count',
                   'troops', 'troops', null)""")
    con.close()
    failed = _failed(validate(path, None))
    assert {"sentences.key_unique", "numbers.number_id_unique"} <= set(failed)
    assert failed["sentences.key_unique"].severity == "error"
    assert failed["numbers.number_id_unique"].unexpected_count == 2


def test_per_document_checks_look_at_the_documents_of_the_run_they_are_given(tmp_path: Path) -> None:
    """An incremental run checks offsets in the documents it loaded; the whole table without a run."""
    path = _warehouse(tmp_path / "runs.duckdb", bad=False)
    con = duckdb.connect(str(path))
    # a document of an earlier run whose sentence does not match its text
    con.execute("""insert into documents (doc_id, source_path, source_format, content_sha256, text, raw_text,
                   n_chars, story_id, run_id) values ('d2', 'b.txt', 'txt', 'y', 'Other text here.', 'raw', 16, 'd1', 'r0')""")
    con.execute("insert into sentences values ('d2', 0, 0, 0, 16, 'Not the text....', 'body')")
    con.execute("insert into files values ('b.txt', 1, 1, 'y', 'loaded', 'd2', 'r0')")
    con.close()
    check = "sentences.offsets_inside_text"
    for run_id, fails in ((None, True), ("r0", True), ("r", False)):
        finding = next(f for f in validate(path, None, run_id=run_id) if f.check_name == check)
        assert finding.exception is None
        assert finding.success is not fails, run_id
        assert ("documents loaded by this run" in finding.description) is (run_id is not None)
        if fails:
            assert finding.rows[0]["doc_id"] == "d2"


def test_gx_without_the_fix_would_hide_errors() -> None:
    """The fix is installed in one place and is idempotent."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    from expectations.gx_duckdb import apply_fix

    apply_fix()
    apply_fix()
    assert sum(1 for d in engine._PERSISTED_CONNECTION_DIALECTS if d == "duckdb") == 1


def test_child_that_runs_out_of_memory_runs_again_uncapped_with_the_same_findings(sample: Path, tmp_path: Path) -> None:
    """The GX child caps DuckDB (expectations.validate.MEMORY_LIMIT); a check that runs out of
    memory under the cap must not become a failed check: the child runs again without it."""
    import json
    import os
    import shutil
    import subprocess
    import sys

    sample_copy, reference = tmp_path / "sample.duckdb", tmp_path / "reference.duckdb"
    shutil.copyfile(sample, sample_copy)
    shutil.copyfile(sample, reference)  # GX in this process keeps its file open
    want = [(f.check_name, f.success, f.unexpected_count) for f in validate(reference, None)]
    script = ("import sys, expectations.validate as v; v.MEMORY_LIMIT = '1MB'; "
              f"sys.exit(v.main([{str(sample_copy)!r}]))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parents[2], env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, "\n".join(ln for ln in proc.stderr.splitlines() if "leaked" not in ln)[-3000:]
    assert "validation ran out of memory under 1MB" in proc.stderr
    got = [(f["check_name"], f["success"], f["unexpected_count"]) for f in json.loads(proc.stdout.splitlines()[-1])]
    assert got == want
