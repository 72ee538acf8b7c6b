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
    assert f.height == 1 and links.height == 3
    row = f.row(0, named=True)
    assert row["status"] == "consistent" and row["value"] == 1037 and row["n_sources"] == 3


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
    assert row["status"] == "revised" and row["value"] == 40


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
