"""Copies, story assignment and the stories table (transforms.stories)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from transforms import schema
from transforms.stories import assign_stories, duplicates, stories

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"

FLOOD = (
    "Heavy rain caused the Oder river to burst its banks near the town of Racibórz on Tuesday, "
    "forcing the evacuation of about 4,000 residents, regional officials said.\n\n"
    "The regional governor, Jakub Chełstowski, told a news conference that water levels had risen "
    "by more than two metres overnight and that the neighbouring villages of Brzeźnie and Nieboczowy "
    "were cut off.\n\n"
    "Firefighters used boats to reach families trapped on the upper floors of their houses, and the "
    "army sent 300 soldiers to help build sandbag walls along the embankment.\n\n"
    "Meteorologists expect the rain to continue until Thursday, with a further 80 millimetres forecast "
    "for the mountains in the south of the province.\n\n"
    "The railway line between Racibórz and Opole was closed after part of the track was washed away, "
    "the national rail operator said in a statement.\n\n"
    "It is the worst flooding in the area since 1997, when the Oder flood killed 56 people in Poland "
    "and caused damage estimated at 3.5 billion dollars."
)

# The same report as carried by a second outlet: new headline, one paragraph cut, one added,
# American spelling, a few words changed.
FLOOD_COPY = (
    "Heavy rain caused the Oder river to burst its banks near the town of Racibórz on Tuesday, "
    "forcing the evacuation of around 4,000 residents, regional officials said.\n\n"
    "The regional governor, Jakub Chełstowski, told a news conference that water levels had risen "
    "by more than two meters overnight and that the neighboring villages of Brzeźnie and Nieboczowy "
    "were cut off.\n\n"
    "Firefighters used boats to reach families trapped on the upper floors of their houses, and the "
    "army sent 300 soldiers to help build sandbag walls along the embankment.\n\n"
    "The railway line between Racibórz and Opole was closed after part of the track was washed away, "
    "the national rail operator said in a statement.\n\n"
    "Residents of the nearby city of Wrocław were told to prepare for high water by the weekend.\n\n"
    "It is the worst flooding in the area since 1997, when the Oder flood killed 56 people in Poland "
    "and caused damage estimated at 3.5 billion dollars."
)

# An independent report on the same flood: same facts and the same quote, written anew.
FLOOD_OTHER = (
    "Thousands of people have left their homes in southern Poland after the Oder overflowed at "
    "Racibórz, where officials ordered an evacuation of roughly 4,000 people.\n\n"
    "Soldiers and volunteers spent the night filling sandbags while rescue crews in boats took "
    "elderly residents from flooded streets, according to local media.\n\n"
    "Governor Jakub Chełstowski said the river rose two metres in a few hours and warned that the "
    "villages downstream could be isolated for days.\n\n"
    "Trains between Opole and Racibórz were suspended because the embankment under the line gave way.\n\n"
    "Many older residents remember 1997, when floods along the river killed dozens of people."
)

QUAKE = (
    "A magnitude 6.1 earthquake struck off the coast of Hokkaido in northern Japan early on Sunday, "
    "the Japan Meteorological Agency said, shaking buildings in the port city of Kushiro.\n\n"
    "No tsunami warning was issued and there were no immediate reports of casualties, though "
    "several hundred homes lost power for a few hours.\n\n"
    "The quake was centred 40 kilometres below the seabed, the agency said, and was followed by a "
    "dozen aftershocks."
)

QUAKE_OTHER = (
    "Residents of Kushiro were woken before dawn on Sunday when a strong earthquake hit the sea "
    "off eastern Hokkaido, Japan's meteorological agency reported.\n\n"
    "The magnitude 6.1 tremor caused power cuts for several hundred households but no tsunami, "
    "and officials said they had received no reports of injuries.\n\n"
    "Aftershocks continued through the morning."
)

ELECTION = (
    "Voters in Iceland returned the ruling coalition to power in Saturday's parliamentary election, "
    "final results showed, with turnout of 80 percent in Reykjavik.\n\n"
    "Prime Minister Katrín Jakobsdóttir said the result was a mandate to continue the government's "
    "work on housing and the health service."
)


def ts(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 9, day, hour, tzinfo=UTC)


def frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    base: dict[str, object] = {"title": None, "subtitle": None, "outlet": None, "published_at": None,
                               "duplicate_of": None, "story_id": None}
    return pl.DataFrame(
        [{**base, **r} for r in rows],
        schema={"doc_id": pl.String, "title": pl.String, "subtitle": pl.String, "text": pl.String,
                "outlet": pl.String, "published_at": pl.Datetime("us", "UTC"), "duplicate_of": pl.String,
                "story_id": pl.String},
    )


def copies_of(result: pl.DataFrame) -> dict[str, str | None]:
    return dict(result.select("doc_id", "duplicate_of").iter_rows())


def test_duplicates_detects_edited_copy() -> None:
    docs = frame([
        {"doc_id": "a", "title": "Oder bursts its banks", "text": FLOOD, "published_at": ts(10, 8)},
        {"doc_id": "b", "title": "Thousands flee as Polish river floods", "text": FLOOD_COPY, "published_at": ts(10, 11)},
    ])
    result = duplicates(docs)
    assert copies_of(result) == {"a": None, "b": "a"}
    sim = result.filter(pl.col("doc_id") == "b")["duplicate_similarity"].item()
    assert 0.5 <= sim <= 1.0


def test_duplicates_independent_reports_are_not_copies() -> None:
    docs = frame([
        {"doc_id": "a", "text": FLOOD, "published_at": ts(10, 8)},
        {"doc_id": "b", "text": FLOOD_OTHER, "published_at": ts(10, 9)},
        {"doc_id": "c", "text": QUAKE, "published_at": ts(10, 9)},
        {"doc_id": "d", "text": QUAKE_OTHER, "published_at": ts(10, 10)},
    ])
    assert copies_of(duplicates(docs)) == {"a": None, "b": None, "c": None, "d": None}


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        # earliest publication wins
        ((ts(10, 9), ts(10, 8), ts(10, 10)), {"x1": "x2", "x2": None, "x3": "x2"}),
        # same time: doc_id breaks the tie
        ((ts(10, 8), ts(10, 8), ts(10, 8)), {"x1": None, "x2": "x1", "x3": "x1"}),
        # an unknown date sorts after every known one
        ((None, ts(10, 8), ts(10, 9)), {"x1": "x2", "x2": None, "x3": "x2"}),
    ],
)
def test_duplicates_point_to_earliest(times: tuple[datetime | None, ...], expected: dict[str, str | None]) -> None:
    docs = frame([{"doc_id": f"x{i + 1}", "text": FLOOD if i != 1 else FLOOD_COPY, "published_at": t}
                  for i, t in enumerate(times)])
    assert copies_of(duplicates(docs)) == expected


def test_duplicates_ignore_shared_credit_lines() -> None:
    credit = " Copyright 2024 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed."
    docs = frame([
        {"doc_id": "a", "text": "Oder floods Racibórz, 4,000 leave." + credit, "published_at": ts(10)},
        {"doc_id": "b", "text": QUAKE + credit, "published_at": ts(11)},
    ])
    assert copies_of(duplicates(docs)) == {"a": None, "b": None}


def test_duplicates_frame_shape() -> None:
    result = duplicates(frame([{"doc_id": "a", "text": ELECTION}]))
    assert result.schema == pl.Schema({"doc_id": pl.String, "duplicate_of": pl.String, "duplicate_similarity": pl.Float64})
    empty = duplicates(frame([]))
    assert empty.height == 0
    assert empty.columns == ["doc_id", "duplicate_of", "duplicate_similarity"]


def test_assign_stories_groups_tiny_articles() -> None:
    docs = frame([
        {"doc_id": "f1", "title": "Oder bursts its banks at Racibórz", "text": FLOOD, "published_at": ts(10, 8)},
        {"doc_id": "f2", "title": "Thousands evacuated as Polish river floods", "text": FLOOD_OTHER, "published_at": ts(10, 15)},
        {"doc_id": "q1", "title": "Magnitude 6.1 quake hits off Hokkaido", "text": QUAKE, "published_at": ts(8, 1)},
        {"doc_id": "q2", "title": "Earthquake shakes Kushiro", "text": QUAKE_OTHER, "published_at": ts(8, 3)},
        {"doc_id": "e1", "title": "Iceland coalition keeps power", "text": ELECTION, "published_at": ts(9)},
    ])
    result = dict(assign_stories(docs).iter_rows())
    assert result == {"f1": "f1", "f2": "f1", "q1": "q1", "q2": "q1", "e1": "e1"}


def test_assign_stories_copy_joins_its_original_story() -> None:
    docs = frame([
        {"doc_id": "q1", "text": QUAKE, "published_at": ts(8, 1)},
        {"doc_id": "f1", "text": FLOOD, "published_at": ts(10, 8)},
        # marked as a copy of f1: it follows f1 whatever its own words say
        {"doc_id": "c1", "text": ELECTION, "published_at": ts(10, 9), "duplicate_of": "f1"},
    ])
    assert dict(assign_stories(docs).iter_rows()) == {"q1": "q1", "f1": "f1", "c1": "f1"}


def test_assign_stories_late_article_joins_existing_story_and_ids_stay() -> None:
    first = frame([
        {"doc_id": "f2", "text": FLOOD_OTHER, "published_at": ts(10, 15)},
        {"doc_id": "q1", "text": QUAKE, "published_at": ts(8, 1)},
        {"doc_id": "e1", "text": ELECTION, "published_at": ts(9)},
    ])
    run1 = assign_stories(first)
    assert dict(run1.iter_rows()) == {"f2": "f2", "q1": "q1", "e1": "e1"}
    # Second run: the earlier ids are fixed; f1 arrives late although it was published first,
    # and q2 is new. The flood story keeps the id it was given (f2).
    second = pl.concat([
        first.drop("story_id").join(run1, on="doc_id").select(first.columns),
        frame([
            {"doc_id": "f1", "text": FLOOD, "published_at": ts(10, 8)},
            {"doc_id": "q2", "text": QUAKE_OTHER, "published_at": ts(8, 3)},
        ]),
    ])
    run2 = dict(assign_stories(second).iter_rows())
    assert run2 == {"f2": "f2", "q1": "q1", "e1": "e1", "f1": "f2", "q2": "q1"}


def test_assign_stories_unrelated_articles_stay_separate() -> None:
    # Same hour, no shared subject: three stories, whatever the time proximity.
    docs = frame([
        {"doc_id": "f1", "title": "Oder bursts its banks at Racibórz", "text": FLOOD, "published_at": ts(10, 8)},
        {"doc_id": "q1", "title": "Magnitude 6.1 quake hits off Hokkaido", "text": QUAKE, "published_at": ts(10, 8)},
        {"doc_id": "e1", "title": "Iceland coalition keeps power", "text": ELECTION, "published_at": ts(10, 8)},
    ])
    assert dict(assign_stories(docs).iter_rows()) == {"f1": "f1", "q1": "q1", "e1": "e1"}


def test_assign_stories_far_apart_in_time_stay_separate() -> None:
    # The same subject years apart (beyond the window) is another story; a day apart, the same one.
    far = datetime(2027, 9, 10, 8, tzinfo=UTC)
    docs = frame([
        {"doc_id": "f1", "title": "Oder bursts its banks at Racibórz", "text": FLOOD, "published_at": ts(10, 8)},
        {"doc_id": "f2", "title": "Thousands evacuated as Polish river floods", "text": FLOOD_OTHER, "published_at": ts(11, 8)},
        {"doc_id": "f3", "title": "Oder bursts its banks at Racibórz", "text": FLOOD_OTHER, "published_at": far},
    ])
    assert dict(assign_stories(docs).iter_rows()) == {"f1": "f1", "f2": "f1", "f3": "f3"}


def test_assign_stories_late_copy_joins_story_in_later_run() -> None:
    first = frame([
        {"doc_id": "f1", "title": "Oder bursts its banks", "text": FLOOD, "published_at": ts(10, 8)},
        {"doc_id": "q1", "title": "Magnitude 6.1 quake hits off Hokkaido", "text": QUAKE, "published_at": ts(8, 1)},
    ])
    run1 = assign_stories(first)
    # A syndicated copy arrives in the next run: detected as a copy, it joins f1's story.
    late = frame([{"doc_id": "c1", "title": "Thousands flee as Polish river floods", "text": FLOOD_COPY,
                   "published_at": ts(10, 11)}])
    second = pl.concat([first.drop("story_id").join(run1, on="doc_id").select(first.columns), late])
    second = second.drop("duplicate_of").join(duplicates(second), on="doc_id").select(first.columns)
    assert second.filter(pl.col("doc_id") == "c1")["duplicate_of"].item() == "f1"
    run2 = dict(assign_stories(second).iter_rows())
    assert run2 == {"f1": "f1", "q1": "q1", "c1": "f1"}


def test_assign_stories_never_merges_two_existing_stories() -> None:
    docs = frame([
        {"doc_id": "f1", "text": FLOOD, "published_at": ts(10, 8), "story_id": "s-old-1"},
        {"doc_id": "f2", "text": FLOOD_OTHER, "published_at": ts(10, 9), "story_id": "s-old-2"},
        {"doc_id": "f3", "text": FLOOD_COPY, "published_at": ts(10, 10)},
    ])
    result = dict(assign_stories(docs).iter_rows())
    assert result["f1"] == "s-old-1"
    assert result["f2"] == "s-old-2"
    assert result["f3"] in {"s-old-1", "s-old-2"}


def test_sample_articles_form_one_story() -> None:
    texts = sorted(SAMPLE_DIR.glob("*.txt"))
    assert len(texts) == 5
    docs = frame([{"doc_id": p.name[:3], "text": p.read_text(encoding="utf-8"), "published_at": ts(5)} for p in texts])
    docs = docs.drop("duplicate_of").join(duplicates(docs), on="doc_id")
    result = assign_stories(docs)
    assert result["story_id"].n_unique() == 1


def test_stories_table() -> None:
    docs = frame([
        {"doc_id": "f1", "title": None, "text": FLOOD, "outlet": "a.example", "published_at": ts(10, 8), "story_id": "f1"},
        {"doc_id": "f2", "title": "Polish river floods", "text": FLOOD_OTHER, "outlet": "b.example", "published_at": ts(10, 15), "story_id": "f1"},
        {"doc_id": "f3", "title": "Oder floods", "text": FLOOD_COPY, "outlet": "b.example", "published_at": ts(11), "story_id": "f1", "duplicate_of": "f1"},
        {"doc_id": "q1", "title": None, "text": QUAKE, "outlet": None, "published_at": None, "story_id": "q1"},
    ]).with_columns(pl.lit(None, pl.Float64).alias("duplicate_similarity"))
    table = stories(docs)
    assert table.schema == schema.polars_schema("stories")
    flood = table.filter(pl.col("story_id") == "f1")
    expected = pl.DataFrame(
        {"story_id": ["f1"], "label": ["Polish river floods"], "n_documents": [3], "n_outlets": [2],
         "n_independent": [2], "first_published_at": [ts(10, 8)], "last_published_at": [ts(11)]},
        schema=schema.polars_schema("stories"),
    )
    assert_frame_equal(flood, expected)
    quake = table.filter(pl.col("story_id") == "q1").row(0, named=True)
    # No title anywhere: a phrase of the story's top words.
    assert quake["label"]
    assert "kushiro" in quake["label"] or "hokkaido" in quake["label"] or "magnitude" in quake["label"]
    assert quake["n_outlets"] == 0
    assert quake["first_published_at"] is None


def test_stories_empty() -> None:
    assert stories(frame([])).schema == schema.polars_schema("stories")


def _streamed(docs: pl.DataFrame, block: int) -> Callable[[Sequence[str]], Iterator[pl.DataFrame]]:
    """A Texts source over ``docs``: blocks of ``block`` rows, in reverse order of the frame."""
    def stream(columns: Sequence[str]) -> Iterator[pl.DataFrame]:
        rows = docs.reverse()
        for lo in range(0, rows.height, block):
            yield rows.slice(lo, block).select("doc_id", *columns)
    return stream


def test_streamed_text_and_spilled_passes_give_the_in_memory_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import transforms.stories as S

    texts = sorted(SAMPLE_DIR.glob("*.txt"))
    bodies = [p.read_text(encoding="utf-8") for p in texts] + [FLOOD, FLOOD_COPY, FLOOD_OTHER, QUAKE, QUAKE_OTHER, ELECTION]
    docs = frame([{"doc_id": f"d{i}", "title": body.split("\n", 1)[0][:80], "text": body, "published_at": ts(5 + i % 3)}
                  for i, body in enumerate(bodies)])
    want_dups = duplicates(docs)
    want_stories = assign_stories(docs.drop("duplicate_of").join(want_dups.drop("duplicate_similarity"), on="doc_id"))
    # Several text blocks, shingle parts and term blocks; no text column in the input.
    monkeypatch.setattr(S, "TEXT_BLOCK_DOCS", 3)
    monkeypatch.setattr(S, "SHINGLE_PARTITIONS", 4)
    keys = docs.drop("title", "subtitle", "text")
    spill = S.MemorySpill()
    got_dups = duplicates(keys, texts=_streamed(docs, 2), spill=spill)
    assert_frame_equal(got_dups, want_dups)
    monkeypatch.setattr(S, "SHINGLE_PART_DOCS", 1)  # more parts as the corpus grows: 16 here
    assert S._shingle_partitions(keys.height) == 16
    assert_frame_equal(duplicates(keys, texts=_streamed(docs, 2), spill=spill), want_dups)
    linked = keys.drop("duplicate_of").join(want_dups.drop("duplicate_similarity"), on="doc_id")
    got_stories = assign_stories(linked, texts=_streamed(docs, 4), spill=spill)
    assert_frame_equal(got_stories, want_stories)
    assert not spill._frames  # every frame set aside was taken back
    assert want_dups["duplicate_of"].drop_nulls().len() >= 1  # the flood copy: the passes were exercised


def test_term_vectors_are_the_same_whatever_the_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """_terms writes each block's rows into their document's place: blocks streamed in reverse
    order and cut small give the vectors of one in-memory block, each document's rows in
    its own order (weight descending)."""
    import transforms.stories as S

    bodies = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))]
    bodies += [FLOOD, FLOOD_COPY, FLOOD_OTHER, QUAKE, QUAKE_OTHER, ELECTION]
    docs = S._chronological(S._with_defaults(frame([
        {"doc_id": f"d{i}", "title": body.split("\n", 1)[0][:80], "text": body, "published_at": ts(5 + i % 4)}
        for i, body in enumerate(bodies)
    ])))
    one = S._terms(docs)
    monkeypatch.setattr(S, "TEXT_BLOCK_DOCS", 3)
    spill = S.MemorySpill()
    many = S._terms(docs.select("idx", "doc_id"), texts=_streamed(docs, 2), spill=spill)
    assert not spill._frames
    for got, want in zip(many[:3], one[:3], strict=True):
        np.testing.assert_array_equal(got, want)
    # A document's norm is summed within its block's frame: the last bit may differ, and the
    # weights are kept as float32 (one unit in their last place is 1.2e-7 of them).
    assert one.w.dtype == many.w.dtype == np.float32
    np.testing.assert_allclose(many.w, one.w, rtol=2.4e-7, atol=0)
    assert_frame_equal(many.post.sort("idx", "tid"), one.post.sort("idx", "tid"))
    assert len(one.cnt) == docs.height
    assert one.off[-1] == len(one.tid) == len(one.w) > 0
    assert (one.cnt > 0).sum() >= docs.height - 1  # every document shares terms (one may not)
    for d in range(docs.height):
        w = one.w[one.off[d]:one.off[d + 1]]
        assert (np.diff(w) <= 0).all()
        assert (w > 0).all()
        assert len(set(one.tid[one.off[d]:one.off[d + 1]].tolist())) == len(w)  # a term once per document
    # the proposing rows are rows of the vectors
    rows = {(d, int(t)) for d in range(docs.height) for t in one.tid[one.off[d]:one.off[d + 1]]}
    assert one.post.height > 0
    assert set(one.post.select("idx", "tid").iter_rows()) <= rows


def test_stories_reads_untitled_labels_through_texts() -> None:
    docs = frame([{"doc_id": "a", "text": FLOOD, "published_at": ts(5), "story_id": "a"},
                  {"doc_id": "b", "text": FLOOD_OTHER, "published_at": ts(6), "story_id": "a"}])
    want = stories(docs)
    got = stories(docs.drop("subtitle", "text"), texts=_streamed(docs, 1))
    assert_frame_equal(got, want)
    label = want["label"][0]
    assert label is not None
    assert "raciborz" in label  # read from the text


def test_text_without_decomposable_characters_skips_nfkd_with_the_same_result() -> None:
    import unicodedata

    import transforms.stories as S

    allowed = [chr(c) for c in range(128)] + list("“”‘’–—")
    # Every character the fast path admits is one NFKD leaves alone and no combining mark ...
    for c in allowed:
        assert unicodedata.normalize("NFKD", c) == c, repr(c)
        assert unicodedata.category(c) != "Mn", repr(c)
        assert not pl.Series([c]).str.contains(S._DECOMPOSABLE)[0], repr(c)
    # ... and the characters NFKD does change are routed to the full path.
    for c in "éÉñçøﬁ①²½\u00a0\u0301ü":
        assert pl.Series([c]).str.contains(S._DECOMPOSABLE)[0], repr(c)
    texts = pl.Series([FLOOD.encode("ascii", "ignore").decode(), "Don’t — “Quote” ‘x’ – 1,000 people's  (AP)\t\n",
                       "", "a--b__c  d", "It's 9/11: O'Brien’s “last” word…".replace("…", "...")])
    frame = pl.DataFrame({"t": texts})
    fast = frame.select(S._normalised(pl.col("t"), decompose=False))
    full = frame.select(S._normalised(pl.col("t")))
    assert_frame_equal(fast, full)
    # the accents themselves still go on the full path
    assert pl.DataFrame({"t": ["Racibórz Chełstowski"]}).select(S._normalised(pl.col("t")))[0, 0] == "raciborz chełstowski"


def test_quoted_words_are_stripped_but_an_unclosed_quote_strips_nothing() -> None:
    import transforms.stories as S

    def strip(s: str) -> str:
        return str(pl.Series([s]).str.replace_all(S._QUOTED, " ")[0])

    long_quote = "“" + "word " * 600 + "”"  # 3,000 characters: curly quotes need no bound
    assert strip(f"He said {long_quote} today.") == "He said   today."
    unclosed = "He said “this " + "and more " * 300 + "\nNext “quoted” line."
    assert strip(unclosed) == unclosed.replace("“quoted”", " ")
    # a straight quote pairs with the next one, so its reach stays bounded: the 2,500
    # characters after the first one are kept (the match starts at the second quote)
    straight = 'A "' + "x" * 2500 + '" b "short" c'
    assert strip(straight) == 'A "' + "x" * 2500 + ' short" c'


def test_document_frequencies_summed_by_sorting_equal_a_group_by() -> None:
    import numpy as np

    import transforms.stories as S

    rng = np.random.default_rng(7)
    parts = [(rng.integers(0, 50, n).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15), rng.integers(1, 9, n).astype(np.uint32))
             for n in (0, 1, 40, 300)]
    keys, counts = S._summed_by_key(parts)
    want = (pl.DataFrame({"h": np.concatenate([k for k, _ in parts]), "df": np.concatenate([c for _, c in parts])})
            .group_by("h").agg(pl.col("df").sum()).sort("h"))
    assert keys.tolist() == want["h"].to_list()
    assert counts.tolist() == want["df"].to_list()
    assert counts.dtype == np.uint32
    assert list(keys) == sorted(set(keys.tolist()))  # sorted, distinct: searchsorted reads it
    empty_keys, empty_counts = S._summed_by_key([(np.zeros(0, np.uint64), np.zeros(0, np.uint32))])
    assert len(empty_keys) == 0
    assert len(empty_counts) == 0


def test_shingle_parts_grow_with_the_corpus_in_powers_of_two() -> None:
    import transforms.stories as S

    assert S._shingle_partitions(0) == S.SHINGLE_PARTITIONS
    assert S._shingle_partitions(S.SHINGLE_PARTITIONS * S.SHINGLE_PART_DOCS) == S.SHINGLE_PARTITIONS
    assert S._shingle_partitions(S.SHINGLE_PARTITIONS * S.SHINGLE_PART_DOCS + 1) == 2 * S.SHINGLE_PARTITIONS
    assert S._shingle_partitions(1_000_000) == 256  # about 6,250 documents' shingles a part


def test_document_frequencies_merged_into_a_table_equal_one_sum() -> None:
    import numpy as np

    import transforms.stories as S

    rng = np.random.default_rng(11)
    parts = [(rng.integers(0, 80, n).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15), rng.integers(1, 9, n).astype(np.uint32))
             for n in (0, 5, 40, 300, 1, 70)]
    keys, counts = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32)
    for lo in range(0, len(parts), 2):  # two blocks' counts at a time, into the table
        keys, counts = S._merged_counts(keys, counts, *S._summed_by_key(parts[lo : lo + 2]))
    want_keys, want_counts = S._summed_by_key(parts)
    assert keys.tolist() == want_keys.tolist()
    assert counts.tolist() == want_counts.tolist()
    assert counts.dtype == np.uint32


def _naive_average_linkage(n: int, start: list[int], locked: list[bool], sim: dict[tuple[int, int], float],
                           threshold: float) -> set[frozenset[int]]:
    """Textbook average linkage: merge the closest pair of clusters (not both locked) while its
    average similarity over all item pairs reaches the threshold."""
    clusters: dict[int, set[int]] = {}
    for i in range(n):
        clusters.setdefault(start[i], set()).add(i)
    lock = {c: locked[c] for c in clusters}
    while True:
        best: tuple[float, int, int] | None = None
        keys = sorted(clusters)
        for x, a in enumerate(keys):
            for b in keys[x + 1:]:
                if lock[a] and lock[b]:
                    continue
                total = sum(sim.get((min(p, q), max(p, q)), 0.0) for p in clusters[a] for q in clusters[b])
                avg = total / (len(clusters[a]) * len(clusters[b]))
                if avg >= threshold and (best is None or avg > best[0]):
                    best = (avg, a, b)
        if best is None:
            return {frozenset(c) for c in clusters.values()}
        _, a, b = best
        clusters[a] |= clusters.pop(b)
        lock[a] = lock[a] or lock.pop(b)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("batch_edges", [1, 10**9])
def test_average_linkage_by_components_equals_the_textbook_clustering(
    seed: int, batch_edges: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sparse graphs of weak and strong edges, some items starting in locked (existing) stories:
    # clustering component by component, in batches of one component or all, merges what
    # the textbook algorithm over the whole graph merges.
    import transforms.stories as st

    monkeypatch.setattr(st, "LINK_BATCH_EDGES", batch_edges)
    rng = np.random.default_rng(seed)
    n = 40
    start = list(range(n))
    locked = [False] * n
    for first in (3, 20):  # two existing stories of three items each
        for i in range(first, first + 3):
            start[i] = first
            locked[i] = True
    sim: dict[tuple[int, int], float] = {}
    for _ in range(120):
        i, j = sorted(rng.choice(n, 2, replace=False).tolist())
        sim[(i, j)] = float(rng.uniform(0.3, 0.9) if rng.random() < 0.25 else rng.uniform(0.001, 0.2))
    edges = pl.DataFrame(
        {"i": [k[0] for k in sim], "j": [k[1] for k in sim], "sim": list(sim.values())},
        schema={"i": pl.Int64, "j": pl.Int64, "sim": pl.Float64},
    )
    roots = st._average_linkage(n, start, locked, edges, 0.25)
    got: dict[int, set[int]] = {}
    for i, r in enumerate(roots):
        got.setdefault(r, set()).add(i)
    expected = _naive_average_linkage(n, start, locked, sim, 0.25)
    assert {frozenset(c) for c in got.values()} == expected
    assert any(len(c) > 1 and not (c <= set(range(3, 6)) or c <= set(range(20, 23))) for c in expected)


def _joined_candidates(post: pl.DataFrame) -> pl.DataFrame:
    """The pairs as the joins on (term, bucket) give them: the formulation _candidates lists in numpy."""
    import transforms.stories as st

    gap = (pl.col("day") - pl.col("dj")).abs()
    dated = post.filter(pl.col("bucket").is_not_null())
    undated = post.filter(pl.col("bucket").is_null())
    r = dated.rename({"idx": "j", "bucket": "bj", "day": "dj"})
    parts = [
        dated.join(r, left_on=["tid", "bucket"], right_on=["tid", "bj"]).filter(pl.col("idx") < pl.col("j")),
        dated.with_columns((pl.col("bucket") + 1).alias("b1")).join(r, left_on=["tid", "b1"], right_on=["tid", "bj"]),
        undated.join(post.rename({"idx": "j", "bucket": "bj", "day": "dj"}), on="tid")
        .filter(pl.col("bj").is_not_null() | (pl.col("idx") < pl.col("j"))),
    ]
    return pl.concat([
        part.filter(gap.is_null() | (gap <= st.WINDOW_DAYS)).select(
            pl.min_horizontal("idx", "j").alias("i"), pl.max_horizontal("idx", "j").alias("j"),
            gap.fill_null(0.0).alias("gap"),
        ) for part in parts
    ]).unique(["i", "j"]).sort("i", "j")


@pytest.mark.parametrize("block_rows", [1, 50, 10**9])
def test_candidate_pairs_are_the_joins_pairs_whatever_the_blocks(block_rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import transforms.stories as st

    monkeypatch.setattr(st, "_CANDIDATE_BLOCK_ROWS", block_rows)
    rng = np.random.default_rng(7)
    n_docs, n_terms = 300, 40
    day = np.sort(rng.uniform(0, 4 * st.WINDOW_DAYS, n_docs))
    undated = rng.random(n_docs) < 0.1
    rows = [(d, t) for d in range(n_docs) for t in rng.choice(n_terms, 5, replace=False).tolist()]
    docs = np.array([d for d, _ in rows])
    post = pl.DataFrame({
        "idx": pl.Series(docs, dtype=pl.UInt32),
        "tid": pl.Series([t for _, t in rows], dtype=pl.UInt32),
        "bucket": pl.Series([None if undated[d] else int(day[d] // st.WINDOW_DAYS) for d in docs], dtype=pl.Int64),
        "day": pl.Series([None if undated[d] else float(day[d]) for d in docs], dtype=pl.Float64),
    })
    got = st._candidates(*st._by_term(post.select("idx", "tid")), np.where(undated, np.nan, day)).sort("i", "j")
    expected = _joined_candidates(post).cast({"i": pl.UInt32, "j": pl.UInt32})
    assert got.height > 1000
    assert_frame_equal(got, expected)


@pytest.mark.parametrize("block_rows", [1, 7, 10**6])
def test_pair_intersections_count_the_shingles_each_pair_shares(block_rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Against set intersections, over blocks of bitmaps from one document to all of them."""
    import transforms.stories as st

    monkeypatch.setattr(st, "_BLOCK_ROWS", block_rows)
    rng = np.random.default_rng(11)
    n_docs = 120
    held = {i: set(rng.choice(400, int(rng.integers(0, 60)), replace=False).tolist()) for i in range(n_docs)}
    rows = sorted((s, i) for i, sh in held.items() for s in sh)
    h = np.array([s for s, _ in rows], dtype=np.uint64)
    d = np.array([i for _, i in rows], dtype=np.int64)
    pairs = sorted({(int(a), int(b)) for a, b in rng.integers(0, n_docs, (900, 2)) if a != b}, key=lambda p: (p[1], p[0]))
    q_doc = np.array([a for a, _ in pairs], dtype=np.int64)
    other = np.array([b for _, b in pairs], dtype=np.int64)
    sel, inter = st._pair_intersections(d, h, q_doc, other, n_docs)
    got = dict(zip(sel.tolist(), inter.tolist(), strict=True))
    # A pair left out shares nothing: a shingle two documents share is held by two or more.
    assert [got.get(k, 0) for k in range(len(pairs))] == [len(held[a] & held[b]) for a, b in pairs]
    assert sum(v > 0 for v in got.values()) > 100
