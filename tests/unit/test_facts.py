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

from pathlib import Path  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _sample_facts(extra: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    from bench.facts_parse import parse_files

    paths = sorted(SAMPLE.glob("*.txt"))
    pa = parse_files(paths)
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
