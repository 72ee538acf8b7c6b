"""Syndicated copies and stories (documents about the same event).

Interface:
- ``duplicates(documents) -> pl.DataFrame``: columns doc_id, duplicate_of,
  duplicate_similarity for every document (nulls when it copies nothing); a copy points to
  the earliest document (by published_at, then doc_id) it copies.
- ``assign_stories(documents) -> pl.DataFrame``: columns doc_id, story_id. Input is every
  document in the warehouse (doc_id, title, subtitle, text, outlet, published_at,
  duplicate_of, and story_id from earlier runs, null for new ones). Existing assignments
  stay stable; a late article joins its existing story.
- ``stories(documents) -> pl.DataFrame``: one row per story, ``schema.TABLES["stories"]``.

Copies. The body is lower-cased, stripped of accents and punctuation and passed through
the spelling folds of ``lexicon.stories_spelling`` (neighbour/neighbor, adviser/advisor),
then cut into overlapping word shingles. Blocking: each shingle links every document that
holds it to the ``STAR_HOLDERS`` earliest documents holding it (linear in the number of
shingles, never all pairs); pairs sharing enough shingles are verified exactly. A document
is a copy when the share of the smaller document's shingles found in the other one
(containment) reaches ``COPY_MIN_CONTAINMENT``. Containment rather than Jaccard because a
copy with sentences cut or added keeps its containment but loses Jaccard. Documents with
unknown ``published_at`` sort after dated ones.

Stories. Each document is a TF-IDF vector over its title, subtitle and the lead of its body
(first ``LEAD_WORDS`` words), words and adjacent word pairs; a title word weighs
``TITLE_WEIGHT``, and every word's weight falls with its position in its field
(``1 / (1 + position / POSITION_DECAY_WORDS)``): news puts the event first. The similarity
of two documents is their cosine divided by ``1 + DECAY_STRENGTH * ln(1 + days apart /
DECAY_DAYS)``: a soft time decay (divisor 1.09 a day apart, 1.36 a week, 2.4 a year)
rather than a hard window, which cut late follow-ups and misdated copies off their story;
``WINDOW_DAYS`` only bounds the work. Pairs are proposed by blocking (a document's heaviest rare terms) and scored on
all their terms. Documents are grouped by average-linkage agglomerative clustering stopped
at ``MERGE_THRESHOLD``. Stability: documents with a story_id start in their story's
cluster, two clusters that both hold an existing story never merge (so no existing
story_id ever changes or disappears; a document bridging two existing stories joins the
closer one), and a new story takes the doc_id of its earliest document (published_at,
then doc_id) as story_id. Copies never take part in the clustering: a copy joins its
original's story. Method and measured figures: ``docs/stories.md``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any, NamedTuple, Protocol

import numpy as np
import polars as pl

from transforms import schema
from transforms.blocks import blocks, components, distinct, ragged, threaded
from transforms.collector import collector_paused
from transforms.lexicon.stopwords import STOPWORDS
from transforms.lexicon.stories_spelling import SPELLING_FOLDS, STEM_FOLDS

# --- copies -------------------------------------------------------------------------------
SHINGLE_WORDS = 4            # words per shingle
COPY_MIN_CONTAINMENT = 0.5   # share of the smaller text's shingles found in the other
COPY_MIN_SHINGLES = 12       # texts with fewer shingles are never called copies
COPY_MIN_SHARED = 20         # shingles a copy must share (about two sentences): not a credit line
LONG_COPY_MIN_SHARED = 100   # ... or a long reused passage (about 100 words) ...
LONG_COPY_MIN_CONTAINMENT = 0.3  # ... making up this share of the smaller text
STAR_HOLDERS = 4             # each shingle links a document to this many earliest holders
CANDIDATE_MIN_SHARED = 3     # star links a pair needs before it is verified exactly
STRIP_QUOTES = True          # quoted words are not evidence of copying: rewrites quote too
# Curly quotes open and close with different marks, so an unclosed “ cannot pair with a
# later quote's ” (the next “ or the line's end stops it) and needs no length bound; a
# bound of {0,2000} on that multi-byte class made this the slowest regex of copies (7x).
# Straight quotes do pair across: bounded, so one missing " cannot strip a whole paragraph.
_QUOTED = r'“[^“”\n]*”|"[^"\n]{0,2000}"|‘[^‘’\n]{0,300}’'
_HASH_SEED = 20210705
_BLOCK_ROWS = 2_000_000    # pair x shingle (or term) rows held at once: bounds the memory on large warehouses
_CANDIDATE_BLOCK_ROWS = 500_000  # (document x document) rows of a block of terms listed at once (_candidates)
_SHINGLE_MULT = np.uint64(0x9E3779B97F4A7C15)

# --- stories ------------------------------------------------------------------------------
LEAD_WORDS = 300             # words of the body read after the title and subtitle
TITLE_WEIGHT = 2.0           # weight of a title word (a body or subtitle word weighs 1)
SUBTITLE_WEIGHT = 1.0        # weight of a subtitle word
POSITION_DECAY_WORDS = 100.0  # a word's weight is divided by 1 + its position in its field / this
BIGRAM_WEIGHT = 1.0          # weight factor of adjacent word pairs ("falcon heavy"); 0 = none
MAX_TERMS = 100              # terms kept per document vector (the heaviest)
DECAY_STRENGTH = 0.3         # similarity is divided by 1 + DECAY_STRENGTH * ln(1 + days apart / DECAY_DAYS)
DECAY_DAYS = 3.0
WINDOW_DAYS = 730.0          # documents further apart are never linked directly (a bound on work)
MERGE_THRESHOLD = 0.06       # average-linkage (decayed) cosine at which clustering stops
CANDIDATE_MAX_DF = 100       # terms in more documents do not propose pairs (they still count)
CANDIDATE_TERMS = 40         # heaviest rare terms of a document that propose pairs
LINK_BATCH_EDGES = 250_000   # edges clustered at once: whole components of the graph, batched to about this many

_DOC_COLUMNS = ("doc_id", "title", "subtitle", "text", "outlet", "published_at", "duplicate_of", "story_id")
TEXT_BLOCK_DOCS = 2_000      # documents whose text is held at once (read through a Texts source)
SHINGLE_PARTITIONS = 16      # shingles are split by hash into at least this many parts, handled one at a time
SHINGLE_PART_DOCS = 6_250    # ... and into more as the corpus grows: about this many documents' shingles a part

Texts = Callable[[Sequence[str]], Iterable[pl.DataFrame]]
"""Text source: given column names (of title, subtitle, text), every document's doc_id and
those columns, a block of rows at a time, in any order (documents a function was not given
are skipped). The flow streams them from the warehouse, so no function here ever holds
every document's text."""


class Spill(Protocol):
    """Where intermediate frames wait between passes (the flow passes one backed by files)."""

    def put(self, key: str, frame: pl.DataFrame) -> None:
        """Add a frame under ``key`` (frames put under one key are concatenated by ``take``)."""

    def take(self, key: str) -> pl.DataFrame | None:
        """The frames put under ``key``, concatenated in order (None if none), and forget them."""


class MemorySpill:
    """A ``Spill`` that keeps the frames in memory (the default: inputs that fit)."""

    def __init__(self) -> None:
        self._frames: dict[str, list[pl.DataFrame]] = {}

    def put(self, key: str, frame: pl.DataFrame) -> None:
        self._frames.setdefault(key, []).append(frame)

    def take(self, key: str) -> pl.DataFrame | None:
        frames = self._frames.pop(key, None)
        return pl.concat(frames) if frames else None


# ------------------------------------------------------------------------------------------
# shared helpers
# ------------------------------------------------------------------------------------------
def _with_defaults(documents: pl.DataFrame) -> pl.DataFrame:
    """The input with every expected column present (missing ones null) and typed."""
    types: dict[str, pl.DataType | type[pl.DataType]] = {
        "doc_id": pl.String, "title": pl.String, "subtitle": pl.String, "text": pl.String,
        "outlet": pl.String, "published_at": schema.TS, "duplicate_of": pl.String, "story_id": pl.String,
    }
    cols = []
    for name in _DOC_COLUMNS:
        if name not in documents.columns:
            cols.append(pl.lit(None, dtype=types[name]).alias(name))
        elif name == "published_at" and documents.schema[name] != schema.TS:
            dtype = documents.schema[name]
            expr = pl.col(name)
            if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
                expr = expr.dt.replace_time_zone("UTC")
            cols.append(expr.cast(schema.TS).alias(name))
        else:
            cols.append(pl.col(name).cast(types[name]))
    return documents.select(cols)


