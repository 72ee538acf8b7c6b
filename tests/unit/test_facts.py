"""Fact alignment and verdicts on tiny inline frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    story = _sample_story()
    f, links = facts(nums, sents, docs.with_columns(story_id=pl.lit(story)))
    return f, links, nums


@functools.cache
def _sample_story() -> str:
    """The five sample articles form one story (transforms.stories); an extra report joins it."""
    from transforms.stories import assign_stories

    ids = assign_stories(_parsed_sample().documents)["story_id"].unique().to_list()
    assert len(ids) == 1
    return str(ids[0])


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


def _values_per_outlet(f: pl.DataFrame, links: pl.DataFrame, nums: pl.DataFrame) -> pl.DataFrame:
    """fact_id, label, kind, status, outlet, surfaces: what each outlet reported for each fact
    (a sample .txt without an outlet line counts as its own outlet)."""
    outlets = _parsed_sample().documents.select("doc_id", pl.coalesce("outlet", "doc_id").alias("outlet"))
    return (links.join(nums.select("number_id", "doc_id", "surface"), on="number_id")
            .join(outlets, on="doc_id").join(f.select("fact_id", "label", "kind", "status"), on="fact_id")
            .group_by("fact_id", "label", "kind", "status", "outlet").agg(pl.col("surface")))


def test_facts_sample_lists_troop_district_and_time_span_facts_per_outlet() -> None:
    f, links, nums = _sample_facts()
    per_outlet = _values_per_outlet(f, links, nums)
    multi = (per_outlet.group_by("fact_id", "label", "kind", "status").agg(pl.col("outlet").n_unique().alias("n"))
             .filter(pl.col("n") >= 2))
    labels = multi["label"].to_list()
    troops = [lab for lab in labels if "troops" in lab and "fled" in lab]
    districts = [lab for lab in labels if "district" in lab]
    spans = multi.filter(pl.col("kind") == "duration")
    assert troops, labels
    assert districts, labels
    assert spans.height >= 1, labels
    assert set(multi["status"]) == {"consistent"}
    # The time span: "20-year", "20 years", "nearly two decades" in one fact, about 20 years.
    span = f.filter(pl.col("fact_id") == spans["fact_id"][0]).row(0, named=True)
    assert span["low"] <= 20 <= span["high"]


@pytest.mark.parametrize(
    ("extra", "n_conflicts"),
    [
        ("Some 300 Afghan troops fled into Tajikistan on Monday.", 1),  # contradicts 1,037
        ("About 1,000 Afghan soldiers fled into Tajikistan.", 0),  # agrees within rounding
        ("Some 1,040 Afghan troops crossed the border into Tajikistan.", 0),  # agrees within rounding
        ("1,000 US troops will remain in Afghanistan.", 0),  # another subject
        ("About 300 Afghan civilians fled into Tajikistan.", 0),  # another subject
        ("The Taliban seized 300 districts in Afghanistan.", 0),  # another quantity
    ],
)
def test_facts_perturbed_sample(extra: str, n_conflicts: int) -> None:
    f, links, nums = _sample_facts(extra)
    conflicts = f.filter(pl.col("status") == "conflict")
    assert conflicts.height == n_conflicts
    if n_conflicts:
        # The alert names the troops fact: the sample's 1,037 and the extra 300 are in it.
        row = conflicts.row(0, named=True)
        assert "fled" in row["label"]
        assert "troops" in row["label"].lower()
        assert _fact_of(f, links, nums, "1,037")["fact_id"] == row["fact_id"]
        extra_ids = set(nums.filter(pl.col("doc_id") == "extra")["number_id"])
        assert extra_ids & set(links.filter(pl.col("fact_id") == row["fact_id"])["number_id"])


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


# --- Revisions, syndicated copies and the alignment rules of the second version ---------

def test_facts_toll_rising_over_publication_time_is_revised_latest_kept() -> None:
    f, links, nums = _story([
        ("a", datetime(2017, 10, 2, 6, tzinfo=UTC), None, "The gunman killed 20 people at the concert in Las Vegas."),
        ("b", datetime(2017, 10, 2, 9, tzinfo=UTC), None, "The gunman killed at least 50 people at the Las Vegas concert."),
        ("c", datetime(2017, 10, 2, 15, tzinfo=UTC), None, "The gunman killed 59 people at the concert in Las Vegas."),
    ])
    row = _fact_row(f, links, nums, "a", "20")
    assert (row["status"], row["value"], row["low"], row["high"], row["n_mentions"]) == ("revised", 59, 59, 59, 3)


def test_facts_toll_going_down_and_up_again_is_a_conflict() -> None:
    f, links, nums = _story([
        ("a", datetime(2017, 10, 2, 6, tzinfo=UTC), None, "The gunman killed 50 people at the concert in Las Vegas."),
        ("b", datetime(2017, 10, 2, 9, tzinfo=UTC), None, "The gunman killed 20 people at the Las Vegas concert."),
        ("c", datetime(2017, 10, 2, 15, tzinfo=UTC), None, "The gunman killed 59 people at the concert in Las Vegas."),
    ])
    assert _fact_row(f, links, nums, "a", "50")["status"] == "conflict"


_WIRE = ("A gunman killed 59 people at a concert in Las Vegas on Sunday night, firing from the 32nd floor of a "
         "hotel across the street. Police said the gunman killed himself before officers entered the room.")


@pytest.mark.parametrize(
    ("other", "status", "n_sources"),
    [
        (None, "single_source", 1),  # the wire story and its syndicated copy: one source
        ("Police said 59 people were killed in the Las Vegas shooting.", "consistent", 2),
    ],
)
def test_facts_syndicated_copy_counts_once(other: str | None, status: str, n_sources: int) -> None:
    from transforms.stories import duplicates

    texts = {"wire": _WIRE, "copy": _WIRE} | ({"own": other} if other else {})
    when = {"wire": T0, "copy": T1, "own": T1}
    docs = pl.DataFrame([{"doc_id": d, "text": t, "published_at": when[d]} for d, t in texts.items()],
                        schema_overrides={"published_at": pl.Datetime("us", "UTC")})
    copy_of = dict(duplicates(docs).select("doc_id", "duplicate_of").iter_rows())
    assert copy_of["copy"] == "wire"
    f, links, nums = _story([(d, when[d], copy_of[d], t.replace(". ", ".\n")) for d, t in texts.items()])
    row = _fact_row(f, links, nums, "wire", "59")
    assert (row["status"], row["n_sources"], row["n_documents"]) == (status, n_sources, len(texts))


@pytest.mark.parametrize(
    ("a_text", "b_text", "b_when", "joined"),
    [
        # The same counted thing and number, restated weeks later.
        ("The missile reached an altitude of 770 km, officials said.",
         "Back then the missile reached an altitude of 770 kilometres.", datetime(2021, 9, 20, tzinfo=UTC), True),
        # A small number weeks apart is another event's.
        ("North Korea fired three missiles into the sea.", "North Korea fired three missiles toward Japan.",
         datetime(2021, 9, 20, tzinfo=UTC), False),
        # A bound and a value inside it, within 5%: one quantity.
        ("The leak holds more than 11 million documents.", "Reporters read 11.5 million documents from the firm.",
         T1, True),
        # Equal small counts of the same thing on the same day, sharing a word.
        ("The missile broke into three pieces over the sea.", "It broke up into three parts over the sea.", T1, True),
    ],
)
def test_facts_same_thing_same_number(a_text: str, b_text: str, b_when: datetime, joined: bool) -> None:
    f, _, _ = _story([("a", T0, None, a_text), ("b", b_when, None, b_text)])
    assert "conflict" not in set(f["status"])
    assert (f.height == 1) is joined, f.select("label", "n_mentions")


def test_facts_background_item_joins_its_dated_report_not_the_toll() -> None:
    f, links, nums = _story([
        ("a", T0, None, "A gunman killed 59 people at a concert in Las Vegas on Sunday.\nFlorida club: 49 killed\n"
                        "Fort Hood military base: 13 dead\nNew York immigrant center: 13 dead"),
        ("b", T0, None, "A gunman opened fire in a nightclub in Orlando last year and killed 49 people.\n"
                        "An immigrant shot dead 13 people at a civic center in the New York city of Binghamton in 2009.\n"
                        "The gunman killed 59 people in Las Vegas."),
        ("c", T0, None, "At least 59 people were killed at the concert in Las Vegas."),
        ("d", T0, None, "The shooting in Las Vegas killed 59 people, police said."),
        ("e", T0, None, "Police said 59 people died in Las Vegas."),
    ])
    assert "conflict" not in set(f["status"])
    assert _fact_row(f, links, nums, "a", "59")["n_mentions"] == 5
    orlando = _fact_row(f, links, nums, "a", "49")
    assert (orlando["n_mentions"], orlando["label"]) == (2, "people killed (last year)")
    sizes = sorted(r["n_mentions"] for r in f.filter(pl.col("value") == 13).iter_rows(named=True))
    assert sizes == [1, 2]  # New York joins Binghamton; Fort Hood (another place) stays alone


@pytest.mark.parametrize(
    ("sentence", "surface", "kind", "predicate"),
    [
        # A parenthesised conversion is no distance: "high" is the predicate, not "flew".
        ("An ICBM launched in July flew 3,700 kilometers (2,300 miles) high.", "3,700 kilometers", "measure", "altitude"),
        ("The missile flew 3,700 kilometers (2,300 miles) over Japan.", "3,700 kilometers", "measure", "distance"),
        # "falling" reads by kind: districts are captured, a price fell.
        ("The price of bitcoin yo-yoed again, falling 14% to $5,920.", "$5,920", "money", "fell"),
        ("Dozens of districts falling to the Taliban in recent weeks.", "Dozens", "count", "captured"),
    ],
)
def test_context_predicate_depends_on_kind_and_skips_conversions(sentence: str, surface: str, kind: str,
                                                                  predicate: str) -> None:
    start = sentence.index(surface)
    unit = {"measure": "km", "money": "USD", "count": None}[kind]
    p, _, _ = context(sentence, start, start + len(surface), unit, kind=kind)
    assert p == predicate


@pytest.mark.parametrize(("apart", "n_facts"), [(timedelta(days=7), 1), (timedelta(days=7, microseconds=1), 2)])
def test_small_equal_counts_link_only_within_the_report_window(apart: timedelta, n_facts: int) -> None:
    # A small number ("3 troops") links to the same number elsewhere only when near in time
    # (at most 7 days apart, to the microsecond).
    f, links = facts(*_frames([
        ("a", "A", "The base holds <3> troops today.", 3, 3, 3, "exact", T0),
        ("b", "B", "The base holds <3> troops today.", 3, 3, 3, "exact", T0 + apart),
    ]))
    assert (f.height, links.height) == (n_facts, 2)
