"""The ``ingest`` flow: files -> records -> parsed frames -> staged warehouse -> GX -> swap.

Orchestration only: the logic lives in ``transforms/`` (pure), ``warehouse/`` (database)
and ``expectations/`` (validation). See ``warehouse/db.py`` for why a run writes a private
stage and swaps it in.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import json
import logging
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import duckdb
import numpy as np
import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.utilities.annotations import quote

from flows import alerts as alerting
from flows.extract import (
    FileEntry,
    LedgerRow,
    ReadResult,
    discover,
    is_unchanged,
    keep_copy,
    read_files,
)
from flows.settings import PROJECT_ROOT, Settings, get_settings
from flows.workers import FrameWorkers, WorkerCrashed, WorkerPool
from transforms import schema
from transforms.collector import collector_paused
from warehouse import db, spill

if TYPE_CHECKING:
    from transforms.pipeline import ParsedBatch

# The transforms are imported where they run: a run over an unchanged folder needs none of
# them, and their import (regex tables) is a tenth of its time.

log = logging.getLogger("newsledger")
T = TypeVar("T")

# Set by the CLI to show progress: called with (files done, files to parse) after each batch.
progress_hook: Callable[[int, int], None] | None = None


class ValidationFailedError(RuntimeError):
    """An error-severity expectation failed: the run's stage is discarded."""


@dataclass
class RunSummary:
    run_id: str
    status: str = "running"
    files_seen: int = 0
    files_loaded: int = 0
    files_skipped: int = 0
    files_quarantined: int = 0
    documents_added: int = 0
    documents_retired: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    new_alerts: list[dict[str, Any]] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    warehouse: str = ""

    @property
    def exit_code(self) -> int:
        """0 clean, 1 failed, 3 loaded with quarantined input (see README, exit codes)."""
        if self.status == "failed":
            return 1
        return 3 if self.files_quarantined else 0


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc
        return None


def _release_free_memory() -> None:
    """Free cyclic garbage now and hand the C heap's free pages back (``malloc_trim``, glibc only).

    Once the parse runs in child processes, this process allocates few Python objects, so
    full collections become rare while each batch's frames, still referenced from cycles
    around its finished tasks, wait for one: at 100,000 articles the run's memory climbed by
    about 700 MB between collections (docs/scaling-history.md). What was alive when the parse began
    is frozen out of the collector meanwhile (``_run``), so each collection walks only the
    objects made since: 1.1 s for the 51 collections of a 100,000-article run.
    """
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _unwalked(value: T) -> T:
    """``value`` as a Prefect task parameter that Prefect hands over without walking it.

    Prefect visits every item of a task's parameters (lists, dicts, dataclasses, models) to
    find futures and states; ``quote`` stops it. None of the flow's batch parameters holds one.
    """
    return cast(T, quote(value))


