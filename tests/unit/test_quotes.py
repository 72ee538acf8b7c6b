"""Tests for transforms.quotes: quote finding, speakers, partial quotes, offsets, groups."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import transforms.quotes as quotes_module
from transforms import schema
from transforms.quotes import Quote, find_quotes, quote_groups, quotes

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "sample"

_SENT = re.compile(r"[^\n]+?(?:[.!?][\"”’]*(?=\s+[\"“‘A-Z])|$)", re.M)


def _spans(text: str) -> list[tuple[int, int]]:
    """A deliberately simple sentence splitter: find_quotes must not depend on a good one."""
    out = []
    for m in _SENT.finditer(text):
        lead = len(m.group()) - len(m.group().lstrip())
        if m.group().strip():
            out.append((m.start() + lead, m.end()))
    return out


def _find(text: str) -> list[Quote]:
    found = find_quotes(text, _spans(text))
    for q in found:
        assert text[q.start:q.end] == q.text
    return found


def _only(text: str) -> Quote:
    found = _find(text)
    assert len(found) == 1, found
    return found[0]


# --- attribution patterns -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "description"),
    [
        ('"We will fight on," said Abdul Basir.', "Abdul Basir", None),
        ('"We will fight on," Abdul Basir said.', "Abdul Basir", None),
        ('"We will fight on," Abdul Basir told reporters in Kabul.', "Abdul Basir", None),
        ('According to Abdul Basir, "we will fight on until the end."', "Abdul Basir", None),
        (
            '"They did not want to surrender," said Abdul Basir, a soldier based with a '
            "battalion in Badakhshan province.",
            "Abdul Basir",
            "a soldier based with a battalion in Badakhshan province",
        ),
        (
            '"They did not want to surrender," Abdul Basir, a soldier based in Kunduz, said.',
            "Abdul Basir",
            "a soldier based in Kunduz",
        ),
        ('"Afghan forces have lost their morale," said analyst Atta Noori in Kabul.',
         "Atta Noori", "analyst"),
        ('"The talks will resume," Kremlin spokesman Dmitry Peskov said on Monday.',
         "Dmitry Peskov", "Kremlin spokesman"),
        ('Foreign Ministry spokesperson Hua Chunying said: "China opposes the launches."',
         "Hua Chunying", "Foreign Ministry spokesperson"),
    ],
)
def test_find_quotes_attribution_patterns(text: str, speaker: str, description: str | None) -> None:
    q = _only(text)
    assert q.speaker == speaker
    assert q.speaker_description == description


def test_find_quotes_organisation_resolves_to_fuller_mention() -> None:
    text = (
        "Citing Tajikistan's national security committee, reports said 1,037 troops had fled.\n"
        '"The military personnel were allowed to enter Tajik territory," the committee said '
        "in a statement."
    )
    assert _only(text).speaker == "Tajikistan's national security committee"


def test_find_quotes_statement_noun_takes_last_organisation() -> None:
    text = (
        'Tajikistan\'s national security committee said the troops fled "to save their lives".\n'
        '"The military personnel were allowed to enter Tajik territory," said the statement.'
    )
    found = _find(text)
    assert [q.speaker for q in found] == ["Tajikistan's national security committee"] * 2


def test_find_quotes_pronoun_takes_last_named_speaker() -> None:
    text = (
        "National Security Adviser Hamdullah Mohib said the forces were “absolutely” ready.\n"
        "“The Taliban used the vacuum and launched an offensive,” he emphasized.\n"
        '"We have not seen good faith efforts from the Taliban", Mohib further underlined.'
    )
    found = _find(text)
    assert [q.speaker for q in found] == ["Hamdullah Mohib"] * 3
    assert found[0].speaker_description == "National Security Adviser"
    assert found[0].is_partial
    assert not found[1].is_partial


def test_find_quotes_pronoun_after_reported_speech() -> None:
    text = (
        '"People know what is going on," producer Yoko Wakatsuki said.\n'
        "But Koichi Nakano, a professor at Sophia University, told CNN the danger had grown.\n"
        '"The danger has been heightened," he said.'
    )
    assert [q.speaker for q in _find(text)] == ["Yoko Wakatsuki", "Koichi Nakano"]


def test_find_quotes_pronoun_respects_gender() -> None:
    text = (
        '"It was one of my biggest regrets," Quentin Tarantino said.\n'
        "Uma Thurman said she had worries about the car.\n"
        '"I didn\'t force her into the car," he said.'
    )
    assert _find(text)[1].speaker == "Quentin Tarantino"


def test_find_quotes_role_description_resolves_to_person() -> None:
    text = (
        "“We expected peace,” National Security Adviser Hamdullah Mohib said.\n"
        "“The forces are working to manage the situation,” added the advisor to President "
        "Ashraf Ghani."
    )
    found = _find(text)
    assert found[1].speaker == "Hamdullah Mohib"
    assert found[1].speaker_description == "the advisor to President Ashraf Ghani"


def test_find_quotes_surname_resolves_to_full_name() -> None:
    text = (
        "Hamdullah Mohib held talks in Moscow on Monday.\n"
        '"We can expect the same level of information," Mr Mohib told the agency.'
    )
    q = _only(text)
    assert (q.speaker, q.speaker_description) == ("Hamdullah Mohib", None)


def test_find_quotes_headline_dash_credit() -> None:
    text = "READ MORE: Solution depends on ‘containment of the US’ – John Pilger\n"
    assert _only(text).speaker == "John Pilger"


# --- shapes of quotes -------------------------------------------------------------------


def test_find_quotes_multi_sentence_quote_is_one_quote() -> None:
    q = _only('"They did not want to surrender. They had asked for help," said Abdul Basir.')
    assert q.text == "They did not want to surrender. They had asked for help"
    assert q.speaker == "Abdul Basir"


def test_find_quotes_split_quote_both_parts_attributed() -> None:
    text = '"Now they are paying a price," he says, "and the whole country will suffer."'
    text = "Real estate broker Kent Davis says the press hurt.\n" + text
    found = _find(text)
    assert [q.text for q in found] == [
        "Now they are paying a price", "and the whole country will suffer.",
    ]
    assert [q.speaker for q in found] == ["Kent Davis", "Kent Davis"]
    assert not found[1].is_partial


def test_find_quotes_adjacent_quotes_without_space() -> None:
    text = (
        '"Afghan forces have lost their morale," said analyst Atta Noori in Kabul.\n'
        '"They are confused and surrender.""It is an emergency situation," he added.'
    )
    found = _find(text)
    assert [q.text for q in found[1:]] == [
        "They are confused and surrender.", "It is an emergency situation",
    ]
    assert all(q.speaker == "Atta Noori" for q in found)


def test_find_quotes_quote_continued_in_next_paragraph() -> None:
    text = (
        'He added: "I was very happy, thinking she can do this.\n'
        '"I came in there all happy. I was wrong."\n'
    )
    text = "Quentin Tarantino spoke to Deadline.\n" + text
    found = _find(text)
    assert [q.text for q in found] == [
        "I was very happy, thinking she can do this.", "I came in there all happy. I was wrong.",
    ]
    assert {q.speaker for q in found} == {"Quentin Tarantino"}


def test_find_quotes_nested_quote_stays_inside() -> None:
    text = "“The concept entails acting as “honest broker”, facilitator,” says Piero Messina."
    q = _only(text)
    assert q.text.startswith("The concept")
    assert q.speaker == "Piero Messina"


@pytest.mark.parametrize(
    ("text", "quoted", "partial"),
    [
        ('Mohib said the army would "absolutely, definitely" counterattack.',
         "absolutely, definitely", True),
        ('The militants have taken "full control" of six districts, the committee said.',
         "full control", True),
        ("Sheriff Joseph Lombardo said it was a “lone wolf” attack.", "lone wolf", True),
        ('He said: "We will win this war."', "We will win this war.", False),
        ('He said, "We will win this war."', "We will win this war.", False),
        ('"We will win this war," he said.', "We will win this war", False),
    ],
)
def test_find_quotes_partial(text: str, quoted: str, partial: bool) -> None:
    q = _only(text)
    assert (q.text, q.is_partial) == (quoted, partial)


def test_find_quotes_partial_speaker_from_sentence() -> None:
    q = _only('Taliban spokesman Suhail Shaheen said seizing Kabul was "not Taliban policy".')
    assert (q.speaker, q.speaker_description, q.is_partial) == (
        "Suhail Shaheen", "Taliban spokesman", True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "“We will not surrender,” he said.",
        '"We will not surrender," he said.',
        "‘We will not surrender,’ he said.",
        "'We will not surrender,' he said.",
        "«We will not surrender», he said.",
    ],
)
def test_find_quotes_curly_straight_and_single(text: str) -> None:
    assert _only(text).text == "We will not surrender"


@pytest.mark.parametrize(
    "text",
    [
        "Afghanistan’s main crossing fell; the troops’ morale is low and they don’t know why.",
        "Afghanistan's main crossing fell; the troops' morale is low and they don't know why.",
        "The ’90s were different, rock ’n’ roll aside.",
        "He measured 5' 10\" and weighed a lot.",
    ],
)
def test_find_quotes_apostrophes_are_not_quotes(text: str) -> None:
    assert _find(text) == []


def test_find_quotes_titles_are_not_quotes() -> None:
    assert _find('She starred in "Kill Bill" and "Pulp Fiction" in the 1990s.') == []


def test_find_quotes_offsets_exact_on_samples() -> None:
    n = 0
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for q in find_quotes(text, _spans(text)):
            assert text[q.start:q.end] == q.text
            assert q.text == q.text.strip()
            assert not q.text.endswith(",")
            assert text[q.start - 1] in "\"“‘'" or text[q.start - 2:q.start].strip() == ""
            n += 1
    assert n >= 40


def test_find_quotes_sentence_no_is_where_quote_starts() -> None:
    text = 'First sentence here. Second one. "A quote starts here. And goes on," he said.'
    q = _only(text)
    assert q.sentence_no == 2


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,\n\"“”‘’'Hes")), max_size=80))
def test_find_quotes_never_breaks_offsets(text: str) -> None:
    for q in find_quotes(text, _spans(text)):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start:q.end] == q.text


# --- frames -----------------------------------------------------------------------------


def _sentences_frame(docs: list[tuple[str, str]]) -> pl.DataFrame:
    rows = [
        (doc_id, n, 0, s, e, text[s:e], "body")
        for doc_id, text in docs for n, (s, e) in enumerate(_spans(text))
    ]
    return pl.DataFrame(rows, schema=schema.polars_schema("sentences"), orient="row")


def _frame(docs: list[tuple[str, str]]) -> pl.DataFrame:
    documents = pl.DataFrame(docs, schema=["doc_id", "text"], orient="row")
    return quotes(documents, _sentences_frame(docs))


def test_quotes_frame_schema_and_ids() -> None:
    docs = [("d1", 'Intro. "We will win," he said. "Never give up," she said.'), ("d2", "None here.")]
    frame = _frame(docs)
    assert frame.schema == schema.polars_schema("quotes")
    assert frame["quote_id"].to_list() == ["d1:0000", "d1:0001"]
    assert frame["sentence_no"].to_list() == [1, 2]
    assert frame["quote_group_id"].null_count() == 2


def test_quotes_frame_empty_input() -> None:
    empty = pl.DataFrame(schema={"doc_id": pl.String, "text": pl.String})
    assert_frame_equal(quotes(empty, schema.empty("sentences")), schema.empty("quotes"))


STATEMENT_US = (
    '"Taking into account the principle of good neighborliness and adhering to the position of '
    'non-interference, the military personnel were allowed to enter Tajik territory," the '
    "committee said."
)
STATEMENT_UK = (
    "“Taking into account the principle of good neighbourliness and adhering to the position "
    "of non-interference, the military personnel were allowed to enter Tajik territory”, said "
    "the statement."
)
EXCERPT = (
    '"The military personnel were allowed to enter Tajik territory," Tajik officials said.'
)


def test_quote_groups_link_spelling_variants_and_excerpts() -> None:
    frame = quote_groups(_frame([
        ("a", STATEMENT_US), ("b", STATEMENT_UK), ("c", EXCERPT),
        ("d", '"We will rebuild the bridge next year," the mayor said.'),
        ("e", 'The militants took "full control" of the districts.'),
    ]))
    groups = dict(zip(frame["doc_id"], frame["quote_group_id"], strict=True))
    assert groups["a"] == groups["b"] == groups["c"] == "a:0000"
    assert groups["d"] == "d:0000"  # a statement of its own
    assert groups["e"] is None  # partial quotes are not grouped


def test_quote_groups_short_quotes_not_grouped() -> None:
    frame = quote_groups(_frame([("a", '"We will win," he said.'), ("b", '"We will win," she said.')]))
    assert frame["quote_group_id"].null_count() == 2


def test_quote_groups_same_in_small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pairs found and counted a few rows at a time give the groups of one block."""
    docs = [
        ("a", STATEMENT_US), ("b", STATEMENT_UK), ("c", EXCERPT), ("d", STATEMENT_US),
        ("e", '"We will rebuild the bridge over the river next year," the mayor said.'),
        ("f", '"We will rebuild the bridge over the river next year and the road," he said.'),
        ("g", '"The river of the town and the bridge of the road were closed," she said.'),
        ("h", '"The road of the town and the bridge of the river were open," she said.'),
    ]
    whole = quote_groups(_frame(docs))
    groups = dict(zip(whole["doc_id"], whole["quote_group_id"], strict=True))
    assert groups["a"] == groups["b"] == groups["c"] == groups["d"] == "a:0000"
    assert groups["e"] == groups["f"] == "e:0000"
    monkeypatch.setattr(quotes_module, "_BLOCK_ROWS", 1)
    monkeypatch.setattr(quotes_module, "TOKENISE_ROWS", 3)
    assert_frame_equal(quote_groups(_frame(docs)), whole)


