"""Tests for transforms/numbers.py: forms, qualifiers, kinds, offsets, the spec table, the frame."""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import schema
from transforms.lexicon import numbers_words as W
from transforms.lexicon import units as U
from transforms.numbers import Mention, find_numbers, numbers

SPEC = Path(__file__).resolve().parents[1] / "data" / "numbers_spec.jsonl"
FIELDS = ("surface", "value", "low", "high", "qualifier", "kind", "unit_group")
INF = None  # unbounded side of an interval


def _one(text: str, surface: str) -> Mention:
    found = [m for m in find_numbers(text) if m.surface == surface]
    assert found, f"{surface!r} not found in {[m.surface for m in find_numbers(text)]}"
    return found[0]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


# (text, surface, value, low, high, qualifier, kind, unit_group): must pass, one per form.
CASES = [
    # the story's key sentences
    ("more than 1,000 Afghan troops fled", "more than 1,000", 1000, 1000, INF, "more_than", "count", "troops"),
    ("1,037 Afghan government forces had fled", "1,037", 1037, 1037, 1037, "exact", "count", "troops"),
    ("which has seen dozens of districts falling", "dozens", None, 24, 144, "vague", "count", "districts"),
    ("Several hundred Afghan troops had crossed", "Several hundred", None, 200, 900, "vague", "count", "troops"),
    ("about 500 other Afghan soldiers crossed", "about 500", 500, 450, 550, "approximate", "count", "troops"),
    ("full control of six districts in the north", "six", 6, 6, 6, "exact", "count", "districts"),
    ("to leave 20 years after the invasion", "20 years", 20, 20, 20, "exact", "duration", "year"),
    ("this year's 20th anniversary", "20th", 20, 20, 20, "exact", "ordinal", None),
    ("of the September 11 attacks", "September 11", 911, 911, 911, "exact", "date", None),
    ("following nearly two decades of fighting", "nearly two decades", 20, 18, 20, "approximate", "duration", "year"),
    ("News ID: 314510", "314510", None, None, None, "exact", "identifier", None),
    ("1,037 servicemen of the Afghan government forces retreated", "1,037", 1037, 1037, 1037, "exact", "count", "troops"),
    ("22 people killed in the blast", "22", 22, 22, 22, "exact", "count", "people"),
    # qualifiers
    ("around 2,000 people attended", "around 2,000", 2000, 1800, 2200, "approximate", "count", "people"),
    ("an estimated 12,000 civilians", "an estimated 12,000", 12000, 10800, 13200, "approximate", "count", "people"),
    ("almost 90 percent of the votes", "almost 90 percent", 90, 81, 90, "approximate", "percent", "percent"),
    ("close to 5,000 troops remain", "close to 5,000", 5000, 4500, 5000, "approximate", "count", "troops"),
    ("at least 22 people were killed", "at least 22", 22, 22, INF, "at_least", "count", "people"),
    ("upwards of 3,000 soldiers", "upwards of 3,000", 3000, 3000, INF, "at_least", "count", "troops"),
    ("said 150 or more fighters", "150 or more", 150, 150, INF, "at_least", "count", "militants"),
    ("a 1,000-plus crowd waited", "1,000-plus", 1000, 1000, INF, "at_least", "count", "crowd"),
    ("over 200 vehicles were destroyed", "over 200", 200, 200, INF, "more_than", "count", "vehicles"),
    ("up to 50 aircraft could be sent", "up to 50", 50, INF, 50, "at_most", "count", "aircraft"),
    ("no more than 30 people may gather", "no more than 30", 30, INF, 30, "at_most", "count", "people"),
    ("fewer than 100 residents stayed", "fewer than 100", 100, INF, 100, "less_than", "count", "people"),
    ("under 100 residents stayed", "under 100", 100, INF, 100, "less_than", "count", "people"),
    ("between 20 and 30 civilians died", "between 20 and 30", None, 20, 30, "range", "count", "people"),
    ("between 2 and 3 million people", "between 2 and 3 million", None, 2e6, 3e6, "range", "count", "people"),
    ("damaged 10 to 15 houses", "10 to 15", None, 10, 15, "range", "count", "buildings"),
    ("the journey takes 3-4 hours", "3-4 hours", None, 3, 4, "range", "duration", "hour"),
    # vague words
    ("a handful of soldiers stayed", "a handful", None, 2, 5, "vague", "count", "troops"),
    ("scores of civilians were killed", "scores", None, 40, 199, "vague", "count", "people"),
    ("hundreds of families have fled", "hundreds", None, 200, 999, "vague", "count", "people"),
    ("thousands of refugees wait", "thousands", None, 2000, 9999, "vague", "count", "people"),
    ("tens of thousands of people marched", "tens of thousands", None, 20000, 99999, "vague", "count", "people"),
    ("millions of people are hungry", "millions", None, 2e6, 9999999, "vague", "count", "people"),
    ("several districts fell", "several", None, 2, 9, "vague", "count", "districts"),
    ("a dozen tanks were seen", "a dozen", 12, 10.8, 13.2, "approximate", "count", "vehicles"),
    # words, scales, abbreviations
    ("twenty-one people were wounded", "twenty-one", 21, 21, 21, "exact", "count", "people"),
    ("a thousand protesters gathered", "a thousand", 1000, 1000, 1000, "exact", "count", "people"),
    ("half a million refugees crossed", "half a million", 5e5, 5e5, 5e5, "exact", "count", "people"),
    ("one hundred and twenty troops", "one hundred and twenty", 120, 120, 120, "exact", "count", "troops"),
    ("with 1.2 million people", "1.2 million", 1.2e6, 1.2e6, 1.2e6, "exact", "count", "people"),
    ("the company cut 10k jobs", "10k", 1e4, 1e4, 1e4, "exact", "count", "job"),
    # money
    ("pledged $3.5bn in aid", "$3.5bn", 3.5e9, 3.5e9, 3.5e9, "exact", "money", "USD"),
    ("owes 40 billion euros to", "40 billion euros", 4e10, 4e10, 4e10, "exact", "money", "EUR"),
    ("worth £20m last year", "£20m", 2e7, 2e7, 2e7, "exact", "money", "GBP"),
    ("losses of $450 million to $500 million", "$450 million to $500 million", None, 4.5e8, 5e8, "range", "money", "USD"),
    # percent, fractions, negative numbers
    ("rose to 7.5% in March", "7.5%", 7.5, 7.5, 7.5, "exact", "percent", "percent"),
    ("grew 3.5 per cent last year", "3.5 per cent", 3.5, 3.5, 3.5, "exact", "percent", "percent"),
    ("two-thirds of the districts", "two-thirds", 200 / 3, 200 / 3, 200 / 3, "exact", "percent", "percent"),
    ("temperatures fell to -15 degrees", "-15 degrees", -15, -15, -15, "exact", "measure", "degree"),
    ("dropped to minus 20 degrees", "minus 20 degrees", -20, -20, -20, "exact", "measure", "degree"),
    # measures, durations, ages
    ("travelled 120 km through", "120 km", 120, 120, 120, "exact", "measure", "km"),
    ("about 30,000 miles (50,000km) closer", "50,000km", 5e4, 5e4, 5e4, "exact", "measure", "km"),
    ("a 20-year war", "20-year", 20, 20, 20, "exact", "duration", "year"),
    ("a 12-hour ceasefire", "12-hour", 12, 12, 12, "exact", "duration", "hour"),
    ("a 35-year-old man was arrested", "35-year-old", 35, 35, 35, "exact", "age", "year"),
    ("the victim, aged 19, was", "aged 19", 19, 19, 19, "exact", "age", "year"),
    # dates, times, years, ordinals, identifiers
    ("on 5th Jul, 2021 )", "5th Jul, 2021", 20210705, 20210705, 20210705, "exact", "date", None),
    ("dated 2021-07-05 WORLD", "2021-07-05", 20210705, 20210705, 20210705, "exact", "date", None),
    ("Published: 0237 GMT July 05, 2021", "0237 GMT", 237, 237, 237, "exact", "time", None),
    ("Mon 05th July 2021 | 04:20 PM", "04:20 PM", 1620, 1620, 1620, "exact", "time", None),
    ("the attacks of September 11th", "September 11th", 911, 911, 911, "exact", "date", None),
    ("the 9/11 attacks", "9/11", 911, 911, 911, "exact", "date", None),
    ("the war began in 2001.", "2001", 2001, 2001, 2001, "exact", "year", None),
    ("the economy grew in the 1990s.", "1990s", None, 1990, 1999, "range", "year", None),
    ("between 2008 and 2013.", "between 2008 and 2013", None, 2008, 2013, "range", "year", None),
    ("the country's twenty-first province", "twenty-first", 21, 21, 21, "exact", "ordinal", None),
    ("call +44 20 7946 0958 now", "+44 20 7946 0958", None, None, None, "exact", "identifier", None),
    ("Barcelona won 3-1 on Sunday", "3-1", None, None, None, "exact", "identifier", None),
    ("the COVID-19 pandemic", "COVID-19", None, None, None, "exact", "identifier", None),
    ("NATO invoked Article 5 after", "5", None, None, None, "exact", "identifier", None),
    ("the FTSE 100 index rose", "100", None, None, None, "exact", "identifier", None),
    ("after the 2.1 update shipped", "2.1", None, None, None, "exact", "identifier", None),
    ("it moved 3 release dates", "3", 3, 3, 3, "exact", "count", "date"),
    # counted nouns after a partitive number, a bracket or a quote
    ("they seized 12 of the 40 trucks", "12", 12, 12, 12, "exact", "count", "vehicles"),
    ("crossed [several] villages of the north", "several", None, 2, 9, "vague", "count", "places"),
    ('police saw five "armed men" near the gate', "five", 5, 5, 5, "exact", "count", "people"),
    # fractions with a qualifier, coins, spans, short decades, age bounds
    ("it uses about 1/4 of the power", "about 1/4", 25, 22.5, 27.5, "approximate", "percent", "percent"),
    ("shares fell to 45 cents on Monday", "45 cents", 0.45, 0.45, 0.45, "exact", "money", "USD"),
    ("a $2 million deal over five years", "five years", 5, 5, 5, "exact", "duration", "year"),
    ("it lasted over five years", "over five years", 5, 5, INF, "more_than", "duration", "year"),
    ("popular in the 1980s and 90s", "90s", None, 1990, 1999, "range", "year", None),
    ("people over 65 were told to stay home", "over 65", 65, 65, INF, "more_than", "age", "year"),
]


