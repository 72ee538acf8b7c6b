"""The analyst views: shape, comments, documentation, and answers on known data."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.integration.conftest import query
from tests.integration.synthetic import STORY, build_synthetic_warehouse
from transforms.lexicon.facts import ROUND_NUMBER_BAND
from warehouse.db import SQL_DIR, apply_ddl, sql_files

VIEW_FILES = sql_files("views")
VIEWS = [p.stem for p in VIEW_FILES]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic_warehouse(tmp_path_factory.mktemp("synthetic") / "newsledger.duckdb")


@pytest.fixture
def empty_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    apply_ddl(con)
    return con


def test_view_files_follow_the_sql_style() -> None:
    assert len(VIEWS) >= 6
    for path in VIEW_FILES:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("-- grain: "), path.name
        assert f"create or replace view {path.stem} as" in text, "file name = view name"
        assert "select * from final" in text, path.name
        assert text.count("create or replace view") == 1, "one view per file"


def test_views_apply_twice_and_every_column_has_a_comment(empty_con: duckdb.DuckDBPyConnection) -> None:
    apply_ddl(empty_con)  # idempotent, and `create or replace` must not lose the comments
    views = {r[0]: r[1] for r in empty_con.execute(
        "select view_name, comment from duckdb_views() where not internal").fetchall()}
    assert set(views) == set(VIEWS)
    assert all(views.values()), "every view has a comment"
    missing = empty_con.execute(
        "select table_name, column_name from duckdb_columns() where table_name in ? and comment is null",
        [VIEWS]).fetchall()
    assert missing == []


@pytest.mark.parametrize("view", VIEWS)
def test_view_answers_on_an_empty_warehouse(empty_con: duckdb.DuckDBPyConnection, view: str) -> None:
    assert empty_con.execute(f"select count(*) from {view}").fetchall() == [(0,)]


@pytest.mark.parametrize("view", VIEWS)
def test_view_is_documented_in_the_data_dictionary(empty_con: duckdb.DuckDBPyConnection, view: str) -> None:
    readme = (ROOT / "warehouse" / "README.md").read_text(encoding="utf-8")
    views_part = readme.split("\n## Views", 1)[1].split("\n## ", 1)[0]
    section = re.search(rf"^### `{view}`\n(.*?)(?=^### |\Z)", views_part, flags=re.S | re.M)
    assert section, f"warehouse/README.md has no Views section for {view}"
    assert "Grain:" in section.group(1)
    columns = [r[0] for r in empty_con.execute(
        "select column_name from duckdb_columns() where table_name = ? order by column_index", [view]).fetchall()]
    for column in columns:
        assert f"`{column}`" in section.group(1), f"{view}.{column} is not documented"


def test_round_number_band_matches_the_facts_rule() -> None:
    text = (SQL_DIR / "views" / "outlet_scorecard.sql").read_text(encoding="utf-8")
    assert f"select {ROUND_NUMBER_BAND} as round_number_band" in text


def test_fact_disputes_lists_conflicts_and_revisions_newest_first(synthetic: Path) -> None:
    rows = query(synthetic, "select fact_id, status, n_outlets, reports from fact_disputes")
    assert [(r[0], r[1]) for r in rows] == [(f"{STORY}:displaced", "revised"), (f"{STORY}:killed", "conflict")]
    assert rows[1][2:] == (2, "presstv.ir: Fewer than 25; sputniknews.com: 35")


def test_story_coverage_counts_outlets_sources_and_verdicts(synthetic: Path) -> None:
    rows = query(synthetic, """select story_id, n_documents, n_independent, n_copies, outlets, first_outlet,
                                      coverage_hours, n_facts, n_conflicts, n_revised
                               from story_coverage order by story_id""")
    assert rows[0] == (STORY, 5, 4, 1, ["aljazeera.com", "presstv.ir", "sputniknews.com", "tribune.com.pk"],
                       "presstv.ir", 46.0, 3, 1, 1)
    assert rows[1][7:] == (0, 0, 0), "a story without facts is listed with zero facts"


def test_story_outlets_ranks_outlets_by_first_publication(synthetic: Path) -> None:
    rows = query(synthetic, """select outlet, publication_rank, hours_behind_first, n_copies, n_facts
                               from story_outlets where story_id = ? order by publication_rank""", [STORY])
    assert rows == [("presstv.ir", 1, 0.0, 0, 2), ("sputniknews.com", 2, 3.0, 0, 2),
                    ("aljazeera.com", 3, 25.0, 0, 2), ("tribune.com.pk", 4, 31.0, 1, 1), (None, 5, 46.0, 0, 1)]


def test_quote_views_say_who_carried_a_statement_first(synthetic: Path) -> None:
    carriers = query(synthetic, "select outlet, carrier_rank, is_first_carrier, group_n_outlets from quote_reports order by carrier_rank")
    assert carriers == [("presstv.ir", 1, True, 3), ("sputniknews.com", 2, False, 3), ("tribune.com.pk", 3, False, 3)]
    group = query(synthetic, "select speaker, speakers, n_documents, n_sources, first_outlet from quote_groups")
    assert group == [("Mohib", ["Hamdullah Mohib", "Mohib"], 3, 3, "presstv.ir")]
    speakers = query(synthetic, "select speaker, n_statements, n_outlets from speaker_quotes order by speaker")
    assert speakers == [("Hamdullah Mohib", 1, 1), ("Mohib", 1, 2)]


def test_outlet_scorecard_counts_disagreements_with_interval_logic(synthetic: Path) -> None:
    rows = dict((r[0], r[1:]) for r in query(
        synthetic, "select outlet, n_shared_facts, n_disagreeing_facts, disagreement_rate from outlet_scorecard"))
    # "Fewer than 25" vs "35" cannot both hold; "More than 1,000", "1,037" and "about 1,000" can.
    assert rows["presstv.ir"] == (2, 1, 0.5)
    assert rows["tribune.com.pk"] == (1, 0, 0.0)
    assert rows[None] == (1, 1, 1.0), "an unknown outlet is still scored"
    assert rows["reuters.com"] == (0, 0, None)


def test_views_on_the_sample_corpus(sample: Path) -> None:
    assert query(sample, "select count(*) from fact_reports") == query(sample, "select count(*) from fact_mentions")
    story = query(sample, "select n_documents, n_facts from story_coverage")
    assert len(story) == 1
    assert story[0][0] == 5
    assert query(sample, "select sum(n_documents) from outlet_scorecard") == [(5,)]
    assert query(sample, "select count(*) from quote_reports") == query(sample, "select count(*) from quotes")
    assert query(sample, "select count(*) from fact_disputes") == query(
        sample, "select count(*) from facts where status in ('conflict', 'revised')")
    for view in VIEWS:
        query(sample, f"select * from {view}")
