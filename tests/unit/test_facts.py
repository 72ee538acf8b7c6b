"""Fact alignment and verdicts on tiny inline frames."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from transforms.facts import context, facts
from transforms.schema import conform


def _frames(reports: list[tuple[str, str, str, float | None, float | None, float | None, str, datetime | None]]):
    """reports: (doc_id, outlet, sentence, value, low, high, qualifier, published_at); the number is
    the first token run matching its surface in the sentence, given as the sentence's '<...>' part."""
    nums, sents, docs = [], [], []
    for i, (doc, outlet, sentence, value, low, high, qual, when) in enumerate(reports):
        start = sentence.index("<")
        end = sentence.index(">") - 1
        text = sentence.replace("<", "").replace(">", "")
        nums.append({"number_id": f"{doc}:{i:04d}", "doc_id": doc, "sentence_no": 0, "char_start": start,
                     "char_end": end, "surface": text[start:end], "value": value, "low": low, "high": high,
                     "qualifier": qual, "kind": "count", "unit": "troops", "unit_group": "troops"})
        sents.append({"doc_id": doc, "sentence_no": 0, "char_start": 0, "text": text})
        docs.append({"doc_id": doc, "story_id": "s1", "outlet": outlet, "published_at": when, "duplicate_of": None})
    return (conform(pl.DataFrame(nums), "numbers"), pl.DataFrame(sents),
            pl.DataFrame(docs, schema_overrides={"published_at": pl.Datetime("us", "UTC")}))


T0 = datetime(2021, 7, 5, 6, tzinfo=UTC)
T1 = datetime(2021, 7, 5, 18, tzinfo=UTC)


def test_rounded_and_bounded_reports_are_consistent() -> None:
    f, links = facts(*_frames([
        ("a", "A", "More than <1,000> Afghan troops fled into Tajikistan.", None, 1000, None, "more_than", T0),
        ("b", "B", "Some <1,037> Afghan troops fled into Tajikistan.", 1037, 1037, 1037, "exact", T0),
        ("c", "C", "<1,000> Afghan troops fled into Tajikistan.", 1000, 1000, 1000, "exact", T0),
    ]))
    assert f.height == 1
    assert links.height == 3
    row = f.row(0, named=True)
    assert (row["status"], row["value"], row["n_sources"]) == ("consistent", 1037, 3)


def test_disjoint_reports_at_the_same_time_conflict() -> None:
    f, _ = facts(*_frames([
        ("a", "A", "<300> Afghan troops fled into Tajikistan.", 300, 300, 300, "exact", T0),
        ("b", "B", "<1,037> Afghan troops fled into Tajikistan.", 1037, 1037, 1037, "exact", T0),
    ]))
    assert f["status"].to_list() == ["conflict"]


def test_rising_reports_over_time_are_a_revision() -> None:
    f, _ = facts(*_frames([
        ("a", "A", "<12> Afghan troops fled into Tajikistan.", 12, 12, 12, "exact", T0),
        ("b", "B", "<40> Afghan troops fled into Tajikistan.", 40, 40, 40, "exact", T1),
    ]))
    row = f.row(0, named=True)
    assert (row["status"], row["value"]) == ("revised", 40)


def test_different_subjects_and_background_markers_are_different_facts() -> None:
    f, _ = facts(*_frames([
        ("a", "A", "<1,000> Afghan troops fled into Tajikistan.", 1000, 1000, 1000, "exact", T0),
        ("b", "B", "<1,000> US troops could remain in the country.", 1000, 1000, 1000, "exact", T0),
        ("c", "C", "About <500> other Afghan soldiers crossed in recent days.", 500, 450, 550, "approximate", T0),
    ]))
    assert f.height == 3
    assert set(f["status"]) == {"single_source"}


@pytest.mark.parametrize(
    ("sentence", "predicate", "marker"),
    [
        ("1,037 Afghan government troops had fled into the ex-Soviet country", "fled", None),
        ("Several hundred Afghan troops had already crossed into Tajikistan", "fled", "already"),
        ("a bombing last year killed 22 people", "killed", "last year"),
    ],
)
def test_context_reads_predicate_and_marker(sentence: str, predicate: str, marker: str | None) -> None:
    import re

    m = re.search(r"[\d,]+|Several hundred", sentence)
    assert m
    p, mk, _ = context(sentence, m.start(), m.end())
    assert (p, mk) == (predicate, marker)