@pytest.mark.parametrize(
    ("text", "surface", "value", "low", "high", "qualifier", "kind", "group"), CASES,
    ids=[c[1] for c in CASES],
)
def test_find_numbers_forms(
    text: str, surface: str, value: float | None, low: float | None, high: float | None,
    qualifier: str, kind: str, group: str | None,
) -> None:
    m = _one(text, surface)
    assert text[m.start : m.end] == m.surface
    assert (m.qualifier, m.kind, m.unit_group) == (qualifier, kind, group)
    assert _close(m.value, value)
    assert _close(m.low, low)
    assert _close(m.high, high)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("more than 1,000 Afghan troops fled", "Afghan troops"),
        ("1,037 servicemen of the Afghan government forces crossed", "servicemen of the Afghan government forces"),
        ("dozens of districts falling", "districts"),
        ("22 people killed", "people"),
        ("at least 22 killed", "killed"),
    ],
)
def test_find_numbers_unit_as_written(text: str, unit: str) -> None:
    assert find_numbers(text)[0].unit == unit


@pytest.mark.parametrize(
    "text",
    ["One of the soldiers was injured.", "The talks are set for next week.", "no one came", ""],
)
def test_find_numbers_no_mention(text: str) -> None:
    assert find_numbers(text) == []


def test_find_numbers_gallery_counter_has_no_unit() -> None:
    """ "23 of 41 Skip": a capitalised word after the partitive number is not a counted noun."""
    assert find_numbers("Buzz60 23 of 41 Skip in Skip x Embed")[0].unit_group is None


