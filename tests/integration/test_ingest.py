"""The ingest flow end to end (real Prefect, real DuckDB file, real GX)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SAMPLE
from tests.integration.conftest import query
from transforms.schema import TABLES

pytestmark = pytest.mark.slow


def test_ingest_sample_fills_every_table(prefect_harness, tmp_path: Path) -> None:
    from flows.ingest import run_ingest
    from flows.settings import Settings

    wh = tmp_path / "wh" / "newsledger.duckdb"
    summary = run_ingest([str(SAMPLE)], str(wh), settings=Settings(build_data_docs=True))
    assert summary.status == "succeeded"
    assert (summary.files_seen, summary.files_loaded, summary.files_quarantined) == (5, 5, 0)
    for table in TABLES:
        n = query(wh, f"select count(*) from {table}")[0][0]
        if table not in ("alerts", "quarantine"):
            assert n > 0, table
    assert query(wh, "select count(*) from documents")[0][0] == 5
    names = {r[0] for r in query(wh, "select source_path from documents")}
    assert {Path(n).name for n in names} == {p.name for p in SAMPLE.glob("*.txt")}
    # Every offset cuts out exactly what the row says.
    bad = query(wh, """select count(*) from numbers n join documents d using (doc_id)
                       where substr(d.text, n.char_start + 1, n.char_end - n.char_start) <> n.surface""")
    assert bad[0][0] == 0
    # The five articles report one event: one story, and no conflict on the sample.
    assert query(wh, "select count(*) from stories")[0][0] == 1
    assert query(wh, "select count(*) from facts where status = 'conflict'")[0][0] == 0
    assert (wh.parent / "docs" / "index.html").exists()


def test_ingest_twice_is_idempotent(run_ingest, tmp_path: Path) -> None:
    wh = tmp_path / "wh" / "newsledger.duckdb"
    run_ingest(SAMPLE, warehouse=wh)
    before = {t: query(wh, f"select count(*) from {t}")[0][0] for t in TABLES if t not in ("runs", "alerts")}
    second = run_ingest(SAMPLE, warehouse=wh)
    after = {t: query(wh, f"select count(*) from {t}")[0][0] for t in TABLES if t not in ("runs", "alerts")}
    assert before == after
    assert (second.files_skipped, second.files_loaded) == (5, 0)
    # Nothing changed: no stage copy, no derive and no validation (the tables and open alerts
    # would be the same). The warehouse file is not rewritten; the run waits in the journal.
    assert "stage" not in second.stage_seconds
    assert "derive" not in second.stage_seconds
    assert "validate" not in second.stage_seconds
    assert query(wh, "select count(*) from runs")[0][0] == 1
    from warehouse import db

    assert [r["run_id"] for r in db.journal_rows(wh)] == [second.run_id]
    # The next run that writes folds the journal into `runs`.
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(next(iter(sorted(CORPUS.glob("*.json")))), extra)
    third = run_ingest(SAMPLE, extra, warehouse=wh)
    assert third.files_loaded == 1
    runs = query(wh, "select run_id, status from runs order by started_at")
    assert [r[0] for r in runs] == [runs[0][0], second.run_id, third.run_id]
    assert {r[1] for r in runs} == {"succeeded"}
    assert not db.journal_path(wh).exists()


def test_incremental_facts_equal_a_full_recompute(run_ingest, tmp_path: Path) -> None:
    """Later runs recompute facts only for the stories they touch; the result is what a full
    recompute over the same warehouse gives."""
    import duckdb

    from transforms.facts import facts
    from warehouse.db import fetch_frame

    src = tmp_path / "in"
    src.mkdir()
    files = sorted(CORPUS.glob("*.json"))[:40]
    for f in files[:25]:
        (src / f.name).write_bytes(f.read_bytes())
    wh = tmp_path / "wh" / "newsledger.duckdb"
    run_ingest(src, warehouse=wh)
    for f in files[25:]:
        (src / f.name).write_bytes(f.read_bytes())
    (src / files[0].name).unlink()
    changed = json.loads(files[1].read_text())
    changed["text"] += "\n\nA correction said 12 more people were hurt."
    (src / files[1].name).write_text(json.dumps(changed))
    assert run_ingest(src, warehouse=wh).status == "succeeded"
    con = duckdb.connect(str(wh), read_only=True)
    try:
        docs = fetch_frame(con, "select doc_id, story_id, outlet, published_at, duplicate_of from documents")
        nums = fetch_frame(con, "select * from numbers")
        sents = fetch_frame(con, "select doc_id, sentence_no, char_start, text from sentences")
        stored = fetch_frame(con, "select * from facts order by fact_id")
        stored_links = fetch_frame(con, "select * from fact_mentions order by fact_id, number_id")
    finally:
        con.close()
    full, full_links = facts(nums, sents, docs)
    assert stored.height > 0
    assert stored.to_dicts() == full.sort("fact_id").to_dicts()
    assert stored_links.to_dicts() == full_links.sort("fact_id", "number_id").to_dicts()


def test_ingest_news_please_json_and_jsonl(run_ingest, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    files = sorted(CORPUS.glob("*.json"))[:3]
    (src / "one.json").write_bytes(files[0].read_bytes())
    lines = [json.dumps(json.loads(f.read_text())) for f in files[1:]]
    (src / "two.jsonl").write_text("\n".join([*lines, "{not json"]) + "\n")
    wh = tmp_path / "wh" / "newsledger.duckdb"
    summary = run_ingest(src, warehouse=wh)
    assert summary.status == "succeeded"
    rows = query(wh, "select source_format, outlet, url from documents order by source_format")
    assert [r[0] for r in rows] == ["json", "jsonl", "jsonl"]
    assert all(r[2] and r[2].startswith("http") for r in rows)
    reasons = query(wh, "select path, reason from quarantine")
    assert len(reasons) == 1
    assert reasons[0][0].endswith("two.jsonl:3")
    assert "malformed JSON" in reasons[0][1]


BAD_FILES = {
    "empty.txt": b"",
    "blank.txt": b"   \n\n  \t\n",
    "binary.txt": bytes(range(256)) * 4,
    "latin.txt": "Caf\u00e9 owners said \u201cno\u201d to the 12 new rules.\n".encode("cp1252"),
    "undecodable.txt": b"Valid start \x81\x8d\x90 then garbage \xff\xfe",
    "broken.json": b'{"title": "x", "text": "unterminated',
    "notext.json": b'{"title": "A title only"}',
    "list.json": b"[1, 2, 3]",
}


def test_bad_files_are_quarantined_and_the_run_goes_on(run_ingest, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name, data in BAD_FILES.items():
        (src / name).write_bytes(data)
    (src / "good.txt").write_bytes((SAMPLE / "002_c893cae8a75fbf29.txt").read_bytes())
    (src / "dangling.txt").symlink_to(src / "missing-target.txt")
    wh = tmp_path / "wh" / "newsledger.duckdb"
    summary = run_ingest(src, warehouse=wh)
    assert summary.status == "succeeded"
    reasons = {Path(p).name.split(":")[0]: r for p, r in query(wh, "select path, reason from quarantine")}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.txt"] == "whitespace-only file"
    assert "binary" in reasons["binary.txt"]
    assert "invalid UTF-8" in reasons["undecodable.txt"]
    assert "malformed JSON" in reasons["broken.json"]
    assert reasons["notext.json"] == "JSON record without text"
    assert "not an article object" in reasons["list.json"]
    assert "broken symlink" in reasons["dangling.txt"]
    assert "latin.txt" not in reasons  # cp1252 recovered: the decode is certain, and recorded
    encodings = {Path(p).name: e for p, e in query(wh, "select source_path, source_encoding from documents")}
    assert encodings == {"good.txt": "utf-8", "latin.txt": "cp1252"}
    loaded = {Path(r[0]).name for r in query(wh, "select source_path from documents")}
    assert loaded == {"good.txt", "latin.txt"}
    kept = [r[0] for r in query(wh, "select kept_copy from quarantine where kept_copy is not null")]
    assert kept
    assert all(Path(k).exists() for k in kept)
    # Most of this run's files were bad: a data-quality alert says so.
    assert query(wh, "select count(*) from alerts where check_name = 'run.quarantine_share'")[0][0] == 1
    assert summary.exit_code == 3


def test_changed_and_removed_files(run_ingest, sample_copy: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh" / "newsledger.duckdb"
    run_ingest(sample_copy, warehouse=wh)
    target = sample_copy / "002_c893cae8a75fbf29.txt"
    old_id = query(wh, "select doc_id from files where path = ?", [str(target)])[0][0]
    target.write_text(target.read_text() + "\nA late correction said 12 more people were hurt.\n")
    (sample_copy / "004_a7d85d194f1ac181.txt").unlink()
    (sample_copy / "copy_of_000.txt").write_bytes((sample_copy / "000_ffba5dac279b75cc.txt").read_bytes())
    summary = run_ingest(sample_copy, warehouse=wh)
    assert summary.files_loaded == 2
    assert summary.files_skipped == 3
    assert query(wh, "select count(*) from documents where doc_id = ?", [old_id])[0][0] == 0
    assert query(wh, "select count(*) from sentences where doc_id = ?", [old_id])[0][0] == 0
    statuses = dict(query(wh, "select regexp_extract(path, '[^/]+$'), status from files"))
    assert statuses["004_a7d85d194f1ac181.txt"] == "removed"
    assert statuses["copy_of_000.txt"] == "duplicate"
    # the removed file's document is kept (documented rule); the copy is one document, two paths
    assert query(wh, "select count(*) from documents")[0][0] == 5
    # The removed file comes back with the same bytes: loaded again, then unchanged.
    (sample_copy / "004_a7d85d194f1ac181.txt").write_bytes((SAMPLE / "004_a7d85d194f1ac181.txt").read_bytes())
    back = run_ingest(sample_copy, warehouse=wh)
    assert (back.files_loaded, back.files_quarantined, back.exit_code) == (1, 0, 0)
    statuses = dict(query(wh, "select regexp_extract(path, '[^/]+$'), status from files"))
    assert statuses["004_a7d85d194f1ac181.txt"] == "loaded"
    assert run_ingest(sample_copy, warehouse=wh).files_skipped == 6


def test_missing_input_path_is_a_clear_error(run_ingest, tmp_path: Path) -> None:
    from flows.extract import InputPathError

    with pytest.raises(InputPathError, match="no such file or folder"):
        run_ingest(tmp_path / "nope")


CONTRADICTION = """Afghan troops flee Taliban fighters into Tajikistan