def _chronological(documents: pl.DataFrame) -> pl.DataFrame:
    """Documents sorted earliest first (unknown dates last, doc_id breaks ties), with ``idx``."""
    return documents.sort(["published_at", "doc_id"], nulls_last=True).with_row_index("idx")


# Characters NFKD may change: not ASCII, and not the curly quotes and dashes of news text
# (NFKD leaves those alone, and they hold no combining mark).
_DECOMPOSABLE = r"[^\x00-\x7F“”‘’–—]"


def _normalised(expr: pl.Expr, decompose: bool = True) -> pl.Expr:
    """Lower case, no accents, no punctuation, apostrophes dropped, single spaces.

    ``decompose=False`` skips the accent removal (NFKD, then combining marks dropped): the
    same result for a text without ``_DECOMPOSABLE`` characters, at a third of the cost.
    """
    out = expr.fill_null("")
    if decompose:
        out = out.str.normalize("NFKD").str.replace_all(r"\p{Mn}", "")
    out = (
        out.str.to_lowercase()
        .str.replace_all(r"['’‘`´]", "")
        # Runs of anything but letters and digits become one space. Written so that a lone
        # space (most runs) is not a match: replacing it with itself took two thirds of the time.
        .str.replace_all(r"[^\p{L}\p{N}]{2,}|[^\p{L}\p{N} ]", " ")
    )
    return out.str.strip_chars()


def _text_blocks(docs: pl.DataFrame, texts: Texts | None, columns: Sequence[str]) -> Iterator[pl.DataFrame]:
    """``docs`` (idx, doc_id, ...) with ``columns``, a block of documents at a time: slices of
    ``TEXT_BLOCK_DOCS`` rows of ``docs`` itself when ``texts`` is None, else the blocks
    ``texts`` streams, restricted to the documents of ``docs``."""
    if texts is None:
        for lo in range(0, docs.height, TEXT_BLOCK_DOCS):
            yield docs.slice(lo, TEXT_BLOCK_DOCS)
        return
    keys = docs.drop([c for c in columns if c in docs.columns])
    for got in texts(columns):
        block = keys.join(_with_defaults(got).select("doc_id", *columns).unique("doc_id", keep="first"),
                          on="doc_id", how="inner")
        if block.height:
            yield block


# ------------------------------------------------------------------------------------------
# copies
# ------------------------------------------------------------------------------------------
def _shingles(docs: pl.DataFrame) -> pl.DataFrame:
    """Word-shingle hashes per document (idx, text): columns idx (UInt32), sh (UInt64); a
    shingle that recurs in a document recurs here. Cut a block of documents at a time (a
    shingle lies within one document)."""
    parts = [_block_shingles(block) for block in _text_blocks(docs, None, ("text",))]
    return pl.concat(parts) if parts else pl.DataFrame(schema={"idx": pl.UInt32, "sh": pl.UInt64})


def _block_shingles(docs: pl.DataFrame) -> pl.DataFrame:
    """``_shingles`` of a few documents."""
    text = pl.col("text")
    if STRIP_QUOTES:
        text = text.str.replace_all(_QUOTED, " ")
    # Most documents (about 80% of news text) hold no character NFKD would change: they skip
    # it. A document's words stay consecutive rows, which is all the shingles need.
    plain = docs.select(~pl.col("text").fill_null("").str.contains(_DECOMPOSABLE)).to_series()
    words = (
        pl.concat([
            docs.filter(plain).select(pl.col("idx"), _normalised(text, decompose=False).str.split(" ").alias("w")),
            docs.filter(~plain).select(pl.col("idx"), _normalised(text).str.split(" ").alias("w")),
        ])
        .explode("w")
        .filter(pl.col("w").is_not_null() & (pl.col("w") != ""))
    )
    empty = pl.DataFrame(schema={"idx": pl.UInt32, "sh": pl.UInt64})
    n = words.height
    k = SHINGLE_WORDS
    if n < k:
        return empty
    # The folds go over each distinct word rather than the text: no fold matches across a
    # space or adds one, and \b sees a space or the end of the string alike at a word's edge.
    folded = pl.col("w")
    for pattern, repl, _why in SPELLING_FOLDS:
        folded = folded.str.replace_all(pattern, repl)
    vocab = words.select(pl.col("w").unique()).with_columns(folded.hash(seed=_HASH_SEED).alias("h"))
    d = words["idx"].to_numpy()
    h = words.join(vocab, on="w", how="left", maintain_order="left")["h"].to_numpy()
    m = n - k + 1
    valid = d[:m] == d[k - 1:]
    sh = h[:m].copy()
    for j in range(1, k):
        sh = sh * _SHINGLE_MULT + h[j:m + j]  # uint64 arithmetic wraps, as a hash should
    return pl.DataFrame({"idx": d[:m][valid], "sh": sh[valid]})


