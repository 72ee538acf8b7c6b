"""Tests for transforms.sentences: boundaries, offsets, roles, golden rules, the frame."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from transforms import schema
from transforms.sentences import Sentence, sentences, split_sentences

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN = json.loads((DATA / "golden_rules_en.json").read_text(encoding="utf-8"))
BOUNDARIES = [json.loads(line) for line in
              (DATA / "sentence_boundaries.jsonl").read_text(encoding="utf-8").splitlines() if line]


def _texts(text: str) -> list[str]:
    found = split_sentences(text)
    for s in found:
        piece = text[s.start:s.end]
        assert piece, s
        assert piece == piece.strip(), (s, piece)
    return [text[s.start:s.end] for s in found]


# --- offsets -------------------------------------------------------------------------------


def test_split_sentences_offsets_exact() -> None:
    text = "  Hello there.   How are you?\n\n  Fine, thanks!  "
    found = split_sentences(text)
    assert found == [
        Sentence(2, 14, 0, "body"),
        Sentence(17, 29, 0, "body"),
        Sentence(33, 46, 1, "body"),
    ]
    assert [text[s.start:s.end] for s in found] == ["Hello there.", "How are you?", "Fine, thanks!"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\t \n "])
def test_split_sentences_blank_text_gives_nothing(text: str) -> None:
    assert split_sentences(text) == []


def test_split_sentences_counts_paragraphs() -> None:
    text = "One. Two.\n\nThree.\n \n\nFour."
    assert [(text[s.start:s.end], s.paragraph_no) for s in split_sentences(text)] == [
        ("One.", 0), ("Two.", 0), ("Three.", 1), ("Four.", 2)]


def test_split_sentences_title_opening_a_later_paragraph() -> None:
    text = "It ended.\n\nGen. Smith left. Mr. Jones stayed.\n\nU.S. troops left."
    assert _texts(text) == ["It ended.", "Gen. Smith left.", "Mr. Jones stayed.", "U.S. troops left."]


# --- headings and lists ----------------------------------------------------------------------


def test_split_sentences_heading_not_glued() -> None:
    text = "Troops retreat from Badakhshan\nThe soldiers left the base on Monday. They had no food."
    found = split_sentences(text)
    assert [text[s.start:s.end] for s in found] == [
        "Troops retreat from Badakhshan",
        "The soldiers left the base on Monday.",
        "They had no food.",
    ]
    assert [s.role for s in found] == ["heading", "body", "body"]


def test_split_sentences_dash_subheading() -> None:
    text = "- 'Emergency situation' - Already thinly stretched, the army asked for help."
    found = split_sentences(text)
    assert [(text[s.start:s.end], s.role) for s in found] == [
        ("'Emergency situation'", "heading"),
        ("Already thinly stretched, the army asked for help.", "body"),
    ]


def test_split_sentences_wrapped_line_is_one_sentence() -> None:
    text = "The minister said the troops\nwould stay until the end of the year."
    assert _texts(text) == ["The minister said the troops\nwould stay until the end of the year."]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("• Wheat prices rose\n• Corn prices fell", ["Wheat prices rose", "Corn prices fell"]),
        ("1. Open the door.\n2. Walk in.", ["Open the door.", "Walk in."]),
        ("- first point\n- second point", ["first point", "second point"]),
    ],
)
def test_split_sentences_list_items(text: str, items: list[str]) -> None:
    found = split_sentences(text)
    assert [s.role for s in found] == ["list_item"] * len(items)
    assert [text[s.start:s.end].lstrip("•-0123456789. ") for s in found] == items


# --- abbreviations, numbers, ellipses ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Mrs. Jones. They talked.", ["Mr. Smith met Mrs. Jones.", "They talked."]),
        ("Gen. John Nicholson spoke to Gov. Andrew Cuomo on Friday.",
         ["Gen. John Nicholson spoke to Gov. Andrew Cuomo on Friday."]),
        ("The U.S. Army denied it. The U.N. did not.", ["The U.S. Army denied it.", "The U.N. did not."]),
        ("Troops will stay in the U.S. The decision is final.",
         ["Troops will stay in the U.S.", "The decision is final."]),
        ("The attack began at 5 a.m. on Monday.", ["The attack began at 5 a.m. on Monday."]),
        ("The attack began at 5 a.m. It lasted an hour.",
         ["The attack began at 5 a.m.", "It lasted an hour."]),
        ("Sen. Elizabeth Warren and Rep. Adam Schiff disagreed.",
         ["Sen. Elizabeth Warren and Rep. Adam Schiff disagreed."]),
        ("It ranked No. 3 on Jan. 5 at Acme Inc. headquarters.",
         ["It ranked No. 3 on Jan. 5 at Acme Inc. headquarters."]),
        ("The author J. R. R. Tolkien wrote it. It sold well.",
         ["The author J. R. R. Tolkien wrote it.", "It sold well."]),
        ("Dr. Ruth Levy of St. Mary's Hospital was there.",
         ["Dr. Ruth Levy of St. Mary's Hospital was there."]),
    ],
)
def test_split_sentences_abbreviations(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inflation rose 2.5 percent. Prices fell.", ["Inflation rose 2.5 percent.", "Prices fell."]),
        ("It costs $3.50 a gallon. Version 2.0.1 shipped.",
         ["It costs $3.50 a gallon.", "Version 2.0.1 shipped."]),
        ("The score was 0.75. Next came 1.", ["The score was 0.75.", "Next came 1."]),
    ],
)
def test_split_sentences_decimals(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He paused… Then he left.", ["He paused…", "Then he left."]),
        ("He paused... Then he left.", ["He paused...", "Then he left."]),
        ("We will . . . win this war.", ["We will . . . win this war."]),
        ("The law says [...] nothing else. Done.", ["The law says [...] nothing else.", "Done."]),
    ],
)
def test_split_sentences_ellipses(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_split_sentences_ellipsis_four_dots_ends_sentence() -> None:
    text = "It was late. . . . The guests had gone."
    got = _texts(text)
    assert len(got) == 2
    assert got[0].startswith("It was late.")
    assert got[1].endswith("The guests had gone.")


# --- quotes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said, "We will win." Then he left.', ['He said, "We will win."', "Then he left."]),
        ("He said, “We will win.” Then he left.", ["He said, “We will win.”", "Then he left."]),
        ("She wrote, ‘It is over.’ Nobody replied.", ["She wrote, ‘It is over.’", "Nobody replied."]),
        ("He asked, 'Who is there?' Nobody answered.", ["He asked, 'Who is there?'", "Nobody answered."]),
        ('"We will win," he said.', ['"We will win," he said.']),
        ('"Is it over?" she asked.', ['"Is it over?" she asked.']),
    ],
)
def test_split_sentences_quote_ends_sentence(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_split_sentences_multi_sentence_quote() -> None:
    text = "“We did not surrender. We ran out of food. Nobody came,” said Abdul Basir. He wept."
    assert _texts(text) == [
        "“We did not surrender.",
        "We ran out of food.",
        "Nobody came,” said Abdul Basir.",
        "He wept.",
    ]


def test_split_sentences_adjacent_quotes() -> None:
    text = '"We will not surrender.""It is our land," he said.'
    assert _texts(text) == ['"We will not surrender."', '"It is our land," he said.']


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a paragraph break lost in scraping: the words are glued to the period
        ("It crossed the ocean.The rings were seen later.",
         ["It crossed the ocean.", "The rings were seen later."]),
        ('Seen at the same place."My thinking is simple," he said.',
         ["Seen at the same place.", '"My thinking is simple," he said.']),
        ('He said "it was over."Then he left.', ['He said "it was over."', "Then he left."]),
        # not glued sentences: web addresses and dotted names
        ("Visit www.Example.com today.", ["Visit www.Example.com today."]),
        ("The firm ASP.NET said so.", ["The firm ASP.NET said so."]),
    ],
)
def test_split_sentences_glued_boundaries(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_split_sentences_brackets() -> None:
    text = "The vote passed (barely.) The bill goes to the Senate. (It may fail.) Then what?"
    assert _texts(text) == [
        "The vote passed (barely.)",
        "The bill goes to the Senate.",
        "(It may fail.)",
        "Then what?",
    ]


# --- golden rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", GOLDEN, ids=[f"rule{n:02d}" for n in range(1, len(GOLDEN) + 1)])
def test_split_sentences_golden_rule(case: dict[str, object]) -> None:
    text = str(case["text"])
    expected = [str(s).strip() for s in case["sentences"]]  # type: ignore[attr-defined]
    assert _texts(text) == expected


# --- the hand-checked boundary set: every gold end is found, nothing else ------------------


def test_boundary_set_is_well_formed() -> None:
    docs = {row["doc"] for row in BOUNDARIES}
    assert len(docs) >= 20
    assert sum(len(row["ends"]) for row in BOUNDARIES) >= 300
    for row in BOUNDARIES:
        text = row["paragraph"]
        assert (DATA.parent.parent / row["doc"]).exists()
        assert row["ends"] == sorted(set(row["ends"]))
        assert row["ends"][-1] == len(text.rstrip())
        for e in row["ends"]:
            assert text[e - 1] != " "


def test_boundary_set_f1_at_least_097() -> None:
    tp = fp = fn = 0
    for row in BOUNDARIES:
        text = row["paragraph"]
        gold = set(row["ends"][:-1])
        got = {s.end for s in split_sentences(text)} - {len(text.rstrip())}
        tp += len(gold & got)
        fp += len(got - gold)
        fn += len(gold - got)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.97


# --- property: any text ----------------------------------------------------------------------

_ALPHABET = st.sampled_from([*"aAbZ .!?…\"'“”‘’()[]-•1234567890,;:\n\t", "Mr.", "U.S.", "a.m.", "\n\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_split_sentences_property_offsets(text: str) -> None:
    found = split_sentences(text)
    last_end = 0
    last_para = 0
    for s in found:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= last_end
        piece = text[s.start:s.end]
        assert piece == piece.strip()
        assert s.paragraph_no >= last_para
        assert s.role in ("body", "heading", "list_item")
        last_end, last_para = s.end, s.paragraph_no
    # Every non-space character outside list markers is covered by some sentence.
    covered: set[int] = set()
    for s in found:
        covered.update(range(s.start, s.end))
    assert all(text[i].isspace() or i in covered or text[i] in "•-0123456789.)" for i in range(len(text)))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_split_sentences_property_any_unicode(text: str) -> None:
    for s in split_sentences(text):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == text[s.start:s.end].strip()


# --- the frame -------------------------------------------------------------------------------


def test_sentences_frame() -> None:
    docs = pl.DataFrame({"doc_id": ["a", "b", "c"], "text": ["One. Two.", None, "Three."]})
    got = sentences(docs)
    expected = schema.conform(pl.DataFrame({
        "doc_id": ["a", "a", "c"],
        "sentence_no": [0, 1, 0],
        "paragraph_no": [0, 0, 0],
        "char_start": [0, 5, 0],
        "char_end": [4, 9, 6],
        "text": ["One.", "Two.", "Three."],
        "role": ["body", "body", "body"],
    }), "sentences")
    assert_frame_equal(got, expected)


def test_sentences_empty_frame() -> None:
    docs = pl.DataFrame({"doc_id": ["a"], "text": [""]}, schema={"doc_id": pl.String, "text": pl.String})
    got = sentences(docs)
    assert got.height == 0
    assert got.schema == schema.empty("sentences").schema


def test_sentences_text_matches_offsets() -> None:
    text = "Mr. Smith arrived at 5 p.m. on Friday. “It was late,” he said.\n\nHe left. The end"
    got = sentences(pl.DataFrame({"doc_id": ["d"], "text": [text]}))
    for row in got.iter_rows(named=True):
        assert text[row["char_start"]:row["char_end"]] == row["text"]
    assert got.get_column("sentence_no").to_list() == list(range(got.height))