def test_find_numbers_change_is_not_a_range() -> None:
    got = [(m.surface, m.qualifier) for m in find_numbers("The death toll rose from 35 to 42.")]
    assert got == [("35", "exact"), ("42", "exact")]


def _spec() -> list[dict[str, object]]:
    return [json.loads(line) for line in SPEC.read_text(encoding="utf-8").splitlines() if line]


def test_spec_table_size_and_sources() -> None:
    rows = _spec()
    assert len(rows) >= 200
    assert sum(r["source"] != "written" for r in rows) >= len(rows) / 2


def test_spec_offsets_are_exact() -> None:
    for row in _spec():
        text = str(row["text"])
        for m in find_numbers(text):
            assert text[m.start : m.end] == m.surface
            assert m.low is None or m.high is None or m.low <= m.high
            if m.value is not None:
                assert m.low is None or m.low <= m.value
                assert m.high is None or m.value <= m.high


def test_spec_table_accuracy() -> None:
    """The labelled table as a test: thresholds just under the measured figures."""
    rows = _spec()
    exact = 0
    field_ok = dict.fromkeys(FIELDS, 0)
    n_expected = 0
    for row in rows:
        got = [m._asdict() for m in find_numbers(str(row["text"]))]
        exp = row["mentions"]
        assert isinstance(exp, list)
        same = len(got) == len(exp) and all(
            _close(g[f], e[f]) if f in ("value", "low", "high") else g[f] == e[f]
            for g, e in zip(got, exp, strict=True) for f in FIELDS
        )
        exact += same
        n_expected += len(exp)
        for e in exp:
            g = next((g for g in got if g["surface"] == e["surface"]), None)
            for f in FIELDS:
                if g is not None and (
                    _close(g[f], e[f]) if f in ("value", "low", "high") else g[f] == e[f]
                ):
                    field_ok[f] += 1
    assert exact / len(rows) >= 0.97
    for f in FIELDS:
        assert field_ok[f] / n_expected >= 0.98, f