def _shingle_starts(h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For rows sorted by a key ``h`` (a shingle, a term's hash): whether each row starts
    its key's run, the run starts, and the run sizes."""
    n = len(h)
    new = np.ones(n, dtype=bool)
    new[1:] = h[1:] != h[:-1]
    starts = np.flatnonzero(new)
    return new, starts, np.diff(np.append(starts, n))


def _star_counts(d: np.ndarray, h: np.ndarray) -> pl.DataFrame:
    """Star links per candidate pair in these rows: columns key (``idx << 32 | holder``), star.

    ``d`` and ``h`` hold distinct (document idx, shingle) rows sorted by shingle, then idx. A
    shingle's holders are its ``STAR_HOLDERS`` earliest documents, and every later document
    holding it links to each: the row of rank r links to the rows of rank 0 .. min(r,
    STAR_HOLDERS) - 1 of its shingle. One holder rank at a time, so the links never all
    exist at once. Counts of disjoint sets of shingles add up (``duplicates`` sums the parts).
    """
    out = pl.DataFrame(schema={"key": pl.UInt64, "star": pl.UInt32})
    if len(d) == 0:
        return out
    _new, starts, size = _shingle_starts(h)
    first = np.repeat(starts, size)
    rank = np.arange(len(d)) - first
    counts = [out]
    for j in range(STAR_HOLDERS):
        later = rank > j
        key = (d[later].astype(np.uint64) << np.uint64(32)) | d[first[later] + j].astype(np.uint64)
        counts.append(pl.DataFrame({"key": key}).group_by("key").len("star").cast({"star": pl.UInt32}))
        del later, key
    return pl.concat(counts).group_by("key").agg(pl.col("star").sum())


def _ragged_block(cnt: np.ndarray, off: np.ndarray, owners: np.ndarray, lo: int, end: int,
                  limit: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """The next block of pairs ``lo:hi`` (``hi <= end``, at least one pair, about ``limit``
    rows) with each pair's owner row expanded from the CSR arrays (owner i holds rows
    ``off[i]:off[i] + cnt[i]``): returns hi, the row counts, where each pair's run starts in
    the block, and the rows' positions."""
    lengths = cnt[owners[lo:end]]
    hi = lo + max(1, int(np.searchsorted(np.cumsum(lengths), limit, side="right")))
    ln = lengths[: hi - lo]
    return hi, ln, np.cumsum(ln) - ln, ragged(off[owners[lo:hi]], ln)


def _pair_intersections(d: np.ndarray, h: np.ndarray, q_doc: np.ndarray, other: np.ndarray,
                        n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingles of these rows shared by the pairs (q_doc[k], other[k]): which pairs share any,
    and how many.

    ``d`` and ``h`` are distinct (document idx, shingle hash) rows sorted by shingle, then by
    document; the pairs come sorted by ``other`` and ``n_docs`` bounds the idx. Same counts
    as joining every pair with every shingle of both documents, but without the (pair x
    shingle) rows: the shingles held by two documents or more (no other can be shared) get
    dense ids, and a pair's count reads q_doc's shingles in a dense bitmap of other's, a
    block of documents and about ``_BLOCK_ROWS`` lookups at a time, so the lookups' memory
    is bounded by the block. Only the pairs with shared shingles of these rows on both sides
    are walked, and their positions in ``q_doc`` are returned with their counts. The rows are
    one of the shingles' parts, whose number grows with the corpus, and most pairs have
    shingles in most parts: the walks of all parts together are O(pairs x parts), but the
    time goes to the lookups (about one per shingle of q_doc's, whatever the parts), and it
    grows with the candidate pairs and the cost of a lookup (docs/scaling-history.md, fourteenth pass).
    """
    none = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
    if len(d) == 0 or len(q_doc) == 0:
        return none
    new, _starts, size = _shingle_starts(h)
    multi = np.repeat(size > 1, size)
    n_multi = int((size > 1).sum())
    if n_multi == 0:
        return none
    msid = (np.cumsum(new & multi) - 1)[multi].astype(np.uint64)
    del new, size
    # Document-major index of the shared shingles: doc i owns col[off[i]:off[i + 1]].
    dkey = np.sort((d[multi].astype(np.uint64) << np.uint64(32)) | msid)
    del multi, msid
    doc = (dkey >> np.uint64(32)).astype(np.int64)
    col = (dkey & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del dkey
    cnt = np.bincount(doc, minlength=n_docs)
    off = np.concatenate(([0], np.cumsum(cnt)))
    sel = np.flatnonzero((cnt[q_doc] > 0) & (cnt[other] > 0)).astype(np.int32)  # still sorted by other
    if not len(sel):
        return none
    q_sel, o_sel = q_doc[sel], other[sel]
    inter = np.zeros(len(sel), dtype=np.int32)
    rows_o = max(1, 4 * _BLOCK_ROWS // max(n_multi, 1))  # documents whose bitmaps are held at once
    bitmap = np.zeros((rows_o, n_multi), dtype=bool)
    lo = 0
    while lo < len(sel):
        o0 = int(o_sel[lo])
        # The bound in o_sel's own type: a Python int makes numpy cast all of o_sel per call.
        end = int(np.searchsorted(o_sel, o_sel.dtype.type(o0 + rows_o), side="left"))
        held = slice(off[o0], off[min(o0 + rows_o, len(cnt))])
        bitmap[doc[held] - o0, col[held]] = True
        while lo < end:
            hi, ln, begin, pos = _ragged_block(cnt, off, q_sel, lo, end, _BLOCK_ROWS)
            hit = bitmap[np.repeat(o_sel[lo:hi] - o0, ln), col[pos]]
            inter[lo:hi] = np.add.reduceat(hit, begin, dtype=np.int32)  # every run is non-empty (sel)
            del pos, hit
            lo = hi
        bitmap[doc[held] - o0, col[held]] = False
    return sel, inter


def _shingle_partitions(n_docs: int) -> int:
    """Parts the shingles of ``n_docs`` documents are split into: SHINGLE_PARTITIONS, or the
    power of two that keeps about SHINGLE_PART_DOCS documents a part. A part's rows, sorted,
    are what a thread of the star and intersection passes holds: with 16 parts at 200,000
    articles those passes took the flow to 1.4 GB; more parts keep a part's size, and so the
    passes' memory, the same whatever the corpus."""
    parts = SHINGLE_PARTITIONS
    while n_docs > parts * SHINGLE_PART_DOCS:
        parts *= 2
    return parts


def _shingle_parts(docs: pl.DataFrame, texts: Texts | None, spill: Spill, n_parts: int) -> np.ndarray:
    """Cut every document's text into shingles, a block of documents at a time, into
    ``n_parts`` (a power of two) parts of ``spill`` by shingle hash (keys ``shingles/<part>``:
    idx, sh, distinct per document). Returns each document's number of distinct shingles."""
    n_of = np.zeros(docs.height, dtype=np.int64)
    shift = np.uint64(64 - int(n_parts - 1).bit_length())
    blocks_in = _text_blocks(docs.select("idx", "doc_id", *(["text"] if texts is None else [])), texts, ("text",))
    # Any row order will do: each part is sorted by shingle and document before it is read.
    for sh in threaded(lambda block: _block_shingles(block).unique(), blocks_in):
        if sh.is_empty():
            continue
        n_of += np.bincount(sh["idx"].to_numpy(), minlength=docs.height)
        part = (sh["sh"].to_numpy() >> shift) if n_parts > 1 else np.zeros(sh.height, np.uint64)
        for (p,), piece in sh.with_columns(pl.Series("part", part)).partition_by("part", as_dict=True).items():
            spill.put(f"shingles/{p}", piece.drop("part"))
    return n_of


def duplicates(documents: pl.DataFrame, texts: Texts | None = None, spill: Spill | None = None) -> pl.DataFrame:
    """One row per document: doc_id, duplicate_of (earliest document it copies) and similarity.

    Input needs doc_id, published_at and text (other columns are ignored); without a text
    column, ``texts`` reads each block's text, and ``spill`` holds the shingles between the
    passes (memory: a block of text and one part of the shingles at a time). A copy's
    similarity is the containment of the smaller text's shingles in the other (0-1).
    """
    out_schema = {"doc_id": pl.String, "duplicate_of": pl.String, "duplicate_similarity": pl.Float64}
    if documents.is_empty():
        return pl.DataFrame(schema=out_schema)
    docs = _chronological(_with_defaults(documents).unique("doc_id", keep="first", maintain_order=True))
    spill = spill if spill is not None else MemorySpill()
    n_parts = _shingle_partitions(docs.height)
    n_of = _shingle_parts(docs, texts, spill, n_parts)
    # Each part: its rows sorted by shingle, then by document, and only documents with enough
    # shingles to be a copy. Star links are counted per part (a shingle is in one part), set
    # aside by pair, and summed one set of pairs at a time. Parts are worked by ``threaded``
    # (numpy and Polars release the GIL); the spill is only touched from this thread.
    def parts(prefix: str) -> Iterator[tuple[int, pl.DataFrame]]:
        for p in range(n_parts):
            rows = spill.take(f"{prefix}/{p}")
            if rows is not None:
                yield p, rows

    def stars(item: tuple[int, pl.DataFrame]) -> tuple[int, pl.DataFrame, dict[Any, pl.DataFrame]]:
        p, rows = item
        rows = rows.sort("sh", "idx")
        rows = rows.filter(pl.Series(n_of[rows["idx"].to_numpy()] >= COPY_MIN_SHINGLES))
        star = _star_counts(rows["idx"].to_numpy(), rows["sh"].to_numpy())
        key = star["key"].to_numpy()
        by_pair = ((key >> np.uint64(32)) + (key & np.uint64(0xFFFFFFFF))) % np.uint64(n_parts)
        return p, rows, star.with_columns(pl.Series("q", by_pair)).partition_by("q", as_dict=True)

    for p, rows, by_q in threaded(stars, parts("shingles")):
        spill.put(f"sorted/{p}", rows)
        for (q,), piece in by_q.items():
            spill.put(f"stars/{q}", piece.drop("q"))
        del rows, by_q
    found = [np.zeros(0, dtype=np.uint64)]
    for q in range(n_parts):
        links = spill.take(f"stars/{q}")
        if links is not None:
            found.append(links.group_by("key").agg(pl.col("star").sum())
                         .filter(pl.col("star") >= CANDIDATE_MIN_SHARED)["key"].to_numpy())
        del links
    pairs = np.sort(np.concatenate(found))
    del found
    # Pair-length arrays are int32 (documents and counts fit): 5.4 million candidate pairs at
    # 400,000 articles, each int64 array 43 MB, about fifteen of them held through the counts
    # (here and in each counting thread).
    n_pairs = len(pairs)
    a = (pairs >> np.uint64(32)).astype(np.int32)
    b = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int32)
    del pairs
    # Each pair's smaller document (by shingles) is looked up in the other's bitmap; the
    # pairs are sorted by the other document once for all the parts.
    swap = n_of[b] < n_of[a]
    q_doc = np.where(swap, b, a)
    other = np.where(swap, a, b)
    del swap
    by_other = np.argsort(other, kind="stable").astype(np.int32)
    q_doc, other = q_doc[by_other], other[by_other]
    counted = np.zeros(n_pairs, dtype=np.int32)

    def counts(item: tuple[int, pl.DataFrame], q: np.ndarray = q_doc, o: np.ndarray = other) -> tuple[np.ndarray, np.ndarray]:
        return _pair_intersections(item[1]["idx"].to_numpy(), item[1]["sh"].to_numpy(), q, o, len(n_of))

    for sel, part in threaded(counts, parts("sorted")):
        counted[sel] += part
        del sel, part
    del counts, q_doc, other
    inter = np.empty(n_pairs, dtype=np.int32)
    inter[by_other] = counted
    del by_other, counted
    keep = inter > 0
    shared = pl.DataFrame({"idx": a[keep], "holder": b[keep], "inter": inter[keep]}).cast(
        {"idx": pl.UInt32, "holder": pl.UInt32, "inter": pl.UInt32})
    held = np.flatnonzero(n_of)
    sizes = pl.DataFrame({"idx": held.astype(np.uint32), "n": n_of[held].astype(np.uint32)})
    copies = (
        shared.join(sizes, on="idx")
        .join(sizes.rename({"idx": "holder", "n": "n_holder"}), on="holder")
        .with_columns(
            (pl.col("inter") / pl.min_horizontal("n", "n_holder")).alias("containment"),
        )
        .with_columns(
            ((pl.col("containment") >= COPY_MIN_CONTAINMENT) & (pl.col("inter") >= COPY_MIN_SHARED)).alias("strong"),
            ((pl.col("containment") >= LONG_COPY_MIN_CONTAINMENT) & (pl.col("inter") >= LONG_COPY_MIN_SHARED)).alias("long"),
        )
        .filter(pl.col("strong") | pl.col("long"))
        # A document that copies most of one text and a passage of another copies the first.
        .sort(["idx", "strong", "holder"], descending=[False, True, False])
        .group_by("idx", maintain_order=True)
        .first()
        .join(docs.select(pl.col("idx").alias("holder"), pl.col("doc_id").alias("duplicate_of")), on="holder")
        .select("idx", "duplicate_of", pl.col("containment").clip(0.0, 1.0).alias("duplicate_similarity"))
    )
    result = docs.select("idx", "doc_id").join(copies, on="idx", how="left")
    order = _with_defaults(documents).select("doc_id").unique(keep="first", maintain_order=True)
    return order.join(result.drop("idx"), on="doc_id", how="left").select(
        pl.col("doc_id"), pl.col("duplicate_of").cast(pl.String), pl.col("duplicate_similarity").cast(pl.Float64)
    )


# ------------------------------------------------------------------------------------------
# stories
# ------------------------------------------------------------------------------------------
def _block_tf(docs: pl.DataFrame) -> pl.DataFrame:
    """Weighted term counts of a few documents (idx, title, subtitle, text): columns idx, term, tf.

    Each word counts ``field weight / (1 + position / POSITION_DECAY_WORDS)``, its position
    taken within its field (title, subtitle, lead of the body); a word pair counts
    ``BIGRAM_WEIGHT`` times its first word (see ``_terms``).
    """
    # The whole match, not a capture group: the regex engine finds a match without its slow
    # capture pass (leading white space, which \s and strip_chars agree on, is taken off after).
    lead = (
        pl.col("text").fill_null("")
        .str.extract(r"^\s*(?:\S+\s+){0," + str(LEAD_WORDS - 1) + r"}\S*", 0)
        .str.strip_chars_start()
    )
    fields = [(pl.col("title"), TITLE_WEIGHT), (pl.col("subtitle"), SUBTITLE_WEIGHT), (lead, 1.0)]
    parts = []
    for k, (field, weight) in enumerate(fields):
        tokens = _normalised(field)
        for pattern, repl, _why in STEM_FOLDS:
            tokens = tokens.str.replace_all(pattern, repl)
        parts.append(docs.select(
            "idx", pl.lit(k, pl.UInt8).alias("field"), pl.lit(weight).alias("fw"), tokens.str.split(" ").alias("term"),
        ))
    words = (
        pl.concat(parts)
        .explode("term")
        .filter(pl.col("term").is_not_null() & (pl.col("term") != ""))
    )
    # The words of one field of one document are consecutive rows (the explode of one list),
    # so a word's position and its successor in the field come from run starts, not windows.
    run_idx = words["idx"].to_numpy()
    run_field = words["field"].to_numpy()
    n_words = len(run_idx)
    new_run = np.ones(n_words, dtype=bool)
    new_run[1:] = (run_idx[1:] != run_idx[:-1]) | (run_field[1:] != run_field[:-1])
    run_start = np.flatnonzero(new_run)
    pos = np.arange(n_words, dtype=np.int64) - np.repeat(run_start, np.diff(np.append(run_start, n_words)))
    next_in_field = np.zeros(n_words, dtype=bool)
    next_in_field[:-1] = ~new_run[1:]
    del run_idx, run_field, new_run, run_start
    words = (
        words.with_columns(pl.Series("pos", pos, dtype=pl.Int64))
        .with_columns(
            (pl.col("fw") / (1.0 + pl.col("pos") / POSITION_DECAY_WORDS)).alias("fw"),
            (
                (pl.col("term").str.len_chars() >= 2)
                & ~pl.col("term").is_in(list(STOPWORDS))
                & pl.col("term").str.contains(r"^[\p{L}\p{N}]")
            ).alias("keep"),
        )
    )
    pairs = words.with_columns(
        pl.col("term").shift(-1).alias("next"),
        (pl.col("keep").shift(-1).fill_null(False) & pl.Series(next_in_field)).alias("keep_next"),
    ).filter(pl.col("keep") & pl.col("keep_next")).select(
        "idx", pl.concat_str(["term", "next"], separator=" ").alias("term"), (pl.col("fw") * BIGRAM_WEIGHT).alias("fw")
    )
    tf = (
        pl.concat([words.filter("keep").select("idx", "term", "fw"), *([pairs] if BIGRAM_WEIGHT > 0 else [])])
        .group_by("idx", "term")
        .agg(pl.col("fw").sum().alias("tf"))
    )
    return tf


def _summed_by_key(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys of ``parts`` (pairs of key and count arrays), sorted, and each key's
    summed count (as uint32).

    A sort, not a hash group-by: on the 4.1 million terms of 100,000 articles Polars'
    group-by took about 640 MB more than its input at its peak, the sort about 120 MB, in
    the same time (it was the peak of stories' term pass).
    """
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    order = np.argsort(keys)
    keys, counts = keys[order], counts[order]
    del order
    if len(keys) == 0:
        return keys, counts.astype(np.uint32)
    _new, start, _size = _shingle_starts(keys)  # the runs of equal keys
    return keys[start], np.add.reduceat(counts, start).astype(np.uint32)


def _merged_counts(keys: np.ndarray, counts: np.ndarray, new_keys: np.ndarray,
                   new_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two (sorted distinct keys, counts) tables as one: ``_summed_by_key`` of both.

    The counts of keys already in the table are added in place (``counts`` is updated); the
    new keys are inserted where they sort. Sorting the whole table again for every few
    blocks took the term pass to 1.1 GB at 200,000 articles (the table, its concatenation
    with the new blocks, the sort's order and the sorted copies); this holds the table and
    its one new copy.
    """
    if len(new_keys) == 0:
        return keys, counts
    at = np.searchsorted(keys, new_keys)
    found = at < len(keys)
    found[found] = keys[at[found]] == new_keys[found]
    counts[at[found]] += new_counts[found]
    new = ~found
    return np.insert(keys, at[new], new_keys[new]), np.insert(counts, at[new], new_counts[new])


class _TermVectors(NamedTuple):
    """Documents' weighted term vectors (``_terms``), rows grouped by document in idx order.

    Document ``idx`` holds rows ``off[idx]:off[idx] + cnt[idx]`` of ``tid`` and ``w``, in its
    own order (weight descending, ties by term). ``post`` holds the proposing rows: idx
    (UInt32) and tid (Int32).
    """

    cnt: np.ndarray  # int64, rows per document idx
    off: np.ndarray  # int64, len(cnt) + 1: where each document's rows begin
    tid: np.ndarray  # int32
    w: np.ndarray    # float32 (see _terms)
    post: pl.DataFrame


def _terms(docs: pl.DataFrame, texts: Texts | None = None, spill: Spill | None = None) -> _TermVectors:
    """Weighted, L2-normalised TF-IDF term vectors per document (``_TermVectors``).

    ``docs`` holds idx and doc_id, and title, subtitle and text unless ``texts`` reads them.
    Each word counts ``field weight / (1 + position / POSITION_DECAY_WORDS)``, its position
    taken within its field (title, subtitle, lead of the body); a word pair counts
    ``BIGRAM_WEIGHT`` times its first word. Summed counts c become ``c`` below 1 and
    ``1 + ln c`` above (sublinear), times ``ln((N + 1) / (df + 1)) + 1``; a document keeps
    its ``MAX_TERMS`` heaviest terms (ties by term), normalised over those, and the rows of
    terms held by one document only are then dropped (they can match nothing). Terms are
    counted and matched by their 64-bit hash (a collision between two of a warehouse's terms
    is vanishingly unlikely); ``tid`` numbers the terms held by two documents or more in hash
    order (0, 1, ...: dense over those, whether or not a document kept them); ``post``
    holds the ``CANDIDATE_TERMS`` heaviest terms held by at most ``CANDIDATE_MAX_DF``
    documents, which propose pairs (``_similarities``).

    Three passes over blocks of documents: term counts per block (set aside in ``spill``) and
    document frequencies; weights (set aside again); then each block's rows written into
    their place in the vectors, which are allocated once their size is known. Only a
    block's words, the (hash, df) table and the vectors are held at once: the weighted rows
    of the whole warehouse are never held twice, as a frame and sorted by document (at
    200,000 articles the frame was 272 MB, and sorting it took the phase 550 MB above it).
    """
    spill = spill if spill is not None else MemorySpill()
    fields = ("title", "subtitle", "text")
    own = [c for c in fields if texts is None]
    # Document frequencies as (sorted term hashes, counts): a few blocks' counts summed, then
    # merged into the table of the blocks before.
    df_h, df_n = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32)
    df_parts: list[tuple[np.ndarray, np.ndarray]] = []
    n_blocks = 0

    def counted(block: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        tf = _block_tf(block).with_columns(pl.col("term").hash(seed=_HASH_SEED).alias("h"))
        return tf, tf.group_by("h").len("df")

    for tf, block_df in threaded(counted, _text_blocks(docs.select("idx", "doc_id", *own), texts, fields)):
        df_parts.append((block_df["h"].to_numpy(), block_df["df"].to_numpy()))
        if len(df_parts) >= 8:
            df_h, df_n = _merged_counts(df_h, df_n, *_summed_by_key(df_parts))
            df_parts = []
        spill.put(f"tf/{n_blocks}", tf)
        n_blocks += 1
    n_idx = int(docs["idx"].to_numpy().max()) + 1 if docs.height else 0
    if df_parts:
        df_h, df_n = _merged_counts(df_h, df_n, *_summed_by_key(df_parts))
    del df_parts
    cnt = np.zeros(n_idx, dtype=np.int64)
    post_schema = {"idx": pl.UInt32, "tid": pl.Int32}
    if not n_blocks:
        return _TermVectors(cnt, np.zeros(n_idx + 1, dtype=np.int64), np.zeros(0, dtype=np.int32),
                            np.zeros(0, dtype=np.float32), pl.DataFrame(schema=post_schema))
    n_docs = docs.height
    # The id of each term held by two documents or more (the only ones kept), in hash order:
    # read here with the frequency, it spares _similarities ranking every row's hash.
    shared_id = np.cumsum(df_n > 1, dtype=np.int32)
    shared_id -= 1

    def weighted(counts: pl.DataFrame | None) -> pl.DataFrame | None:
        if counts is None or counts.is_empty():
            return None
        # The block's terms looked up in sorted order: the binary searches then walk the df
        # table (millions of terms) front to back instead of at random, about 10x faster.
        hs = counts["h"].to_numpy()
        order = np.argsort(hs)
        at = np.searchsorted(df_h, hs[order])
        dfs = np.empty(len(hs), dtype=df_n.dtype)
        dfs[order] = df_n[at]
        tids = np.empty(len(hs), dtype=np.int32)
        tids[order] = shared_id[at]
        del at
        w = (
            counts.with_columns(pl.Series("df", dfs).cast(pl.UInt32), pl.Series("tid", tids))
            .with_columns(
                (
                    pl.when(pl.col("tf") < 1.0).then(pl.col("tf")).otherwise(1.0 + pl.col("tf").log())
                    * (((n_docs + 1) / (pl.col("df") + 1)).log() + 1.0)
                ).alias("w")
            )
            .sort(["idx", "w", "term"], descending=[False, True, False])
            .group_by("idx", maintain_order=True)
            .head(MAX_TERMS)
        )
        norm = w.group_by("idx").agg((pl.col("w") ** 2).sum().sqrt().alias("norm"))
        w = (w.join(norm, on="idx", maintain_order="left").with_columns((pl.col("w") / pl.col("norm")).alias("w"))
             .with_row_index("row"))
        # The proposing terms: the heaviest rare ones by normalised weight, ties by term.
        rare = pl.col("df") <= CANDIDATE_MAX_DF
        propose = (
            w.filter(rare)
            .sort(["idx", "w", "term"], descending=[False, True, False])
            .group_by("idx", maintain_order=True)
            .head(CANDIDATE_TERMS)["row"]
        )
        # A term of one document cannot be shared, so it adds to no cosine and proposes no
        # pair: it counted in its document's norm (above) and goes here (memory).
        return w.select(
            pl.col("idx").cast(pl.UInt32), "tid", "w", "df", pl.col("row").is_in(propose.implode()).alias("propose"),
        ).filter(pl.col("df") > 1)

    # Blocks are taken from the spill in this thread, as the threads free up; their weighted
    # rows go back to the spill, counted per document.
    posts: list[pl.DataFrame] = []
    n_weighted = 0
    for w in threaded(weighted, (spill.take(f"tf/{b}") for b in range(n_blocks))):
        if w is None or w.is_empty():
            continue
        cnt += np.bincount(w["idx"].to_numpy(), minlength=n_idx)
        posts.append(w.filter("propose").select("idx", "tid"))
        spill.put(f"w/{n_weighted}", w.select("idx", "tid", "w"))
        n_weighted += 1
    # The weighting is done: the (hash, df) table goes before the vectors are allocated.
    df_h, df_n, shared_id = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int32)
    off = np.zeros(n_idx + 1, dtype=np.int64)
    np.cumsum(cnt, out=off[1:])
    v_tid = np.empty(int(off[-1]), dtype=np.int32)
    # Weights are kept as float32, 4 bytes a row instead of 8 (stories alone at 400,000 bench
    # articles: 884 -> 785 MB when the vectors are done). Products and sums stay float64
    # (_similarities), so a cosine moves by about 1e-7 of itself: the same stories at
    # 100,000, 200,000 and 400,000 bench articles.
    v_w = np.empty(int(off[-1]), dtype=np.float32)
    for b in range(n_weighted):
        rows = spill.take(f"w/{b}")
        assert rows is not None
        # A block holds each of its documents' rows together, in idx order (its sort): a
        # row goes to its document's place, plus its rank among the document's rows.
        idx = rows["idx"].to_numpy()
        at = off[idx] + (np.arange(len(idx)) - np.searchsorted(idx, idx, side="left"))
        v_tid[at] = rows["tid"].to_numpy()
        v_w[at] = rows["w"].to_numpy()
        del rows, idx, at
    post = pl.concat(posts) if posts else pl.DataFrame(schema=post_schema)
    return _TermVectors(cnt, off, v_tid, v_w, post)


def _by_term(post: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The proposing rows (idx, tid) grouped by term: each row's document (uint32), in term
    order, and the number of rows of each term present (in that order)."""
    tid = post["tid"].to_numpy()
    order = np.argsort(tid, kind="stable")
    by_term = tid[order]
    idx = post["idx"].to_numpy()[order].astype(np.uint32, copy=False)
    del order
    _new, _starts, counts = _shingle_starts(by_term)
    return idx, counts.astype(np.int64)


def _candidates(idx: np.ndarray, counts: np.ndarray, day: np.ndarray) -> pl.DataFrame:
    """Pairs of documents that share a proposing term within the window: columns i < j, gap (days).

    ``idx`` holds the proposing rows' documents grouped by term, ``counts`` each term's rows
    (``_by_term``); ``day`` is each document's day (by idx; NaN when undated). Two dated
    documents of a term pair when their time buckets (``WINDOW_DAYS`` wide) are equal or
    consecutive and they are at most ``WINDOW_DAYS`` apart (gap: the days between them); an
    undated one pairs with every other document of the term (gap 0). Pairs only form within
    a term, so the terms are taken in blocks of about ``_CANDIDATE_BLOCK_ROWS`` (document x
    document) rows, each block's pairs listed in numpy: its arrays go back to the system when
    freed, where the joins this replaces left about 250 MB of freed pages in Polars'
    allocator at 200,000 articles (they return after half a second), the stories phase's
    peak. Dates and buckets are read per document, so what is held for every proposing row
    is its document (4 bytes): with the rows' bucket and day (and an int64 order and
    document), this step was the stories phase's peak at 400,000 articles (docs/scaling.md).
    """
    out_schema = {"i": pl.UInt32, "j": pl.UInt32, "gap": pl.Float64}
    dated_of = ~np.isnan(day)
    day_of = np.where(dated_of, day, 0.0)
    bucket_of = np.floor(day_of / WINDOW_DAYS).astype(np.int64)
    starts = np.cumsum(counts) - counts
    # Only the pairs' keys are kept (distinct per block, merged every few blocks): a pair's
    # gap depends on its two documents only, so it is read once at the end. The blocks' keys
    # and gaps, joined whole and made distinct with np.unique, were the stories phase's peak
    # at 400,000 articles.
    keys: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    held = 0
    for lo_t, hi_t in blocks(counts * counts, _CANDIDATE_BLOCK_ROWS):
        c, s = counts[lo_t:hi_t], starts[lo_t:hi_t]
        # Every ordered pair (p, q) of rows within each term of the block, p == q included.
        per_row = np.repeat(c, c)  # each row pairs with every row of its term
        p = np.repeat(np.arange(s[0], s[-1] + c[-1], dtype=np.int64), per_row)
        q = ragged(np.repeat(s, c), per_row)
        del per_row
        ip, iq = idx[p].astype(np.int64), idx[q].astype(np.int64)
        del p, q
        dp, dq = dated_of[ip], dated_of[iq]
        bp, bq = bucket_of[ip], bucket_of[iq]
        both = dp & dq
        # Dated pairs: same bucket (once, i < j) or the next one; an undated p: every q but
        # itself (two undated ones once). A dated p with an undated q is the q's row's pair.
        keep = np.where(both, ((bq == bp) & (ip < iq)) | (bq == bp + 1), ~dp & (dq | (ip < iq)))
        keep &= ~both | (np.abs(day_of[ip] - day_of[iq]) <= WINDOW_DAYS)
        del bp, bq, dp, dq, both
        key = np.minimum(ip, iq)[keep]
        key <<= 32
        key += np.maximum(ip, iq)[keep]
        del ip, iq, keep
        keys.append(distinct(key))
        held += len(keys[-1])
        del key
        if held > 4 * _CANDIDATE_BLOCK_ROWS and len(keys) > 2:
            keys = [distinct(np.concatenate(keys))]
            held = len(keys[0])
    key = distinct(np.concatenate(keys))
    del keys
    i, j = (key >> 32).astype(np.uint32), (key & 0xFFFFFFFF).astype(np.uint32)
    del key
    gap = np.where(dated_of[i] & dated_of[j], np.abs(day_of[i] - day_of[j]), 0.0)
    return pl.DataFrame({"i": i, "j": j, "gap": gap}, schema=out_schema)


def _sum_products(pending: list[tuple[np.ndarray, np.ndarray]], rows: int, out: list[pl.DataFrame]) -> int:
    """Sum the products of the first pieces of ``pending`` (at least ``rows``) per pair, into ``out``.

    Takes the pieces off ``pending`` and returns how many products they held. A pair's
    products are all in one piece, in the order of i's terms. Polars' float sum depends on
    the frame: a frame of a few thousand rows sums in another order than a large one, so
    ``_similarities`` keeps at least ``rows`` pending after a flush, and the last frame is
    never small unless the whole input is (then it is the frame the plain join would sum).
    """
    taken, n = 0, 0
    while n < len(pending) and taken < rows:
        taken += len(pending[n][0])
        n += 1
    if n == 0:
        return 0
    pieces = pending[:n]
    del pending[:n]
    out.append(
        pl.DataFrame({"pair": np.concatenate([p for p, _ in pieces]), "prod": np.concatenate([x for _, x in pieces])})
        .group_by("pair")
        .agg(pl.col("prod").sum().alias("dot"))
    )
    return taken


def _similarities(terms: _TermVectors, when: pl.DataFrame) -> pl.DataFrame:
    """Time-decayed cosine between documents that share a rare term within the window: i < j, sim.

    Blocking: only a document's ``CANDIDATE_TERMS`` heaviest terms held by at most
    ``CANDIDATE_MAX_DF`` documents propose pairs (``terms.post``), and only pairs within
    ``WINDOW_DAYS`` (time buckets of that width, joined with the next bucket); the cosine of
    a proposed pair is then computed over all its terms.

    The work on pairs is bounded by a block: pairs are proposed a block of terms at a time,
    and each cosine is read from a dense row of a few documents' weights (documents j) for
    every term of document i, a block of pairs at a time; the products are summed in the
    order of i's terms, as a join of the pair with i's terms and then j's would. The term
    vectors and the candidate pairs themselves are held whole.
    """
    out_schema = {"i": pl.UInt32, "j": pl.UInt32, "sim": pl.Float64}
    # Integer term keys (as the hashed join they replace: equal hashes match): _terms' 32-bit
    # tid. Ranking the 64-bit hashes here (11.9 million rows at 200,000 articles) took this
    # step to 669 MB above the terms.
    post_idx, post_counts = _by_term(terms.post)
    cnt, off, v_tid, v_w = terms.cnt, terms.off, terms.tid, terms.w
    del terms  # the caller keeps no reference (assign_stories): the proposing rows go here
    if len(post_idx) == 0:
        return pl.DataFrame(schema=out_schema)
    day = np.full(len(cnt), np.nan)
    day[when["idx"].to_numpy()] = when["day"].fill_null(float("nan")).to_numpy()
    cand = _candidates(post_idx, post_counts, day).sort("j", "i")
    del post_idx, post_counts
    if cand.is_empty() or len(v_tid) == 0:
        return pl.DataFrame(schema=out_schema)
    n_terms = int(v_tid.max()) + 1
    ci = cand["i"].to_numpy().astype(np.int64)
    cj = cand["j"].to_numpy().astype(np.int64)
    gaps = cand["gap"].to_numpy()
    del cand
    rows_j = max(1, _BLOCK_ROWS // n_terms)  # documents j whose dense weight rows are held at once
    dense = np.zeros((rows_j, n_terms))
    flat = dense.reshape(-1)  # a view: dense[r, t] is flat[r * n_terms + t]
    out: list[pl.DataFrame] = []
    # Pieces of at most flush_rows products; a flush takes at least flush_rows (under twice that)
    # when 3 * flush_rows are pending, so more than flush_rows stay for the last frame.
    flush_rows = _BLOCK_ROWS // 2
    pending: list[tuple[np.ndarray, np.ndarray]] = []
    n_pending = 0
    lo = 0
    while lo < len(ci):
        j0 = int(cj[lo])
        end = int(np.searchsorted(cj, j0 + rows_j, side="left"))
        j_hi = min(j0 + rows_j, len(cnt))
        j_rows = slice(off[j0], off[j_hi])
        local = np.repeat(np.arange(j_hi - j0), cnt[j0:j_hi])
        dense[local, v_tid[j_rows]] = v_w[j_rows]
        while lo < end:
            hi, ln, begin, pos = _ragged_block(cnt, off, ci, lo, end, flush_rows)
            wj = flat.take(np.repeat((cj[lo:hi] - j0) * n_terms, ln) + v_tid.take(pos))
            hit = np.flatnonzero(wj > 0.0)  # the term is in j (weights are positive)
            # the pair of each hit: the last run that begins at or before it
            pair = np.searchsorted(begin, hit, side="right") + (lo - 1)
            pending.append((pair, v_w.take(pos.take(hit)).astype(np.float64) * wj.take(hit)))
            del pair
            n_pending += len(hit)
            del pos, wj, hit
            lo = hi
            if n_pending >= 3 * flush_rows:
                n_pending -= _sum_products(pending, flush_rows, out)
        dense[local, v_tid[j_rows]] = 0.0
    # The vectors are read: they go before the last sums and the result are built.
    del dense, flat, v_tid, v_w
    _sum_products(pending, n_pending, out)
    if not out:
        return pl.DataFrame(schema=out_schema)
    dots = pl.concat(out)
    pair = dots["pair"].to_numpy()
    return pl.DataFrame({
        "i": ci[pair], "j": cj[pair], "gap": gaps[pair], "dot": dots["dot"],
    }).select(
        pl.col("i").cast(pl.UInt32), pl.col("j").cast(pl.UInt32),
        (pl.col("dot") / (1.0 + DECAY_STRENGTH * (1.0 + pl.col("gap") / DECAY_DAYS).log())).alias("sim"),
    )


def _pair_sums(n: int, a: np.ndarray, b: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Summed similarity of each pair of clusters linked by the edges a-b (a != b): lo < hi, sum.

    Each sum is taken in edge order from 0.0, as adding the edges one by one would: the
    second edges of all pairs are added at once, then the third ones, and so on, until fewer
    pairs are left than ranks: those are finished one at a time (an accumulate is sequential too).
    """
    lo = np.minimum(a, b)
    hi = np.maximum(a, b)
    if len(s) == 0:
        return lo, hi, s
    order = np.argsort(lo * np.int64(n) + hi, kind="stable")
    lo, hi, s = lo[order], hi[order], s[order]
    new = np.ones(len(s), dtype=bool)
    new[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    first = np.flatnonzero(new)
    size = np.diff(np.append(first, len(s)))
    total = 0.0 + s[first]
    by_size = np.argsort(-size, kind="stable")
    sizes_desc = size[by_size]
    k = 1
    while k < sizes_desc[0]:
        active = by_size[: int(np.searchsorted(-sizes_desc, -k, side="left"))]  # pairs with more than k edges
        if len(active) <= max(8, int(sizes_desc[0]) - k):  # fewer pairs left than ranks
            for g in active.tolist():
                tail = s[first[g] + k: first[g] + size[g]]
                total[g] = np.add.accumulate(np.concatenate(([total[g]], tail)))[-1]
            break
        total[active] = total[active] + s[first[active] + k]
        k += 1
    return lo[first], hi[first], total


def _average_linkage(
    n: int, start: list[int], locked: list[bool], edges: pl.DataFrame, threshold: float
) -> list[int]:
    """Average-linkage clustering over a sparse similarity graph; returns a cluster root per item.

    ``start[i]`` is the initial cluster of item i (items of one existing story share one; a
    cluster's number is its first item's); two clusters that are both ``locked`` never merge.
    Missing edges count as similarity 0.

    The clustering works one part of the graph at a time. Clusters merge only when their
    average similarity reaches ``threshold``, and an average never exceeds the largest
    similarity between the two, so every merge joins clusters linked by an edge at the
    threshold: no cluster ever spans two components of the graph of those edges. The edges
    between components (most of the weak ones) are dropped, and the components are
    clustered in batches of about ``LINK_BATCH_EDGES`` edges (a larger component alone),
    each batch's merges independent of the others'. So the clustering holds one batch's
    neighbour rows and heap at a time: its memory is bounded by the largest component, not
    the warehouse (at 100,000 bench articles, 306,192 of the 922,236 edges were in the
    largest component and 410,197 between components).
    """
    st = np.asarray(start, dtype=np.int64)
    a = st[edges["i"].to_numpy()]
    b = st[edges["j"].to_numpy()]
    s = edges["sim"].to_numpy().astype(np.float64)
    cross = a != b
    a, b, s = a[cross], b[cross], s[cross]
    # The margin keeps every edge a rounded average could reach the threshold through.
    strong = s >= threshold * (1.0 - 1e-9)
    comp = components(n, a[strong], b[strong])
    ca = comp[a]
    inside = ca == comp[b]
    # Stable: a pair's edges stay in their order (its sum, _pair_sums).
    order = np.argsort(ca[inside], kind="stable")
    a, b, s, ca = a[inside][order], b[inside][order], s[inside][order], ca[inside][order]
    del comp, strong, inside, order
    sizes = np.bincount(st, minlength=n)
    lk = np.asarray(locked, dtype=bool)
    parent = list(range(n))
    items = list(range(n))  # one int object per item, shared by the batches' rows
    if len(ca):
        first = np.flatnonzero(np.concatenate(([True], ca[1:] != ca[:-1])))
        per_comp = np.diff(np.append(first, len(ca)))
        bounds = np.append(first, len(ca))
        for c0, c1 in blocks(per_comp, LINK_BATCH_EDGES):
            e0, e1 = int(bounds[c0]), int(bounds[c1])
            _link(n, parent, items, sizes, lk, a[e0:e1], b[e0:e1], s[e0:e1], threshold)
    del a, b, s, ca

    def find(c: int) -> int:
        path = []
        while parent[c] != c:
            path.append(c)
            c = parent[c]
        for p in path:
            parent[p] = c
        return c

    root = {c: find(c) for c in set(start)}
    return [root[start[i]] for i in range(n)]


def _link(n: int, parent: list[int], items: list[int], sizes: np.ndarray, lk: np.ndarray,
          ea: np.ndarray, eb: np.ndarray, es: np.ndarray, threshold: float) -> None:
    """Average-linkage merges among the clusters of the edges ea-eb of similarity es (start
    clusters, ea != eb), recorded in ``parent``; ``sizes`` and ``lk`` give each start
    cluster's size and lock.

    The heap holds at most one live entry per pair (stale ones are skipped), so after a merge
    only the pairs whose average may have reached the threshold are scored again: those whose
    sum changed (neighbours of the absorbed cluster) and those already above it (``hot``).
    """
    lo, hi, total = _pair_sums(n, ea, eb, es)
    if not len(total):
        return
    present = np.unique(np.concatenate((lo, hi))).tolist()
    size: dict[int, int] = dict(zip(present, sizes[present].tolist(), strict=True))
    lock: dict[int, bool] = dict(zip(present, lk[present].tolist(), strict=True))
    version = dict.fromkeys(present, 0)
    # Symmetric rows of summed similarity: nbr[a][b] == nbr[b][a].
    # The rows share their Python objects: one int per item (keys) and one float per pair
    # (both directions), not one of each per entry: at 200,000 articles (3.6 million entries)
    # separate objects were about 140 MB of the clustering's heap.
    nbr: dict[int, dict[int, float]] = {}
    sums = total.tolist()
    src = np.concatenate((lo, hi))
    order = np.argsort(src, kind="stable")
    src = src[order]
    dst = list(map(items.__getitem__, np.concatenate((hi, lo))[order].tolist()))
    val = list(map((sums + sums).__getitem__, order.tolist()))
    del sums
    bounds = [0, *(np.flatnonzero(np.diff(src)) + 1).tolist(), len(src)]
    for b0, b1 in pairwise(bounds):
        nbr[int(src[b0])] = dict(zip(dst[b0:b1], val[b0:b1], strict=True))
    del src, dst, val, order
    heap: list[tuple[float, int, int, int, int]] = []
    hot: dict[int, set[int]] = {c: set() for c in present}  # pairs with a live heap entry
    avg0 = total / (sizes[lo] * sizes[hi]).astype(np.float64)
    keep = (avg0 >= threshold) & ~(lk[lo] & lk[hi])
    for neg, x, y in zip((-avg0[keep]).tolist(), lo[keep].tolist(), hi[keep].tolist(), strict=True):
        heap.append((neg, x, y, 0, 0))
        hot[x].add(y)
        hot[y].add(x)
    heapq.heapify(heap)
    del lo, hi, total, avg0, keep
    while heap:
        _neg, a, b, va, vb = heapq.heappop(heap)
        if a not in size or b not in size or version[a] != va or version[b] != vb:
            continue
        if len(nbr[a]) < len(nbr[b]):
            a, b = b, a
        size[a] += size.pop(b)
        lock[a] = lock[a] or lock.pop(b)
        version[a] += 1
        del version[b]
        parent[b] = a
        na = nbr[a]
        nb = nbr.pop(b)
        del na[b], nb[a]
        old_hot = hot[a]
        for c in hot.pop(b):
            hot[c].discard(b)
        for c in old_hot:
            hot[c].discard(a)
        new_hot: set[int] = set()
        hot[a] = new_hot
        la, sa, va = lock[a], size[a], version[a]
        # A sum below this cannot reach the threshold whatever the other size (at least 1):
        # the margin covers the rounding, so the exact test below decides every closer case.
        low = threshold * sa * (1.0 - 1e-9)
        for c, s in nb.items():
            v = na.get(c, 0.0) + s
            na[c] = v
            row = nbr[c]
            del row[b]
            row[a] = v
            if v < low or (la and lock[c]):
                continue
            avg = v / (sa * size[c])
            if avg >= threshold:
                heapq.heappush(heap, (-avg, a, c, va, version[c]))
                new_hot.add(c)
                hot[c].add(a)
        # A pair b did not touch kept its sum while a grew, so its average fell: only one
        # that was above the threshold can still be.
        for c in old_hot:
            if c == b or c in nb or (la and lock[c]):
                continue
            avg = na[c] / (sa * size[c])
            if avg >= threshold:
                heapq.heappush(heap, (-avg, a, c, va, version[c]))
                new_hot.add(c)
                hot[c].add(a)


def _resolve_originals(docs: pl.DataFrame) -> dict[int, int]:
    """Map each copy's idx to the idx of the non-copy at the end of its duplicate_of chain."""
    idx_of = dict(zip(docs["doc_id"].to_list(), docs["idx"].to_list(), strict=True))
    link: dict[int, int] = {}
    for i, dup in zip(docs["idx"].to_list(), docs["duplicate_of"].to_list(), strict=True):
        if dup is not None and dup in idx_of and idx_of[dup] != i:
            link[i] = idx_of[dup]
    resolved: dict[int, int] = {}
    for i in link:
        seen = {i}
        j = link[i]
        while j in link and link[j] not in seen:
            seen.add(j)
            j = link[j]
        resolved[i] = j
    return resolved


def assign_stories(documents: pl.DataFrame, texts: Texts | None = None, spill: Spill | None = None) -> pl.DataFrame:
    """One row per document: doc_id, story_id.

    Documents that already have a story_id keep it. New documents join an existing story
    or form new ones; a new story's id is the doc_id of its earliest document. Without
    title, subtitle and text columns, ``texts`` reads them a block at a time (``_terms``).
    """
    out_schema = {"doc_id": pl.String, "story_id": pl.String}
    if documents.is_empty():
        return pl.DataFrame(schema=out_schema)
    docs = _chronological(_with_defaults(documents).unique("doc_id", keep="first", maintain_order=True))
    n = docs.height
    doc_ids: list[str] = docs["doc_id"].to_list()
    existing: list[str | None] = docs["story_id"].to_list()
    original = _resolve_originals(docs)

    # Items clustered: every document except new copies (they follow their original).
    is_new_copy = [existing[i] is None and i in original for i in range(n)]
    story_start: dict[str, int] = {}
    start = list(range(n))
    for i in range(n):
        sid = existing[i]
        if sid is not None:
            start[i] = story_start.setdefault(sid, i)
    locked = [existing[i] is not None for i in range(n)]

    active = docs.filter(~pl.Series(is_new_copy))
    when = active.select(
        "idx",
        (pl.col("published_at").dt.epoch("s") / 86400.0).alias("day"),
    ).with_columns((pl.col("day") / WINDOW_DAYS).floor().cast(pl.Int64).alias("bucket"))
    # No name holds the terms here: _similarities lets them go once it has its arrays (memory).
    edges = _similarities(_terms(active, texts, spill), when).filter(pl.col("sim") > 0).select(
        pl.col("i").cast(pl.Int64), pl.col("j").cast(pl.Int64), pl.col("sim")
    )
    # Copies are not clustered: give them their own (isolated) start so they never link.
    # The clustering makes a dict and a set per document and a tuple per candidate pair, none
    # in a cycle: with the collector on, two full collections walked the flow's whole heap
    # (0.66 s at 100,000 articles, gc.callbacks in the run).
    with collector_paused():
        roots = _average_linkage(n, start, locked, edges, MERGE_THRESHOLD)

    members: dict[int, list[int]] = {}
    for i in range(n):
        if not is_new_copy[i]:
            members.setdefault(roots[i], []).append(i)
    for i in range(n):
        if is_new_copy[i]:
            members.setdefault(roots[original[i]], []).append(i)
            roots[i] = roots[original[i]]
    story_of_root: dict[int, str] = {}
    for r, items in members.items():
        ids = sorted({sid for i in items if (sid := existing[i]) is not None})
        # Never more than one: locked clusters do not merge.
        story_of_root[r] = ids[0] if ids else doc_ids[min(items)]
    story = [existing[i] if existing[i] is not None else story_of_root[roots[i]] for i in range(n)]
    result = pl.DataFrame({"doc_id": doc_ids, "story_id": story}, schema=out_schema)
    order = _with_defaults(documents).select("doc_id").unique(keep="first", maintain_order=True)
    return order.join(result, on="doc_id", how="left")


def _top_terms_label(texts: list[str], n_terms: int = 6) -> str | None:
    """A short phrase for an untitled story: the words most of its documents share, lead first."""
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String}).with_row_index("d")
    words = (
        frame.select("d", _normalised(pl.col("t")).str.split(" ").alias("w"))
        .explode("w")
        .with_columns(pl.int_range(pl.len()).over("d").alias("pos"))
        .filter((pl.col("w").str.len_chars() >= 3) & ~pl.col("w").is_in(list(STOPWORDS)))
        .group_by("w")
        .agg(pl.col("d").n_unique().alias("n"), pl.col("pos").min().alias("pos"))
        .sort(["n", "pos", "w"], descending=[True, False, False])
        .head(n_terms)
        .sort("pos", "w")
    )
    return " ".join(words["w"].to_list()) or None


def stories(documents: pl.DataFrame, texts: Texts | None = None) -> pl.DataFrame:
    """One row per story.

    Input: documents with story_id, title, outlet, published_at, duplicate_of (subtitle and
    text are used for the label of a story none of whose documents has a title; without
    those columns, ``texts`` reads them for those documents only). Documents without a
    story_id are ignored.
    """
    if documents.is_empty() or "story_id" not in documents.columns:
        return schema.empty("stories")
    docs = _with_defaults(documents).filter(pl.col("story_id").is_not_null())
    if docs.is_empty():
        return schema.empty("stories")
    titled = (
        docs.filter(pl.col("title").str.strip_chars().str.len_chars() > 0)
        .sort(["published_at", "doc_id"], nulls_last=True)
        .group_by("story_id", maintain_order=True)
        .agg(pl.col("title").first().str.strip_chars().alias("label"))
    )
    agg = docs.group_by("story_id").agg(
        pl.len().cast(pl.Int64).alias("n_documents"),
        pl.col("outlet").drop_nulls().n_unique().cast(pl.Int64).alias("n_outlets"),
        pl.col("duplicate_of").is_null().sum().cast(pl.Int64).alias("n_independent"),
        pl.col("published_at").min().alias("first_published_at"),
        pl.col("published_at").max().alias("last_published_at"),
    )
    out = agg.join(titled, on="story_id", how="left")
    missing = out.filter(pl.col("label").is_null())["story_id"].to_list()
    if missing:
        untitled = docs.filter(pl.col("story_id").is_in(missing))
        if texts is not None and not {"subtitle", "text"} <= set(documents.columns):
            read = [block.with_columns(pl.col("text").str.slice(0, 2000))  # what the label reads
                    for block in _text_blocks(untitled, texts, ("subtitle", "text"))]
            untitled = pl.concat(read) if read else untitled
        label_text = untitled.select(
            "story_id",
            pl.concat_str(
                [pl.col("subtitle").fill_null(""), pl.col("text").fill_null("").str.slice(0, 2000)], separator=" "
            ).alias("t"),
        )
        labels = {
            sid: _top_terms_label(group["t"].to_list()) or f"story {sid}"
            for (sid,), group in label_text.group_by("story_id")
        }
        out = out.with_columns(
            pl.col("label").fill_null(pl.col("story_id").replace_strict(labels, default=None, return_dtype=pl.String))
        )
    return schema.conform(out.sort("first_published_at", "story_id", nulls_last=True), "stories")