@contextlib.contextmanager
def _timed(store: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        store[name] = store.get(name, 0.0) + time.perf_counter() - t0


@task(name="parse_files", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def parse_files(entries: list[FileEntry], ledger: dict[str, LedgerRow], max_bytes: int,
                workers: WorkerPool | None = None) -> tuple[ReadResult, ParsedBatch, dict[str, float]]:
    """Read one batch of files and parse its records through the per-document stages.

    With ``workers`` (thread runner), the parse itself runs in one of the pool's child
    processes while this thread waits on its pipe: the batches' pure-Python transforms then
    use every core instead of sharing one under the GIL.
    """
    from transforms.pipeline import ParsedBatch, parse_batch, records_frame

    times: dict[str, float] = {}
    with _timed(times, "extract"):
        result = read_files(entries, ledger, max_bytes)
        records = records_frame(result.records)
    result.records = []  # parsed now; do not carry the raw text back twice
    if workers is not None and not records.is_empty():
        try:
            with workers.lend() as worker:
                *frames, seconds = worker.call((records,))
            times.update(zip(seconds["stage"].to_list(), seconds["seconds"].to_list(), strict=True))
            return result, ParsedBatch(*frames), times
        except WorkerCrashed as exc:
            log.warning("parse worker failed (%s); parsing the batch in the run's process", exc)
    parsed = parse_batch(records, timer=lambda name: _timed(times, name))
    return result, parsed, times


def _ledger(con: duckdb.DuckDBPyConnection) -> dict[str, LedgerRow]:
    rows = con.execute("select path, size, mtime_ns, content_sha256, status, doc_id from files").fetchall()
    return {r[0]: LedgerRow(*r[1:]) for r in rows}


def _delete_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> None:
    if not doc_ids:
        return
    con.register("_gone", pl.DataFrame({"doc_id": doc_ids}))
    try:
        for table in ("fact_mentions", "numbers", "quotes", "sentences", "documents"):
            if table == "fact_mentions":
                con.execute("delete from fact_mentions where number_id in "
                            "(select number_id from numbers where doc_id in (select doc_id from _gone))")
            else:
                con.execute(f"delete from {table} where doc_id in (select doc_id from _gone)")
    finally:
        con.unregister("_gone")


@task(name="load_batch", cache_policy=NO_CACHE)
def load_batch(con: duckdb.DuckDBPyConnection, result: ReadResult, parsed: ParsedBatch, run_id: str,
               settings: Settings, summary: RunSummary, ledger: dict[str, LedgerRow]) -> None:
    """Write one parsed batch into the stage: documents and their rows, files, quarantine."""
    now = datetime.now(UTC)
    existing: set[str] = set()
    batch_ids = sorted({d for (_s, _m, _h, _st, ids) in result.files.values() for d in ids}
                       | set(parsed.documents["doc_id"].to_list()))
    if batch_ids:  # which of this batch's documents the warehouse already holds (not all its ids)
        con.register("_batch_ids", pl.DataFrame({"doc_id": batch_ids}, schema={"doc_id": pl.String}))
        try:
            existing = {r[0] for r in con.execute(
                "select doc_id from documents where doc_id in (select doc_id from _batch_ids)").fetchall()}
        finally:
            con.unregister("_batch_ids")
    new_docs = parsed.documents.filter(~pl.col("doc_id").is_in(list(existing))).with_columns(run_id=pl.lit(run_id))
    new_ids = new_docs["doc_id"].to_list()
    keep = pl.col("doc_id").is_in(new_ids)
    db.insert_frame(con, "documents", schema.conform(new_docs, "documents"))
    db.insert_frame(con, "sentences", parsed.sentences.filter(keep))
    db.insert_frame(con, "quotes", parsed.quotes.filter(keep))
    db.insert_frame(con, "numbers", parsed.numbers.filter(keep))
    summary.documents_added += len(new_ids)

    ledger_rows, retired = [], []
    touched = set(result.unchanged)
    summary.files_skipped += len(touched)
    claimed: set[str] = set()  # doc ids a path of this batch already carries
    for path, (size, mtime, digest, status, doc_ids) in sorted(result.files.items()):
        previous = ledger.get(path)
        if path not in touched:
            if status == "loaded" and doc_ids and all(d in existing or d in claimed for d in doc_ids):
                # Same content as a document already loaded under another path.
                if previous is None or previous.doc_id not in doc_ids:
                    status = "duplicate"
                elif previous.status in ("loaded", "duplicate"):
                    status = previous.status
                # else: this path's own document, back after the file was removed: loaded again
            if previous and previous.doc_id and previous.doc_id not in doc_ids:
                retired.append(previous.doc_id)  # the file changed: its old content is superseded
            claimed.update(doc_ids)
            if status in ("loaded", "duplicate"):
                summary.files_loaded += 1
            else:
                summary.files_quarantined += 1
        ledger_rows.append({"path": path, "size": size, "mtime_ns": mtime, "content_sha256": digest,
                            "status": status, "doc_id": doc_ids[0] if doc_ids else None,
                            "last_run_id": run_id})
    if ledger_rows:
        db.upsert_frame(con, "files", schema.conform(pl.DataFrame(ledger_rows), "files"), "path")
    if retired:
        # Retire superseded content only when no other file still carries it.
        still = set(db.fetch_frame(con, "select doc_id from files where status in ('loaded','duplicate') and doc_id is not null")["doc_id"].to_list())
        gone = sorted({d for d in retired if d not in still})
        _delete_documents(con, gone)
        summary.documents_retired += len(gone)
    q_rows = []
    for rej in result.rejections:
        copy = keep_copy(rej.source, settings.quarantine_dir)
        q_rows.append({"path": rej.source, "content_sha256": rej.content_sha256, "reason": rej.reason,
                       "kept_copy": copy, "run_id": run_id, "detected_at": now})
        summary.quarantined.append((rej.source, rej.reason))
    if q_rows:
        frame = schema.conform(pl.DataFrame(q_rows), "quarantine").unique(["path", "run_id"], keep="first")
        db.insert_frame(con, "quarantine", frame)


@task(name="derive_tables", cache_policy=NO_CACHE)
def derive_tables(con: duckdb.DuckDBPyConnection, scratch: Path, times: dict[str, float] | None = None,
                  workers: int = 1, memory_limit: str | None = None) -> None:
    """Recompute what spans documents: copies, stories, quote groups, facts.

    Copies, stories and quote groups are recomputed over the whole warehouse (story ids are
    stable: a late article joins its story). Facts live inside one story, so only the stories
    this run touched are recomputed: those with a new, changed or re-linked document (another
    story, another original) and those whose facts lost a mention. The others' inputs are
    unchanged, so their facts would come out the same.

    Most of the memory is bounded by a block, not by the warehouse: the documents' text is
    streamed from the stage a block at a time (``spill.texts``), quote groups read one quote
    text of each distinct text a block at a time (``spill.texts_of_rows``), and copies and stories set
    their intermediate frames aside in ``scratch`` between passes (``spill.DiskSpill``). Held
    for the whole warehouse: per-document keys, dates and titles, stories' term vectors and
    candidate pairs, quote groups' ids, hashes, word arrays and either the pairs their keys
    allow or the containment search's index; stories' clustering holds one batch of its
    graph's components (the run's peak grew 0.9 MB per 1,000 articles from 200,000 to
    400,000, docs/scaling.md). ``times`` receives the seconds of each part (``derive:
    copies``, ``derive: stories``, ``derive: quote groups``, ``derive: facts``).

    Facts, the costliest part and pure Python, run in ``workers`` processes (a chunk of
    whole stories each) when there is more than one chunk; with 1 they run in this process.

    ``memory_limit`` (the connection's DuckDB limit): given, DuckDB's cached pages are dropped
    before each part (``_shed_cache``), so the part's own frames do not come on top of
    pages the part before read.
    """
    from transforms.stories import assign_stories, duplicates, stories

    docs = db.fetch_frame(con, "select doc_id, title, outlet, published_at, duplicate_of, story_id from documents")
    if docs.is_empty():
        for t in ("stories", "facts", "fact_mentions"):
            con.execute(f"delete from {t}")
        return
    times = times if times is not None else {}
    before = docs.select("doc_id", "story_id", "duplicate_of")
    texts = spill.texts(con)
    scratch_space = spill.DiskSpill(scratch)
    try:
        # Copies and stories only read the stage (the text, a block at a time): DuckDB needs
        # no more than a few blocks' pages, and what it caches beyond comes on top of their
        # own frames.
        with _reading(con, memory_limit):
            with _timed(times, "derive: copies"):
                dups = duplicates(docs.drop("duplicate_of", "story_id"), texts=texts, spill=scratch_space)
            docs = docs.drop("duplicate_of").join(dups, on="doc_id", how="left")
            with _timed(times, "derive: stories"):
                assigned = assign_stories(docs, texts=texts, spill=scratch_space)
    finally:
        scratch_space.close()
    docs = docs.drop("story_id").join(assigned, on="doc_id", how="left")
    db.update_from_frame(con, "documents", docs.select("doc_id", "story_id", "duplicate_of", "duplicate_similarity"),
                         "doc_id", ("story_id", "duplicate_of", "duplicate_similarity"))
    with _timed(times, "derive: stories"):
        db.replace_table(con, "stories", stories(docs, texts=texts))
    links = docs.select("doc_id", "story_id", "outlet", "published_at", "duplicate_of")
    del docs, dups, assigned
    _between_parts(con, memory_limit)
    with _timed(times, "derive: quote groups"):
        _derive_quote_groups(con, memory_limit)
    _between_parts(con, memory_limit)
    with _timed(times, "derive: facts"), _checkpointed_around(con):
        _derive_facts(con, links, before, workers, memory_limit)


@contextlib.contextmanager
def _checkpointed_around(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Checkpoint now, then none until the caller does (the run's own, after derive).

    Facts insert a chunk's rows at a time while their worker processes hold a chunk each:
    DuckDB's automatic checkpoint (when its log passes the run's threshold) then came in the
    middle of facts and filled DuckDB's buffer pool beside the workers, the run's peak at
    400,000 articles (1,775 MB; facts alone: 1,261 against 1,074 MB with no checkpoint in
    the part). The checkpoint here writes what the parts before left (stories, quote groups'
    updates) while no worker runs; the next, after facts, comes once they are gone.
    """
    con.execute("checkpoint")
    (threshold,) = con.execute("select current_setting('checkpoint_threshold')").fetchall()[0]
    con.execute("set checkpoint_threshold = '1TB'")
    try:
        yield
    finally:
        con.execute(f"set checkpoint_threshold = '{threshold}'")


def _derive_quote_groups(con: duckdb.DuckDBPyConnection, memory_limit: str | None) -> None:
    """Recompute every quote's quote_group_id (``transforms.quotes.quote_group_ids_of``)."""
    from transforms.quotes import quote_group_ids_of, quote_nodes

    # The texts are read a block at a time, one of each distinct text (by its hash, taken by
    # DuckDB), and the rows' hashes go once each row has its node (transforms.quotes.quote_nodes).
    # DuckDB keeps the pages it read up to its limit, and they count in this process: dropped
    # after each read, or the texts' pages stay through the comparison (186 MB at 400,000
    # articles).
    with _reading(con, memory_limit):
        rows = db.fetch_frame(con, "select rowid as r, hash(text) as h, is_partial from quotes")
        rowid = rows.get_column("r").to_numpy()
        if len(rowid) > 1 and not bool((rowid[1:] > rowid[:-1]).all()):
            raise RuntimeError("quotes came back out of rowid order")  # texts_of_rows reads them in that order
        _shed_cache(con, READING_MEMORY_LIMIT)

        def texts(wanted: np.ndarray, r: np.ndarray = rowid) -> Iterator[pl.Series]:
            yield from spill.texts_of_rows(con, "quotes", r[wanted])
            _shed_cache(con, READING_MEMORY_LIMIT)

        nodes = quote_nodes(rows.get_column("is_partial"), rows.get_column("h").to_numpy(), texts)
        del rows, rowid, texts
        ids = db.fetch_frame(con, "select quote_id from quotes").get_column("quote_id")  # in the same order
        _shed_cache(con, READING_MEMORY_LIMIT)
        if len(ids) != len(nodes.node):
            raise RuntimeError("quotes changed while their groups were derived")
        grouped = quote_group_ids_of(ids, nodes)
        del ids
    # Only the rows whose group changed (an update of every quote each run, 724,724 at
    # 100,000 articles, ran out of the run's buffer pool in an incremental run), a slice at
    # a time (one update of a fresh run's 2.9 million quotes ran out of it at 400,000).
    db.update_from_frame(con, "quotes", grouped, "quote_id", ("quote_group_id",))


def _between_parts(con: duckdb.DuckDBPyConnection, memory_limit: str | None) -> None:
    """What the part before left, freed before the next: Python's garbage and free heap
    (``_release_free_memory``), then DuckDB's cached pages (``_shed_cache``).

    The parts make few Python objects in this process, so no collection comes on its own:
    before facts, the garbage and freed heap of quote groups stayed through facts, the run's
    peak. Freed first, the flow's peak in facts went from 1,017 to 789 MB at 100,000 articles,
    the flow and its facts workers from 1,510 to 1,249 MB (derive-only harness,
    docs/scaling-history.md, sixth pass).
    """
    _release_free_memory()
    _shed_cache(con, memory_limit)


# DuckDB's limit while the parsed batches load (the run's limit is back for derive): at
# 100,000 articles the flow's process went 826 -> 675 MB through the parse, the tree 1,460 ->
# 1,279 MB, in 213.9 s against 209.5 (one run each, docs/scaling-history.md, eleventh pass).
LOAD_MEMORY_LIMIT = "128MB"
READING_MEMORY_LIMIT = "64MB"  # DuckDB's limit while derive only streams text from the stage


@contextlib.contextmanager
def _reading(con: duckdb.DuckDBPyConnection, memory_limit: str | None) -> Iterator[None]:
    """DuckDB limited to READING_MEMORY_LIMIT (its cached pages dropped) for a part that only
    reads the stage; the run's ``memory_limit`` again after it."""
    if memory_limit is None:
        yield
        return
    _shed_cache(con, READING_MEMORY_LIMIT)
    try:
        yield
    finally:
        con.execute(f"set memory_limit = '{memory_limit}'")


def _shed_cache(con: duckdb.DuckDBPyConnection, memory_limit: str | None) -> None:
    """Drop the pages DuckDB keeps cached, then give it back ``memory_limit``.

    DuckDB keeps the pages it read up to its limit, and they count in this process: at
    100,000 articles about 220 MB of documents and quotes stayed cached when quote groups
    began, the run's peak. Lowering the limit evicts them at once (the stage file, and the
    system's page cache, still have them); what cannot go (an update not yet checkpointed)
    stays, and the limit is restored either way.
    """
    if memory_limit is None:
        return
    try:
        con.execute("set memory_limit = '16MB'")
    except duckdb.Error:
        pass  # more than that is pinned: what could be evicted was
    finally:
        con.execute(f"set memory_limit = '{memory_limit}'")


def _touched_stories(con: duckdb.DuckDBPyConnection, docs: pl.DataFrame, before: pl.DataFrame) -> set[str]:
    """Stories whose facts must be recomputed (see derive_tables)."""
    after = docs.select("doc_id", "story_id", "duplicate_of")
    moved = after.join(before, on="doc_id", how="left", suffix="_before").filter(
        pl.col("story_id_before").is_null() | (pl.col("story_id") != pl.col("story_id_before"))
        | (pl.col("duplicate_of").fill_null("") != pl.col("duplicate_of_before").fill_null("")))
    touched = set(moved["story_id"].drop_nulls()) | set(moved["story_id_before"].drop_nulls())
    # Facts that lost a mention (a changed or deleted document's numbers are gone).
    touched |= {r[0] for r in con.execute("""
        select f.story_id from facts f
        left join (select m.fact_id, count(n.number_id) as c from fact_mentions m
                   join numbers n using (number_id) group by m.fact_id) x using (fact_id)
        where coalesce(x.c, 0) <> f.n_mentions""").fetchall()}
    return touched


def _derive_facts(con: duckdb.DuckDBPyConnection, docs: pl.DataFrame, before: pl.DataFrame,
                  workers: int = 1, memory_limit: str | None = None) -> None:
    touched = _touched_stories(con, docs, before)
    live_stories = set(docs["story_id"].drop_nulls())
    con.register("_touched", pl.DataFrame({"story_id": sorted(touched)}, schema={"story_id": pl.String}))
    con.register("_live", pl.DataFrame({"story_id": sorted(live_stories)}, schema={"story_id": pl.String}))
    try:
        stale = "select fact_id from facts where story_id in (select story_id from _touched) " \
                "or story_id not in (select story_id from _live)"
        con.execute(f"delete from fact_mentions where fact_id in ({stale})")
        con.execute(f"delete from facts where fact_id in ({stale})")
    finally:
        con.unregister("_touched")
        con.unregister("_live")
    if not touched:
        return
    scope = docs.filter(pl.col("story_id").is_in(sorted(touched)))
    # Facts never span stories, so the touched stories go through facts() a chunk at a time:
    # memory stays bounded by the chunk (facts() holds a Python object per mention), not by
    # the warehouse, and the rows are the ones a single call gives, whatever the chunking.
    chunks = _story_chunks(con, scope, FACTS_CHUNK_NUMBERS if workers == 1 else FACTS_CHUNK_NUMBERS_PARALLEL)
    _stage_facts_inputs(con, chunks)
    _facts_of_chunks(con, chunks, workers, memory_limit)


def _facts_of_chunks(con: duckdb.DuckDBPyConnection, chunks: Sequence[pl.DataFrame], workers: int,
                     memory_limit: str | None) -> None:
    """facts() of each staged chunk, inserted in order: in worker processes when there are
    several chunks and ``workers`` > 1, in this one otherwise (or for the chunks left when a
    worker fails). Drops the staged tables."""
    from transforms.facts import facts

    inserted = 0
    try:
        if workers > 1 and len(chunks) > 1:
            # Several chunks and several cores: the chunks go to worker processes (facts() is
            # pure Python; threads would share one core), in order, a few ahead of the results.
            try:
                pool = FrameWorkers("transforms.facts:facts", min(workers, len(chunks)))
                for result in pool.map(_facts_inputs(con, i, chunk, memory_limit) for i, chunk in enumerate(chunks)):
                    _insert_facts(con, result)
                    inserted += 1
            except WorkerCrashed as exc:
                # A worker could not start or was killed: the chunks not yet written are
                # derived here instead, so the run still succeeds.
                log.warning("facts worker processes failed (%s); deriving the remaining %d of %d chunks in the run's process",
                            exc, len(chunks) - inserted, len(chunks))
        for i in range(inserted, len(chunks)):
            _insert_facts(con, facts(*_facts_inputs(con, i, chunks[i], memory_limit)))
    finally:
        con.execute("drop table if exists _facts_numbers")
        con.execute("drop table if exists _facts_sentences")


def _stage_facts_inputs(con: duckdb.DuckDBPyConnection, chunks: Sequence[pl.DataFrame]) -> None:
    """Copy what facts() reads for ``chunks`` into two temporary tables, sorted by chunk.

    One pass over ``numbers`` and ``sentences`` for the whole derive. Reading each chunk's rows
    from the warehouse tables instead scanned both tables once per chunk: quadratic in the
    warehouse (about 90 chunks at 100,000 articles, 30 s of the run's facts). Sorted by chunk,
    each chunk is a run of row groups that DuckDB finds by their min/max. Within a chunk the
    rows keep the tables' order (``rowid``), the order facts() read them in before.
    """
    from transforms.lexicon.facts import COUNTABLE_KINDS

    con.register("_chunk_of", pl.concat([c.select("doc_id").with_columns(chunk=pl.lit(i, pl.Int32))
                                         for i, c in enumerate(chunks)]))
    kinds = ", ".join(f"'{k}'" for k in COUNTABLE_KINDS)
    try:
        # Only the kinds facts() reads (it drops the others first): 62% of the mentions at
        # 100,000 articles, and only their sentences.
        con.execute("create or replace temp table _facts_numbers as select c.chunk, n.* "
                    f"from numbers n join _chunk_of c using (doc_id) where n.kind in ({kinds}) "
                    "order by c.chunk, n.rowid")
        con.execute("create or replace temp table _facts_sentences as "
                    "select c.chunk, s.doc_id, s.sentence_no, s.char_start, s.text "
                    "from sentences s join _chunk_of c using (doc_id) "
                    "where (s.doc_id, s.sentence_no) in (select doc_id, sentence_no from _facts_numbers) "
                    "order by c.chunk, s.rowid")
    finally:
        con.unregister("_chunk_of")


def _facts_inputs(con: duckdb.DuckDBPyConnection, i: int, chunk: pl.DataFrame,
                  memory_limit: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """What facts() reads for chunk ``i`` (staged by ``_stage_facts_inputs``): its numbers,
    those numbers' sentences, the chunk's documents.

    DuckDB's cached pages are dropped first (``_shed_cache``): each chunk's staged pages are
    read once, but DuckDB kept them up to the run's limit, about 200 MB of the flow through
    facts at 100,000 articles (the run's peak then). A lower limit for the whole part instead
    (64 MB) ran DuckDB out of memory in facts at 200,000 articles.
    """
    _shed_cache(con, memory_limit)
    nums = db.fetch_frame(con, f"select * exclude (chunk) from _facts_numbers where chunk = {int(i)}")
    sents = db.fetch_frame(con, f"select * exclude (chunk) from _facts_sentences where chunk = {int(i)}")
    return nums, sents, chunk


def _insert_facts(con: duckdb.DuckDBPyConnection, result: Sequence[pl.DataFrame]) -> None:
    fact_frame, links = result
    db.insert_frame(con, "facts", fact_frame)
    db.insert_frame(con, "fact_mentions", links)


FACTS_CHUNK_NUMBERS = 100_000  # number mentions per facts() call (whole stories; memory bound)
# Per call when facts run in worker processes: every worker holds a chunk's objects, and
# smaller chunks share the work out more evenly. Facts alone at 100,000 bench articles (two
# workers; peak RSS of the flow and its workers, the same rows): 20,000 numbers a chunk
# 869 MB (workers 252 and 258 MB), 50.7 s; 10,000: 760 MB (208, 212), 52.6 s; 5,000: 711 MB
# (190, 189), 54.8 s. A worker's own peak is about 110 MB of imports, its chunk, and its
# bounded caches (65,536 units each), which fill over the first hundred chunks.
FACTS_CHUNK_NUMBERS_PARALLEL = 10_000


def _story_chunks(con: duckdb.DuckDBPyConnection, scope: pl.DataFrame, size: int) -> list[pl.DataFrame]:
    """``scope``'s documents cut into chunks of whole stories of about ``size`` numbers."""
    con.register("_scope_docs", scope.select("doc_id"))
    try:
        counts = db.fetch_frame(con, "select doc_id, count(*)::bigint as n from numbers "
                                "where doc_id in (select doc_id from _scope_docs) group by doc_id")
    finally:
        con.unregister("_scope_docs")
    per_story = (scope.select("doc_id", "story_id").join(counts, on="doc_id", how="left")
                 .group_by("story_id").agg(pl.col("n").fill_null(0).sum()).sort("story_id")
                 .with_columns(chunk=(pl.col("n").cum_sum() - pl.col("n")) // size))
    chunk_of = scope.join(per_story.select("story_id", "chunk"), on="story_id", how="left")
    return [part.drop("chunk") for _key, part in
            chunk_of.sort("chunk", maintain_order=True).group_by("chunk", maintain_order=True)]


@task(name="validate_warehouse", cache_policy=NO_CACHE)
def validate_warehouse(stage: Path, docs_dir: Path | None, memory_limit: str | None = None,
                       run_id: str | None = None) -> list[dict[str, Any]]:
    """Run the GX suites on the closed stage file in a child process (see expectations.validate).

    With ``run_id``, the per-document checks look only at the documents that run loaded.
    """
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if memory_limit:
        env["NEWSLEDGER_DUCKDB_MEMORY_LIMIT"] = memory_limit
    proc = subprocess.run(
        [sys.executable, "-m", "expectations.validate", str(stage), *([str(docs_dir)] if docs_dir else []),
         *(["--run", run_id] if run_id else [])],
        capture_output=True, text=True, cwd=PROJECT_ROOT, check=False, env=env,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("[")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"validation process failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    for line in proc.stderr.splitlines():
        if line.startswith("validation ran out of memory"):
            get_run_logger().warning(line)  # the child re-ran itself without a cap (expectations.validate)
    findings: list[dict[str, Any]] = json.loads(lines[-1])
    return findings


def _new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in schema.TABLES}  # type: ignore[index]


def _run_row(summary: RunSummary, started: datetime, flow_run_id: str | None) -> dict[str, Any]:
    """The run's `runs` row (column name -> value)."""
    return {"run_id": summary.run_id, "flow_run_id": flow_run_id, "started_at": started,
            "finished_at": datetime.now(UTC), "status": summary.status, "files_seen": summary.files_seen,
            "files_loaded": summary.files_loaded, "files_skipped": summary.files_skipped,
            "files_quarantined": summary.files_quarantined, "error": summary.error}


def _record_run(con: duckdb.DuckDBPyConnection, summary: RunSummary, started: datetime, flow_run_id: str | None) -> None:
    db.insert_runs(con, [_run_row(summary, started, flow_run_id)])


def task_runner(settings: Settings) -> Any:
    """The parse stage's task runner: threads, processes, or Dask (local cluster or an address).

    The parse is mostly pure Python, which threads share one core for (the GIL); processes use
    every core but each starts its own interpreter and imports (seconds) and holds its own
    memory: measured on 10,000 articles, threads (the default) were faster and lighter
    (docs/scaling.md). Dask spreads the parse over a cluster.
    """
    if settings.task_runner == "process":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=settings.parse_workers)
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": settings.dask_workers, "threads_per_worker": 1,
                                             "processes": True, "dashboard_address": None})
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=settings.parse_workers)


def run_ingest(paths: Sequence[str] | None = None, warehouse: str | None = None,
               settings: Settings | None = None) -> RunSummary:
    """Run the ``ingest`` flow; ``settings`` (its fields that were set) override the environment."""
    options = None
    if settings is not None:
        options = settings.model_dump(mode="json", exclude_unset=True)
    return ingest(paths, warehouse, options)  # type: ignore[no-any-return]


def _flow_run_id() -> str | None:
    try:
        ctx = get_run_context()
        return str(ctx.flow_run.id) if getattr(ctx, "flow_run", None) else None  # type: ignore[union-attr]
    except Exception:
        return None


@flow(name="ingest", log_prints=False)
def ingest(paths: Sequence[str] | None = None, warehouse: str | None = None,
           options: dict[str, Any] | None = None) -> RunSummary:
    """Ingest article files and folders into the warehouse; one atomic run.

    ``options`` overrides settings (field name -> value) for this run.
    """
    settings = get_settings()
    if options:
        settings = Settings.model_validate({**settings.model_dump(), **options})
    if warehouse:
        settings = settings.model_copy(update={"warehouse": Path(warehouse).absolute()})
    live = settings.warehouse
    inputs = [Path(p).absolute() for p in paths] if paths else [settings.sample_dir]
    logger = get_run_logger()
    started = datetime.now(UTC)
    summary = RunSummary(run_id=_new_run_id(), warehouse=str(live))
    flow_run_id = _flow_run_id()
    with db.run_lock(live, settings.lock_timeout_s):
        try:
            _run(settings, inputs, summary, started, flow_run_id, logger)
        except Exception as exc:
            db.discard_stage(live)
            summary.status, summary.error = "failed", f"{type(exc).__name__}: {exc}"
            logger.error("run %s failed: %s", summary.run_id, summary.error)
            _record_failure(live, summary, started, flow_run_id)
            raise
    for alert in summary.new_alerts:
        logger.warning("alert [%s] %s: %s", alert["severity"], alert["check_name"], alert["message"])
    alerting.deliver(summary.new_alerts, settings)
    return summary


def _run(settings: Settings, inputs: list[Path], summary: RunSummary, started: datetime,
         flow_run_id: str | None, logger: Any) -> None:
    times = summary.stage_seconds
    live = settings.warehouse
    # Discovering 100,000 files and reading their ledger rows makes 200,000 records, and the
    # collections they set off walked every object made before: 0.33 s of the 0.46 s the
    # ledger took to read after discovery, in an unchanged run that has 5 s in all.
    with _timed(times, "discover"), collector_paused():
        entries = discover(inputs)
        summary.files_seen = len(entries)
        seen = {e.path for e in entries}
        ledger: dict[str, LedgerRow] = {}
        if live.exists():
            # Read the live file (read-only, as any reader): the stage is a copy of it, and this
            # run holds the run lock, so its ledger is the stage's.
            con = db.connect(live, read_only=True)
            try:
                ledger = _ledger(con)
                # Stat first: unchanged files are skipped here, without a task and without being read.
                todo = [e for e in entries if not is_unchanged(e, ledger)]
                if not todo and not _gone(ledger, inputs, seen):
                    summary.files_skipped = len(entries)
                    summary.status = "succeeded"
                    summary.rows = _row_counts(con)
            finally:
                con.close()
    if summary.status == "succeeded":
        # Nothing on disk changed: the warehouse is not rewritten (copying it is O(its size));
        # the run goes to the journal, which the next writing run folds into `runs`.
        db.discard_stage(live)  # a crashed run's leftover, if any
        db.journal_run(live, _run_row(summary, started, flow_run_id))
        logger.info("run %s: %d files, all unchanged: warehouse not rewritten", summary.run_id, summary.files_seen)
        return
    with _timed(times, "stage"):
        stage = db.begin_stage(live)
    con = db.connect(stage)
    # DuckDB's buffer pool would otherwise grow towards 80% of the RAM while the load writes
    # (it counts in this process's memory); past the limit it evicts to the file.
    # While the batches load, at most LOAD_MEMORY_LIMIT: the pool filled with the inserted
    # pages beside the parse children, the run's peak up to 100,000 articles.
    con.execute(f"set memory_limit = '{db.capped_limit(settings.duckdb_memory_limit, LOAD_MEMORY_LIMIT)}'")
    # DuckDB checkpoints when its write-ahead log passes 16 MB, i.e. after about every batch;
    # when the large tables still had primary-key indexes, each checkpoint rewrote them whole
    # and the load grew 1.7x per article from 10,000 to 100,000. The stage is a private copy
    # swapped in only when the run succeeds, so its log needs no frequent checkpoints: at
    # 512 MB the load of 100,000 articles took 29 s of DuckDB work instead of 51, measured
    # with those indexes (docs/scaling-history.md).
    con.execute("set checkpoint_threshold = '512MB'")
    try:
        with _timed(times, "discover"):
            content_before = _content_fingerprint(con)
            journaled = db.fold_journal(con, live)
        todo = [e for e in entries if not is_unchanged(e, ledger)]
        summary.files_skipped += len(entries) - len(todo)
        batches = [todo[i:i + settings.batch_size] for i in range(0, len(todo), settings.batch_size)]
        done = 0
        if progress_hook:
            progress_hook(0, len(todo))
        # The parse runner lives only for the parse: its workers are gone before derive. At
        # most ``in_flight`` batches are submitted and not yet loaded, so parsed batches never
        # pile up in this process while the loader catches up (memory bound, any corpus size).
        workers = settings.dask_workers if settings.task_runner == "dask" else settings.parse_workers
        in_flight = workers + 1
        with contextlib.ExitStack() as parse_stage:
            # What is alive now (imports, Prefect, the discovered entries: 318,000 objects at
            # 10,000 files) lives through the parse: frozen, the full collection after each
            # loaded batch (_release_free_memory) skips it and only walks what came since. It
            # took 1.43 s of the 10,000-file run instead of 0.07. Unfrozen when the parse
            # ends, so what of it turns into garbage later is collected as before.
            gc.freeze()
            parse_stage.callback(gc.unfreeze)
            runner = parse_stage.enter_context(task_runner(settings)) if batches else None
            pool = None
            if settings.task_runner == "thread" and settings.parse_children and len(batches) > 1:
                # One child process per parse thread: the threads read files and wait on pipes,
                # the children parse on every core (one batch alone has nothing to overlap).
                # Parsed batches then come faster than the loader takes them: no batch beyond
                # the threads' own waits here, parsed and held in this process.
                try:
                    pool = parse_stage.enter_context(WorkerPool("transforms.pipeline:parse_frames", workers))
                    in_flight = workers
                except WorkerCrashed as exc:
                    logger.warning("parse workers could not start (%s); parsing in the run's process", exc)
            futures: dict[int, Any] = {}

            def submit(i: int) -> None:
                if runner is not None and i < len(batches):
                    b = batches[i]
                    rows = {e.path: ledger[e.path] for e in b if e.path in ledger}
                    if settings.task_runner == "thread":
                        # Not walked by Prefect (see load_batch below). Through Dask a quoted
                        # parameter reaches the task as a bare tuple: not there.
                        b, rows = _unwalked(b), _unwalked(rows)
                    futures[i] = runner.submit(parse_files, {
                        "entries": b, "max_bytes": settings.max_file_bytes, "workers": pool, "ledger": rows})

            for i in range(in_flight):
                submit(i)
            for i, batch in enumerate(batches):
                result, parsed, batch_times = futures.pop(i).result()  # popped: its frames go once loaded
                submit(i + in_flight)
                done += len(batch)
                if progress_hook:
                    progress_hook(done, len(todo))
                for k, v in batch_times.items():
                    times[k] = times.get(k, 0.0) + v
                with _timed(times, "load"):
                    # Walking the batch's records and file rows, the run's summary and the
                    # whole ledger (a row per known file) took Prefect 0.34 s per batch of
                    # 2,000 files, most of the loader's own Python time (_unwalked).
                    load_batch(con, _unwalked(result), _unwalked(parsed), summary.run_id, settings,
                               _unwalked(summary), _unwalked(ledger))
                    del result, parsed
                    _release_free_memory()
        with _timed(times, "load"):
            _mark_removed(con, _gone(ledger, inputs, seen), summary.run_id)
        # The discovered files and the ledger are not read again: held through derive, they
        # came on top of its peak (37 MB at 100,000 files, and 99 MB more with a ledger of
        # them). Emptied in place: the parse's submit() still holds the names.
        for held in (entries, seen, ledger, todo, batches):
            held.clear()
        _release_free_memory()
        # Nothing to derive or validate when the documents are the ones the last run left
        # (doc ids are content hashes) and no new bad input arrived: the derived tables, the
        # checks and the open alerts would come out the same. Only the ledger and runs change.
        quiet = _content_fingerprint(con) == content_before and summary.files_quarantined == 0
        if not quiet:
            # The load's inserts and deletes go to disk first, so derive's updates have the
            # buffer pool to themselves (an update is held in memory until a checkpoint).
            con.execute(f"set memory_limit = '{settings.duckdb_memory_limit}'")  # derive's updates, facts' staging
            with _timed(times, "load"):
                con.execute("checkpoint")
            with _timed(times, "derive"):
                derive_tables(con, db.spill_dir(live), times, settings.derive_workers, settings.duckdb_memory_limit)
        summary.status = "succeeded"
        _record_run(con, summary, started, flow_run_id)
        if quiet:
            summary.rows = _row_counts(con)
        con.execute("checkpoint")
    finally:
        con.close()
    if quiet:
        db.commit_stage(stage, live)
        db.clear_journal(live, journaled)
        logger.info("run %s: %d files, all unchanged: nothing to derive or validate", summary.run_id, summary.files_seen)
        return
    with _timed(times, "validate"):
        findings = validate_warehouse(stage, settings.docs_dir if settings.build_data_docs else None,
                                      settings.duckdb_memory_limit,
                                      summary.run_id if settings.validate_scope == "run" else None)
    errors = [f for f in findings if not f["success"] and f["severity"] == "error"]
    con = db.connect(stage)
    # The run's limit again (a new connection starts at DuckDB's default, 80% of the RAM): the
    # fact alerts' details join the mentions with their sentences, and unlimited that query
    # took the flow to 1,776 MB at 400,000 articles, the run's peak (1,601 MB for the query
    # alone; 423 MB under 256 MB, and faster).
    con.execute(f"set memory_limit = '{settings.duckdb_memory_limit}'")
    try:
        with _timed(times, "alerts"):
            if errors:
                raise ValidationFailedError("; ".join(
                    f"{f['check_name']}: {f['description']} ({f['unexpected_count']} rows)"
                    + (f" [{f['exception']}]" if f.get("exception") else "") for f in errors))
            summary.new_alerts = alerting.record(con, findings, summary, settings)
        summary.rows = _row_counts(con)
        con.execute("checkpoint")
    finally:
        con.close()
    db.commit_stage(stage, live)
    db.clear_journal(live, journaled)
    logger.info("run %s: %d files, %d loaded, %d skipped, %d quarantined", summary.run_id,
                summary.files_seen, summary.files_loaded, summary.files_skipped, summary.files_quarantined)


def _content_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """The set of documents (their ids are content hashes): count and an order-free hash."""
    ((n, digest),) = con.execute("select count(*), coalesce(bit_xor(hash(doc_id)), 0) from documents").fetchall()
    return int(n), int(digest)


def _gone(ledger: dict[str, LedgerRow], inputs: list[Path], seen: set[str]) -> list[str]:
    """Paths under this run's inputs that the ledger knows (not yet removed) but that are gone.

    The ledger read at the start of the run is enough: a path it lacks was discovered by this
    run (so it is in ``seen``).
    """
    return _under_inputs([p for p, row in ledger.items() if row.status != "removed" and p not in seen], inputs)


def _under_inputs(paths: list[str], inputs: list[Path]) -> list[str]:
    roots = [str(p) for p in inputs]
    return [p for p in paths if any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots)]


def _mark_removed(con: duckdb.DuckDBPyConnection, gone: list[str], run_id: str) -> None:
    """Files under this run's inputs that the ledger knows but that are gone: status removed.

    Rule: a removed file's document rows are kept (the article was published; analysts may
    still need it); the file is marked removed in the ``files`` ledger.
    """
    if gone:
        con.register("_removed", pl.DataFrame({"path": gone}))
        try:
            con.execute("update files set status = 'removed', last_run_id = ? where path in (select path from _removed)", [run_id])
        finally:
            con.unregister("_removed")


def _record_failure(live: Path, summary: RunSummary, started: datetime, flow_run_id: str | None) -> None:
    """Record a failed run in the live warehouse (through a stage, like every write)."""
    try:
        stage = db.begin_stage(live)
        con = db.connect(stage)
        try:
            journaled = db.fold_journal(con, live)
            _record_run(con, summary, started, flow_run_id)
            alerting.record_failure(con, summary)
            con.execute("checkpoint")
        finally:
            con.close()
        db.commit_stage(stage, live)
        db.clear_journal(live, journaled)
    except Exception as exc:  # the original error matters more
        log.error("could not record the failed run: %s", exc)
        db.discard_stage(live)