@pytest.mark.parametrize("rows_per_word", [0.0, 1e12])
def test_quote_groups_same_whichever_rule_lists_the_pairs(rows_per_word: float, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [("a", f'"{STATEMENT_US}" he said.'), ("b", f'"{STATEMENT_UK}" she said.'),
            ("c", '"We will rebuild the old bridge across the river," he said.'),
            ("d", '"We will rebuild the old bridge across the river by spring," she said.'),
            ("e", '"The storm closed every school in the county on Monday," he said.')]
    whole = quote_groups(_frame(docs))
    monkeypatch.setattr(quotes_module, "BLOCK_FIRST_ROWS_PER_WORD", rows_per_word)
    used: list[str] = []
    def spying(name: str) -> Any:
        real = getattr(quotes_module, name)

        def spy(*args: Any, **kw: Any) -> Any:
            used.append(name)
            return real(*args, **kw)
        return spy

    for name in ("_linked_pairs", "_candidate_pairs"):
        monkeypatch.setattr(quotes_module, name, spying(name))
    assert_frame_equal(quote_groups(_frame(docs)), whole)
    assert used == (["_candidate_pairs"] if rows_per_word == 0 else ["_linked_pairs"])
    groups = dict(zip(whole["doc_id"], whole["quote_group_id"], strict=True))
    assert groups["a"] == groups["b"]
    assert groups["c"] == groups["d"] != groups["a"]


def test_quote_group_ids_give_quote_groups_ids_in_row_order() -> None:
    docs = [("a", STATEMENT_US), ("b", STATEMENT_UK), ("c", EXCERPT), ("d", '"We will win," he said.'),
            ("e", 'The militants took "full control" of the districts.')]
    ids = quotes_module.quote_group_ids(_frame(docs))
    assert_frame_equal(ids, quote_groups(_frame(docs)).select("quote_id", "quote_group_id"))
    assert ids["quote_group_id"].to_list() == ["a:0000", "a:0000", "a:0000", None, None]
    empty = quotes_module.quote_group_ids(schema.empty("quotes"))
    assert empty.columns == ["quote_id", "quote_group_id"]
    assert empty.height == 0


def _textbook_keys(seqs: list[list[int]], weights: list[int], word_of: list[str], stop: set[int],
                   max_block: int) -> list[set[int]]:
    """Each quote's blocking keys, straight from the rule: its BLOCK_KEYS rarest content words
    by copies (ties by the word), less those carried by more than ``max_block`` copies."""
    df: dict[int, int] = {}
    for s, wt in zip(seqs, weights, strict=True):
        for word in set(s):
            df[word] = df.get(word, 0) + wt
    keys = []
    for s in seqs:
        content = sorted({x for x in s if x not in stop}, key=lambda x: (df[x], word_of[x]))
        keys.append({x for x in content[:quotes_module.BLOCK_KEYS] if df[x] <= max_block})
    return keys


def _textbook_edges(seqs: list[list[int]], weights: list[int], word_of: list[str], stop: set[int],
                    max_block: int) -> list[tuple[int, int]]:
    """The pairs quote groups compare, straight from the rules: (a, b) with a the smaller
    (fewer distinct word pairs; ties by number), most of a's word pairs in b (CONTAINMENT),
    and one of them carrying a blocking key of the other (its BLOCK_KEYS rarest content words
    by copies, ties by the word, carried by at most ``max_block`` copies)."""
    pairs = [{(s[i], s[i + 1]) for i in range(len(s) - 1)} for s in seqs]
    keys = _textbook_keys(seqs, weights, word_of, stop, max_block)
    edges = []
    for a in range(len(seqs)):
        for b in range(len(seqs)):
            if a == b or (len(pairs[b]), b) < (len(pairs[a]), a):
                continue
            contained = len(pairs[a] & pairs[b]) / len(pairs[a]) >= quotes_module.CONTAINMENT
            blocked = bool(keys[a] & set(seqs[b])) or bool(keys[b] & set(seqs[a]))
            if contained and blocked:
                edges.append((a, b))
    return edges


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("block_rows", "block_keys"), [(1, 1), (7, 4), (2_000_000, 1), (2_000_000, 4)])
def test_pairs_compared_are_those_passing_containment_and_blocking(seed: int, block_rows: int, block_keys: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Either rule may list the pairs and the other filter them, a block at a time: the pairs
    linked are exactly those both rules pass, whatever the blocks and the route."""
    rng = np.random.default_rng(seed)
    word_of = [f"w{i:02d}" for i in range(14)]
    stop = {0, 1, 2}  # frequent function words: they never block
    seqs: list[list[int]] = []
    for _ in range(40):
        if seqs and rng.random() < 0.5:  # an excerpt or a variant of an earlier quote
            base = seqs[int(rng.integers(len(seqs)))]
            lo = int(rng.integers(0, max(1, len(base) - 4)))
            s = list(base[lo:lo + int(rng.integers(4, len(base) + 1))])
            if rng.random() < 0.5:
                s[int(rng.integers(len(s)))] = int(rng.integers(len(word_of)))
        else:
            s = [int(x) if rng.random() < 0.6 else int(rng.integers(3)) for x in rng.integers(3, len(word_of), int(rng.integers(4, 10)))]
        if len(s) >= 2 and s not in seqs:
            seqs.append(s)
    weights = [int(x) for x in rng.integers(1, 4, len(seqs))]
    max_block = int(rng.integers(4, 40))
    monkeypatch.setattr(quotes_module, "MAX_BLOCK", max_block)
    monkeypatch.setattr(quotes_module, "_BLOCK_ROWS", block_rows)
    monkeypatch.setattr(quotes_module, "BLOCK_KEYS", block_keys)
    node = np.repeat(np.arange(len(seqs), dtype=np.int32), [len(s) for s in seqs])
    w = np.concatenate([np.asarray(s, dtype=np.int32) for s in seqs])
    keys = quotes_module._block_keys(node, w, np.asarray(weights, dtype=np.int64), word_of, sorted(stop))
    expected = _textbook_edges(seqs, weights, word_of, stop, max_block)
    assert expected  # the draw links some quotes
    # Listed by the keys' carriers, then counted ...
    a, b = quotes_module._linked_pairs([node, w], len(word_of), keys)
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == expected
    # ... or found by the containment search, the keys filtering each block found.
    a, b = quotes_module._candidate_pairs([node, w], len(word_of),
                                          keep=lambda x, y: quotes_module._share_a_key(keys, x, y))
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == expected
    # and without the blocking, the containment alone gives more pairs
    assert len(quotes_module._candidate_pairs([node, w], len(word_of))[0]) >= len(expected)
    # The keys themselves, and each key word's carriers (every quote that has the word).
    keys = quotes_module._block_keys(node, w, np.asarray(weights, dtype=np.int64), word_of, sorted(stop))
    got = [set(keys.key_word[keys.key_start[i]:keys.key_start[i] + keys.n_keys[i]].tolist()) for i in range(len(seqs))]
    assert got == _textbook_keys(seqs, weights, word_of, stop, max_block)
    for k in set().union(*got):
        carriers = keys.carrier[keys.carrier_start[k]:keys.carrier_start[k] + keys.carrier_len[k]].tolist()
        assert carriers == [i for i, s in enumerate(seqs) if k in s]
    assert keys.carrier_len.sum() == sum(len(set(s) & set().union(*got)) for s in seqs)


@pytest.mark.parametrize("block_rows", [1, 5, 2_000_000])
def test_pair_ids_number_the_pairs_as_one_sort_does(block_rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    high = rng.integers(0, 9, 200).astype(np.int32)
    low = rng.integers(0, 9, 200).astype(np.int32)
    monkeypatch.setattr(quotes_module, "_BLOCK_ROWS", block_rows)
    ids, n = quotes_module._pair_ids(high, low, 9)
    expected, n_expected = quotes_module._dense_ids(quotes_module._combined(high, 9, low))
    assert ids.dtype == np.int32
    assert n == n_expected == len(set(zip(high.tolist(), low.tolist(), strict=True)))
    assert ids.tolist() == expected.tolist()


@pytest.mark.parametrize("batch", [65_536, 2, 1])
def test_word_sequences_number_each_distinct_sequence_once_in_order_of_first_sight(
        batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # ``batch``: sequences moved from the dict into the array at once (the last nodes first)
    monkeypatch.setattr(quotes_module, "_SEQUENCE_BATCH", batch)
    texts = pl.Series(["We will rebuild the old bridge", "too short", "we WILL rebuild, the old bridge!",
                       "The colour of the flag", "The color of the flag", "a new statement of five words"])
    vocab: dict[str, int] = {}
    node_of_text, lengths, w = quotes_module._word_sequences([texts[:2], texts[2:]], quotes_module._Interned(vocab))
    assert node_of_text.tolist() == [0, -1, 0, 1, 1, 2]  # case, punctuation and spelling fold
    assert lengths.tolist() == [6, 5, 6]
    word_of = {i: s for s, i in vocab.items()}
    assert [word_of[i] for i in w.tolist()] == [
        "we", "will", "rebuild", "the", "old", "bridge", "the", "color", "of", "the", "flag",
        "a", "new", "statement", "of", "five", "words"]
    assert w.dtype == np.int32
    empty = quotes_module._word_sequences([pl.Series(["too short"])], quotes_module._Interned({}))
    assert empty[0].tolist() == [-1]
    assert len(empty[1]) == len(empty[2]) == 0


def test_quote_groups_keeps_schema() -> None:
    frame = quote_groups(_frame([("a", STATEMENT_US)]))
    assert frame.schema == schema.polars_schema("quotes")
    empty = quote_groups(schema.empty("quotes"))
    assert empty.schema == schema.polars_schema("quotes")


# --- the fast helpers agree with the plain definitions they replace ----------------------
# find_quotes reads words, sentence ends, name runs and gender cues around each quote only;
# each helper is checked against the whole-text definition on small random texts.

from transforms import quotes as Q  # noqa: E402

_HELPER_TEXT = st.lists(
    st.sampled_from([*"ab sTM.r!?\n,;:#'’-\"", "that", "Mr", "Smith", "said", "he", "also", "  "]),
    max_size=25,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_HELPER_TEXT)
def test_prev_word_matches_word_list(text: str) -> None:
    # As _all_verbs uses it: the word before a word, when only whitespace separates them.
    words = [(m.start(), m.end(), m.group()) for m in Q._ALPHA_WORD_RE.finditer(text)]
    for k, (start, _, _) in enumerate(words):
        expected = None
        if k > 0 and not text[words[k - 1][1]:start].strip():
            expected = words[k - 1]
        assert Q._prev_word(text, start) == expected, (text, start)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab sé_5.\n,(#'’-“", "##", "said", "Said", "according", "ACCORDING", "CiTiNg", "to"]),
        max_size=25,
    ).map("".join)
)
def test_verb_starts_match_word_pattern(text: str) -> None:
    # Scanned from the break before each word, masked quotes ("##") skipped.
    expected = [(m.start(), m.end(), m.group()) for m in Q._VERB_START_RE.finditer(text)]
    assert Q._verb_starts(text) == expected


@settings(max_examples=300, deadline=None)
@given(_HELPER_TEXT)
def test_terminators_match_pattern(text: str) -> None:
    Q._terminators.cache_clear()
    runs = Q._terminators(text)
    expected = [m.span() for m in Q._TERMINATOR_RE.finditer(text)]
    assert list(zip(runs.starts, runs.ends, strict=True)) == expected


@settings(max_examples=300, deadline=None)
@given(_HELPER_TEXT, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_left_boundary_matches_pattern(text: str, lo: int, pos: int) -> None:
    lo, pos = sorted((min(lo, len(text)), min(pos, len(text))))
    expected = lo
    for m in re.finditer(r"[#;:\n]|\bthat\b", text[lo:pos]):
        expected = lo + m.end()
    assert Q._left_boundary(text, lo, pos) == expected


@settings(max_examples=300, deadline=None)
@given(_HELPER_TEXT, st.integers(min_value=0, max_value=60))
def test_sentence_bounds_match_bounded_scan(text: str, pos: int) -> None:
    Q._terminators.cache_clear()
    pos = min(pos, len(text))
    line_lo = text.rfind("\n", 0, pos) + 1
    line_hi = text.find("\n", pos)
    line_hi = len(text) if line_hi < 0 else line_hi
    if pos > 0 and text[pos - 1] in ".!?…":
        return  # windows never start inside a run of terminators (see _terminators)
    start = line_lo
    for m in reversed(list(Q._TERMINATOR_RE.finditer(text, line_lo, pos))):
        if Q._ends_sentence(text, m.start(), m.end()):
            start = m.end()
            break
    end = line_hi
    for m in Q._TERMINATOR_RE.finditer(text, pos, line_hi):
        if Q._ends_sentence(text, m.start(), m.end()):
            end = m.start() + 1
            break
    assert Q._sentence_start(text, line_lo, pos) == start
    assert Q._sentence_end(text, pos, line_hi) == end


@pytest.mark.parametrize(
    "text",
    [
        "Mr. John Smith arrived. Smith said he would stay. Mrs. Jane Smith left.",
        "Queen Elizabeth spoke. Elizabeth told reporters on Monday that she was tired.",
        "SMITH said he was sure; smith, said she. Mr President Smith Mr. Smith said they said he.",
        "Prince Harry said he would. Princess Anne Harry. (Harry said she",
    ],
)
def test_gender_matches_pattern_votes(text: str) -> None:
    ctx = Q._Context(text)
    for surname in {w for w in re.findall(r"[A-Z][a-z]+", text)}:
        votes = {"m": 0, "f": 0}
        for g, titles in (("m", W_MALE), ("f", W_FEMALE)):
            pattern = r"\b(?:" + "|".join(titles) + r")\.?\s+(?:[A-Z][\w'’-]*\s+)*" + surname + r"\b"
            votes[g] += 2 * len(re.findall(pattern, text))
        for pronoun in re.findall(r"\b" + surname + Q._GENDER_FOLLOW, text, re.I):
            votes["m" if pronoun.lower() == "he" else "f"] += 1
        expected = None if votes["m"] == votes["f"] else ("m" if votes["m"] > votes["f"] else "f")
        assert ctx._gender("Someone " + surname) == expected, surname


W_MALE = Q.W.MALE_TITLES
W_FEMALE = Q.W.FEMALE_TITLES


@pytest.mark.parametrize(
    "text",
    [
        "Hua Chunying spoke. Then Hua said so. Peter Hua arrived, and Hua left.",
        "Shinzo Abe met North Korea Shinzo Abe. Abe said. Mr. Abe's aide (Abe) spoke.",
        "Xi Jinping; Xi. Jinping Xi, Xi Jinping's plan.\nXi Jinping",
        "Osama bin Laden hid. Laden said. Ursula von der Leyen spoke; Leyen left. al-Mohib and "
        "Hamdullah al-Mohib met U.S. Gen. Mark Milley (Milley) and Milley's aide.",
    ],
)
def test_full_names_matches_whole_text_scan(text: str) -> None:
    found: dict[str, set[str]] = {}
    given: dict[str, set[str]] = {}
    for run_text in Q._NAME_RUN_RE.findall(text):
        for run in Q._cap_runs(run_text.split()):
            name = Q._strip_titles(run)
            if 2 <= len(name) <= 4 and not any(
                w.lower() in Q.W.NOT_NAMES or w.lower() in Q.W.ORG_HEADS for w in name
            ):
                found.setdefault(name[-1], set()).add(" ".join(name))
                given.setdefault(name[0], set()).add(" ".join(name))
    ctx = Q._Context(text)
    for word in set(re.findall(r"[A-Za-z]+", text)):
        assert ctx.full_names(word) == (found.get(word) or given.get(word) or set()), word


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Colour, honoured labour-saving organisation", ["color", "honored", "labor", "saving", "organization"]),
        ("the centre travelled; a dialogue licence", ["the", "center", "traveled", "a", "dialog", "license"]),
    ],
)
def test_norm_tokens_spelling_variants(text: str, tokens: list[str]) -> None:
    assert Q._norm_tokens(text) == tokens


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["our", "ours", "is", "ise", "ys", "tre", "lled", "ogue", "ence", "o", "_",
                                 " ", "-", "1", "É", "L"]), max_size=20).map("".join))
def test_norm_tokens_rules_apply_word_by_word(text: str) -> None:
    rules = [(re.compile(p), r) for p, r in Q.W.SPELLING_RULES]
    expected = []
    for w in re.findall(r"[^\W_]+", text.lower()):
        for pat, rep in rules:
            w = pat.sub(rep, w)
        expected.append(w)
    assert Q._norm_tokens(text) == expected


def test_quotes_frame_skips_documents_without_marks() -> None:
    texts = {
        "a": 'He paused. "We will stay," said Abdul Basir.',
        "b": "No quotation here, it's only an apostrophe.",
        "c": "Officials called it a ‘temporary’ measure.",
    }
    docs = pl.DataFrame({"doc_id": list(texts), "text": list(texts.values())})
    sents = pl.DataFrame(
        [(d, n, 0, s, e, t[s:e], "body") for d, t in texts.items() for n, (s, e) in enumerate(_spans(t))],
        schema=schema.polars_schema("sentences"),
        orient="row",
    )
    out = quotes(docs, sents)
    assert out.get_column("doc_id").to_list() == ["a", "c"]
    assert out.get_column("text").to_list() == ["We will stay", "temporary"]
    assert out.get_column("speaker").to_list()[0] == "Abdul Basir"


def test_dense_ids_are_np_unique_inverse() -> None:
    import numpy as np

    from transforms.quotes import _dense_ids

    rng = np.random.default_rng(3)
    for values in (rng.integers(0, 40, 500), rng.integers(-5, 10**12, 300), np.array([7]), np.array([2, 2, 2])):
        values = values.astype(np.int64)
        want_values, want_ids = np.unique(values, return_inverse=True)
        ids, n = _dense_ids(values.copy())
        assert ids.tolist() == want_ids.tolist()
        assert n == len(want_values)
    ids, n = _dense_ids(np.zeros(0, dtype=np.int64))
    assert len(ids) == 0
    assert n == 0