def test_lexicon_vague_table_is_ordered() -> None:
    for phrase, (low, high) in W.VAGUE.items():
        assert 0 < low <= high, phrase
    assert W.VAGUE["dozens"][0] == 24
    assert W.VAGUE["several hundred"] == (200, 900)
    assert W.VAGUE["hundreds"] == (200, 999)


DOCS = Path(__file__).resolve().parents[2] / "docs" / "numbers.md"


def test_docs_range_tables_match_the_lexicon() -> None:
    """docs/numbers.md carries THE table of ranges: every vague phrase and band, as in the lexicon."""
    vague: dict[str, tuple[float, float]] = {}
    bands: dict[str, str] = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in W.VAGUE:
            vague[cells[0]] = (float(cells[1].replace(",", "")), float(cells[2].replace(",", "")))
        if len(cells) == 3 and cells[0] in W.BANDS:
            bands[cells[0]] = cells[2]
    assert vague == W.VAGUE
    assert set(bands) == set(W.BANDS) - {"exact"}
    for band, text in bands.items():
        lo, hi = W.BANDS[band]
        expected = f"[{'null' if lo is None else _factor(lo)}, {'null' if hi is None else _factor(hi)}]"
        assert text.startswith(expected), (band, text, expected)


def _factor(f: float) -> str:
    return "N" if f == 1 else f"{f:g} N"


def test_lexicon_unit_groups() -> None:
    for word in ("troops", "soldiers", "servicemen", "personnel", "forces"):
        assert U.COUNT_GROUPS[word] == "troops"
    for word in ("people", "persons", "civilians"):
        assert U.COUNT_GROUPS[word] == "people"


def _sentences(texts: list[str], doc: str = "d1") -> pl.DataFrame:
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    return pl.DataFrame({
        "doc_id": [doc] * len(texts), "sentence_no": list(range(len(texts))),
        "char_start": starts, "text": texts, "role": ["body"] * len(texts),
    })