KABUL, July 5 (Reuters) - About 300 Afghan government troops fled into neighbouring Tajikistan
on Monday after overnight clashes with the Taliban, Tajikistan's national security committee said,
as the insurgents seized more districts in northern Afghanistan.

The Afghan troops crossed the border in Badakhshan province to save their lives, the committee
said in a statement, adding that the Taliban now control most of the border with Tajikistan.
"""


def test_late_contradicting_article_joins_its_story_and_raises_one_conflict(
        run_ingest, sample_copy: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh" / "newsledger.duckdb"
    assert run_ingest(sample_copy, warehouse=wh).status == "succeeded"
    (story_id,) = query(wh, "select story_id from stories")[0]
    (sample_copy / "late_report.txt").write_text(CONTRADICTION, encoding="utf-8")
    summary = run_ingest(sample_copy, warehouse=wh)
    assert summary.status == "succeeded"  # a conflict is an alert, never a failed run
    assert (summary.files_loaded, summary.files_skipped) == (1, 5)
    late_doc = query(wh, "select doc_id from documents where source_path like '%late_report.txt'")[0][0]
    assert query(wh, "select story_id from documents where doc_id = ?", [late_doc])[0][0] == story_id
    conflicts = query(wh, """select a.subject, f.low, f.high from alerts a join facts f on f.fact_id = a.subject
                             where a.check_name = 'facts.conflict' and not a.is_resolved""")
    assert len(conflicts) == 1, conflicts
    fact_id, low, high = conflicts[0]
    assert high is None or low <= high  # a conflict stores the span of its reports (null = unbounded)
    surfaces = {r[0] for r in query(wh, """select n.surface from fact_mentions m join numbers n using (number_id)
                                           where m.fact_id = ?""", [fact_id])}
    assert {"About 300", "1,037"} <= surfaces, surfaces
    # The outlet corrects its figure: the changed file replaces its rows, the conflict is gone,
    # and its alert is marked resolved (kept, not deleted).
    (sample_copy / "late_report.txt").write_text(CONTRADICTION.replace("About 300", "About 1,000"), encoding="utf-8")
    assert run_ingest(sample_copy, warehouse=wh).status == "succeeded"
    assert query(wh, "select count(*) from facts where status = 'conflict'")[0][0] == 0
    assert query(wh, "select is_resolved from alerts where subject = ?", [fact_id]) == [(True,)]