# --- The five sample articles parsed with the real transforms, one story ------------------

import functools  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.facts_parse import ParsedArticles, parse_files  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@functools.cache
def _parsed_sample() -> ParsedArticles:
    return parse_files(sorted(SAMPLE.glob("*.txt")))


def _sample_facts(extra: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    pa = _parsed_sample()
    if extra is not None:
        from transforms.numbers import numbers

        text = f"Extra report. {extra}"
        docs = pl.concat([pa.documents, conform(pl.DataFrame(
            [{"doc_id": "extra", "text": text, "raw_text": text, "n_chars": len(text), "source_path": "x",
              "source_format": "txt", "content_sha256": "x", "run_id": "t"}]), "documents")])
        sents = pl.concat([pa.sentences, conform(pl.DataFrame(
            [{"doc_id": "extra", "sentence_no": 0, "paragraph_no": 0, "char_start": 14,
              "char_end": len(text), "text": extra, "role": "body"}]), "sentences")])
        nums = pl.concat([pa.numbers, numbers(sents.filter(pl.col("doc_id") == "extra"))])
    else:
        docs, sents, nums = pa.documents, pa.sentences, pa.numbers
    f, links = facts(nums, sents, docs.with_columns(story_id=pl.lit("s")))
    return f, links, nums


def _fact_of(f: pl.DataFrame, links: pl.DataFrame, nums: pl.DataFrame, surface: str) -> dict[str, object]:
    nid = nums.filter(pl.col("surface") == surface)["number_id"][0]
    fid = links.filter(pl.col("number_id") == nid)["fact_id"][0]
    return f.filter(pl.col("fact_id") == fid).row(0, named=True)


def test_facts_on_sample_have_no_conflict_and_the_troops_fled_fact() -> None:
    f, links, nums = _sample_facts()
    assert "conflict" not in set(f["status"])
    troops = _fact_of(f, links, nums, "1,037")
    assert troops["n_sources"] >= 3
    assert "fled" in troops["label"]
    assert troops["low"] <= 1037 <= troops["high"]


@pytest.mark.parametrize(
    ("extra", "n_conflicts"),
    [
        ("Some 300 Afghan troops fled into Tajikistan on Monday.", 1),
        ("About 1,000 Afghan soldiers fled into Tajikistan.", 0),
        ("1,000 US troops will remain in Afghanistan.", 0),
    ],
)
def test_facts_perturbed_sample(extra: str, n_conflicts: int) -> None:
    f, _, _ = _sample_facts(extra)
    conflicts = f.filter(pl.col("status") == "conflict")
    assert conflicts.height == n_conflicts
    if n_conflicts:
        assert "fled" in conflicts["label"][0]
        assert "troops" in conflicts["label"][0].lower()


# --- Alignment rules on short inline articles (real numbers stage, one sentence per line) ---

def _story(articles: list[tuple[str, datetime | None, str | None, str]]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """articles: (doc_id, published_at, duplicate_of, text with one sentence per line)."""
    from transforms.numbers import numbers

    sents, docs = [], []
    for doc, when, copy_of, text in articles:
        pos = 0
        for no, line in enumerate(text.split("\n")):
            sents.append({"doc_id": doc, "sentence_no": no, "paragraph_no": no, "char_start": pos,
                          "char_end": pos + len(line), "text": line, "role": "body"})
            pos += len(line) + 1
        docs.append({"doc_id": doc, "story_id": "s1", "outlet": doc, "published_at": when, "duplicate_of": copy_of})
    sentences = conform(pl.DataFrame(sents), "sentences")
    nums = numbers(sentences)
    f, links = facts(nums, sentences, pl.DataFrame(docs, schema_overrides={"published_at": pl.Datetime("us", "UTC")}))
    return f, links, nums


def _fact_row(f: pl.DataFrame, links: pl.DataFrame, nums: pl.DataFrame, doc: str, surface: str) -> dict[str, object]:
    nid = nums.filter((pl.col("doc_id") == doc) & (pl.col("surface") == surface))["number_id"][0]
    fid = links.filter(pl.col("number_id") == nid)["fact_id"][0]
    return f.filter(pl.col("fact_id") == fid).row(0, named=True)


def test_facts_background_list_item_is_not_the_story_toll() -> None:
    f, links, nums = _story([
        ("a", T0, None, "A gunman killed 59 people at a concert in Las Vegas on Sunday."),
        ("b", T0, None, "The gunman killed 59 people at the Las Vegas concert."),
        ("c", T0, None, "At least 59 people were killed at the concert in Las Vegas.\nFlorida club: 49 killed"),
    ])
    assert "conflict" not in set(f["status"])
    assert _fact_row(f, links, nums, "a", "59")["n_sources"] == 3
    assert _fact_row(f, links, nums, "c", "49")["n_mentions"] == 1


def test_facts_different_toll_same_event_is_a_conflict() -> None:
    f, links, nums = _story([
        ("a", T0, None, "A gunman killed 59 people at a concert in Las Vegas on Sunday."),
        ("b", T0, None, "A gunman killed 35 people at a concert in Las Vegas on Sunday."),
    ])
    row = _fact_row(f, links, nums, "a", "59")
    assert row["status"] == "conflict"
    assert row["n_mentions"] == 2


@pytest.mark.parametrize(
    ("b_text", "status"),
    [
        ("The missile flew about 2,300 miles over Japan before landing.", "consistent"),  # conversion
        ("The missile flew 3,700 kilometres over Japan before landing.", "consistent"),
    ],
)
def test_facts_measures_compare_in_base_units(b_text: str, status: str) -> None:
    f, links, nums = _story([
        ("a", T0, None, "The missile flew 3,700 km over Japan before landing in the Pacific."),
        ("b", T0, None, b_text),
    ])
    row = _fact_row(f, links, nums, "a", "3,700 km")
    assert (row["status"], row["n_sources"]) == (status, 2)


def test_facts_subset_and_other_are_different_facts() -> None:
    f, links, nums = _story([
        ("a", T0, None, "The attack killed 40 people, including 12 children, officials said."),
        ("b", T0, None, "The attack killed 40 people in the market, the police said."),
    ])
    assert "conflict" not in set(f["status"])
    assert _fact_row(f, links, nums, "a", "40")["n_sources"] == 2
    assert _fact_row(f, links, nums, "a", "12")["n_mentions"] == 1


def test_facts_one_article_with_two_values_is_no_conflict() -> None:
    f, _, _ = _story([
        ("a", T0, None, "Bitcoin fell to $5,920 on Tuesday.\nBitcoin was later back at $7,265 on Tuesday."),
        ("b", T0, None, "Bitcoin fell to $5,920 on Tuesday morning in Asia."),
    ])
    assert "conflict" not in set(f["status"])


def test_facts_copy_counts_as_its_original() -> None:
    f, links, nums = _story([
        ("a", T0, None, "A gunman killed 59 people at a concert in Las Vegas on Sunday."),
        ("b", T1, "a", "A gunman killed 59 people at a concert in Las Vegas on Sunday."),
    ])
    row = _fact_row(f, links, nums, "a", "59")
    assert (row["status"], row["n_documents"], row["n_sources"]) == ("single_source", 2, 1)


def test_facts_rising_toll_over_days_is_revised() -> None:
    f, links, nums = _story([
        ("a", T0, None, "The earthquake killed 120 people in the province, officials said."),
        ("b", datetime(2021, 7, 7, tzinfo=UTC), None, "The earthquake killed 300 people in the province, officials said."),
    ])
    row = _fact_row(f, links, nums, "a", "120")
    assert (row["status"], row["value"]) == ("revised", 300)


def test_facts_ids_unique_and_each_mention_in_one_fact() -> None:
    f, links, _ = _sample_facts()
    assert f["fact_id"].is_unique().all()
    assert links["number_id"].is_unique().all()
    assert set(links["fact_id"]) == set(f["fact_id"])
    assert (f["n_mentions"].sum(), f.columns) == (links.height, list(schema_columns("facts")))


def schema_columns(table: str) -> list[str]:
    from transforms.schema import polars_schema

    return list(polars_schema(table).names())