def test_numbers_frame_schema_and_ids() -> None:
    texts = ["More than 1,000 Afghan troops fled.", "No figures here.", "Dozens of districts fell on July 5."]
    doc = " ".join(texts)
    out = numbers(_sentences(texts))
    assert out.schema == schema.polars_schema("numbers")
    assert out["number_id"].to_list() == ["d1:0000", "d1:0001", "d1:0002"]
    assert out["sentence_no"].to_list() == [0, 2, 2]
    for row in out.iter_rows(named=True):
        assert doc[row["char_start"] : row["char_end"]] == row["surface"]
    assert out["kind"].to_list() == ["count", "count", "date"]


def test_numbers_empty_inputs() -> None:
    assert numbers(_sentences([])).schema == schema.polars_schema("numbers")
    assert numbers(_sentences(["Nothing to count."])).height == 0


def test_numbers_text_holding_the_mark_character() -> None:
    """A sentence that already holds the mark Polars inserts is scanned in Python instead."""
    texts = ["Odd \x00 byte: 12 soldiers left.", "Then 3 more."]
    out = numbers(_sentences(texts))
    assert out["surface"].to_list() == ["12", "3"]
    assert out["unit_group"].to_list()[0] == "troops"


def test_numbers_offsets_hold_around_marks_and_repeats() -> None:
    """The starts of all texts come from one running sum: a text holding the mark (anywhere,
    even last) or repeated in another document does not shift the offsets of the others."""
    texts = ["Then 3 more.", "12 soldiers left.\x00", "\x00 Odd: 7 boats, 4 cars", "No figures.",
             "Then 3 more.", "About 40 km away \x00 on May 5.", "\x00", "Some 2,500 people fled."]
    frame = pl.DataFrame({
        "doc_id": [f"d{i % 3}" for i in range(len(texts))], "sentence_no": list(range(len(texts))),
        "char_start": [0] * len(texts), "text": texts, "role": ["body"] * len(texts),
    })
    out = numbers(frame)
    expected = sorted(
        (f"d{i % 3}", i, m.start, m.surface) for i, t in enumerate(texts) for m in find_numbers(t)
    )
    assert len(expected) == 8
    got = zip(out["doc_id"], out["sentence_no"], out["char_start"], out["surface"], strict=True)
    assert list(got) == expected


def test_numbers_agrees_with_find_numbers() -> None:
    """The Polars (Rust regex) candidate scan finds what the Python scan finds."""
    rows = _spec()
    texts = [str(r["text"]) for r in rows]
    frame = pl.DataFrame({
        "doc_id": [f"d{i:04d}" for i in range(len(texts))], "sentence_no": [0] * len(texts),
        "char_start": [0] * len(texts), "text": texts, "role": ["body"] * len(texts),
    })
    out = numbers(frame)
    expected = [(f"d{i:04d}", m.start, m.surface) for i, t in enumerate(texts) for m in find_numbers(t)]
    assert list(zip(out["doc_id"], out["char_start"], out["surface"], strict=True)) == expected


# Any text, any script: the scanner never crashes and every mention is a well-formed interval
# at its own offsets (the parse fuzz test found "0\u00c0": a digit glued to a non-ASCII letter).
_NUMBERISH = st.sampled_from(["0", "1,037", "about ", "more than ", "dozens of ", "-", "%", "$", "\u00c0", "\u00df",
                              "k", "bn", " troops", "1/2", "20-year", "\u2013", " or more", "."])


@given(st.lists(st.one_of(_NUMBERISH, st.text(max_size=4)), max_size=12).map("".join))
@settings(max_examples=400, deadline=None)
def test_find_numbers_never_crashes_and_offsets_hold(text: str) -> None:
    for m in find_numbers(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
        if m.low is not None and m.high is not None:
            assert m.low <= m.high


def test_digit_glued_to_a_non_ascii_letter_is_an_identifier() -> None:
    assert [(m.surface, m.kind) for m in find_numbers("0\u00c0")] == [("0\u00c0", "identifier")]
