"""The warehouse contract: every table's columns, types and meaning, declared once.

The DDL in ``sql/tables/*.sql``, the Polars frames the transforms return, the DuckDB
``comment on`` statements and the data dictionary in ``warehouse/README.md`` all agree with
this module; ``tests/unit/test_schema.py`` checks that they do.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Column:
    name: str
    polars: pl.DataType | type[pl.DataType]
    duckdb: str
    doc: str


def _c(name: str, polars: pl.DataType | type[pl.DataType], duckdb: str, doc: str) -> Column:
    return Column(name, polars, duckdb, doc)


STR, I64, F64, BOOL = pl.String, pl.Int64, pl.Float64, pl.Boolean
TS = pl.Datetime("us", "UTC")
STRS = pl.List(pl.String)

# Vocabularies (enums) used by several stages and checked by the expectation suites.
QUALIFIERS = (
    "exact", "approximate", "at_least", "more_than", "at_most", "less_than", "range", "vague",
)
KINDS = (
    "count", "money", "percent", "measure", "duration", "age", "date", "year", "time",
    "ordinal", "identifier",
)
SENTENCE_ROLES = ("body", "heading", "list_item")
PUBLISHED_AT_SOURCES = ("json", "header", "byline", "dateline", "inferred")
FACT_STATUSES = ("consistent", "conflict", "revised", "single_source")
SEVERITIES = ("error", "warning", "info")
FILE_STATUSES = ("loaded", "duplicate", "quarantined", "removed")
RUN_STATUSES = ("running", "succeeded", "failed")

TABLES: dict[str, tuple[Column, ...]] = {
    "documents": (
        _c("doc_id", STR, "varchar primary key", "Stable id: first 16 hex digits of the sha256 of the raw content."),
        _c("source_path", STR, "varchar not null", "Path of the first file that carried this content, relative to the ingest root when possible."),
        _c("source_format", STR, "varchar not null", "txt, json or jsonl."),
        _c("source_encoding", STR, "varchar not null default 'utf-8'", "How the bytes were decoded: utf-8, or cp1252 when they were not UTF-8 but certainly cp1252 (recovered)."),
        _c("content_sha256", STR, "varchar not null", "sha256 of the raw record (file bytes, or the JSON line)."),
        _c("outlet", STR, "varchar", "Publishing outlet: news-please source_domain, or found in a credit line or author bio."),
        _c("url", STR, "varchar", "Article URL when the record carries one."),
        _c("title", STR, "varchar", "Headline; null when the text has none (never the first body sentence)."),
        _c("subtitle", STR, "varchar", "Standfirst / description under the headline."),
        _c("authors", STRS, "varchar[]", "Person names from the byline, JSON authors or a closing signature."),
        _c("wire_agencies", STRS, "varchar[]", "Wire agencies credited (AFP, AP, Reuters, Xinhua, ...)."),
        _c("dateline", STR, "varchar", "Dateline as written at the start of the body (\"Kabul, July 5\", \"BEIJING\")."),
        _c("dateline_place", STR, "varchar", "Place named by the dateline."),
        _c("section", STR, "varchar", "Section label from the header (WORLD, Politics, ...)."),
        _c("external_id", STR, "varchar", "Outlet's own id from a header line such as \"News ID: 314510\"."),
        _c("published_at", TS, "timestamptz", "Publication time in UTC; midnight UTC when only a day is known."),
        _c("published_at_tz", STR, "varchar", "Time zone the text gave (GMT, UTC, +05:00), null when none was given."),
        _c("published_at_source", STR, "varchar", "Where published_at came from: json, header, byline, dateline or inferred."),
        _c("language", STR, "varchar", "ISO 639-1 language code."),
        _c("text", STR, "varchar not null", "Cleaned body text; every char_start/char_end in the warehouse indexes into it."),
        _c("raw_text", STR, "varchar not null", "Text as received (JSON text field or decoded file), so every removal can be checked."),
        _c("debris", STRS, "varchar[]", "Lines removed from the body as web debris, each prefixed with its kind (\"captcha: Security Key:\")."),
        _c("n_chars", I64, "bigint not null", "Length of text."),
        _c("story_id", STR, "varchar", "Story (event) this document belongs to; see stories."),
        _c("duplicate_of", STR, "varchar", "doc_id of the earlier document this one copies (syndication), else null."),
        _c("duplicate_similarity", F64, "double", "Similarity to duplicate_of (0-1)."),
        _c("run_id", STR, "varchar not null", "Run that loaded this version of the document."),
    ),
    "sentences": (
        _c("doc_id", STR, "varchar not null", "Document."),
        _c("sentence_no", I64, "integer not null", "0-based position in the document."),
        _c("paragraph_no", I64, "integer not null", "0-based paragraph (blank-line separated block) of the body."),
        _c("char_start", I64, "integer not null", "Offset of the first character in documents.text."),
        _c("char_end", I64, "integer not null", "Offset one past the last character; text = documents.text[char_start:char_end]."),
        _c("text", STR, "varchar not null", "The sentence, whitespace trimmed."),
        _c("role", STR, "varchar not null", "body, heading (a subheading line) or list_item."),
    ),
    "quotes": (
        _c("quote_id", STR, "varchar not null", "doc_id:quote number."),
        _c("doc_id", STR, "varchar not null", "Document."),
        _c("sentence_no", I64, "integer not null", "Sentence where the quote starts."),
        _c("char_start", I64, "integer not null", "Offset of the first quoted character (inside the quotation mark)."),
        _c("char_end", I64, "integer not null", "Offset one past the last quoted character."),
        _c("text", STR, "varchar not null", "Quoted words, without the quotation marks."),
        _c("speaker", STR, "varchar", "Who said it: a name, an organisation or an official; null when unknown."),
        _c("speaker_description", STR, "varchar", "Description given with the speaker (\"a soldier based in ...\")."),
        _c("is_partial", BOOL, "boolean not null", "True for a fragment quoted inside a sentence of the writer's own."),
        _c("quote_group_id", STR, "varchar", "Same statement carried by several documents share this id."),
    ),
    "numbers": (
        _c("number_id", STR, "varchar not null", "doc_id:mention number."),
        _c("doc_id", STR, "varchar not null", "Document."),
        _c("sentence_no", I64, "integer not null", "Sentence of the mention."),
        _c("char_start", I64, "integer not null", "Offset of the mention (qualifier included) in documents.text."),
        _c("char_end", I64, "integer not null", "Offset one past the mention."),
        _c("surface", STR, "varchar not null", "The words as written, qualifier included (\"more than 1,000\")."),
        _c("value", F64, "double", "Best single value, null when the words give none (\"dozens\")."),
        _c("low", F64, "double", "Inclusive lower bound; null = unbounded."),
        _c("high", F64, "double", "Inclusive upper bound; null = unbounded."),
        _c("qualifier", STR, "varchar not null", "exact, approximate, at_least, more_than, at_most, less_than, range or vague."),
        _c("kind", STR, "varchar not null", "count, money, percent, measure, duration, age, date, year, time, ordinal or identifier."),
        _c("unit", STR, "varchar", "What is counted or measured, as written (\"Afghan government troops\", \"km\")."),
        _c("unit_group", STR, "varchar", "Normalised head of unit (troops/soldiers/servicemen -> troops)."),
        _c("currency", STR, "varchar", "ISO currency code for kind = money."),
    ),
    "stories": (
        _c("story_id", STR, "varchar primary key", "Stable id: the doc_id of the story's earliest document."),
        _c("label", STR, "varchar not null", "Readable label (the title of the story's earliest titled document)."),
        _c("n_documents", I64, "integer not null", "Documents in the story (copies included)."),
        _c("n_outlets", I64, "integer not null", "Distinct outlets."),
        _c("n_independent", I64, "integer not null", "Documents that are not copies of another."),
        _c("first_published_at", TS, "timestamptz", "Earliest publication time."),
        _c("last_published_at", TS, "timestamptz", "Latest publication time."),
    ),
    "facts": (
        _c("fact_id", STR, "varchar not null", "Stable id derived from the story and the fact's key."),
        _c("story_id", STR, "varchar not null", "Story."),
        _c("label", STR, "varchar not null", "Readable label (\"Afghan troops fled into Tajikistan\")."),
        _c("unit_group", STR, "varchar", "Unit group of the mentions."),
        _c("kind", STR, "varchar not null", "Kind of the mentions."),
        _c("n_mentions", I64, "integer not null", "Mentions aligned to this fact."),
        _c("n_documents", I64, "integer not null", "Documents with a mention."),
        _c("n_sources", I64, "integer not null", "Independent sources (copies count once)."),
        _c("low", F64, "double", "Intersection of the reports' intervals (latest reports for revised facts, span of all reports for conflicts); null = unbounded."),
        _c("high", F64, "double", "Upper end of that interval; null = unbounded."),
        _c("value", F64, "double", "Best value: the most precise mention inside the interval, or the latest for revised facts."),
        _c("status", STR, "varchar not null", "consistent, conflict, revised or single_source."),
    ),
    "fact_mentions": (
        _c("fact_id", STR, "varchar not null", "Fact."),
        _c("number_id", STR, "varchar not null", "Number mention aligned to the fact."),
    ),
    "alerts": (
        _c("alert_id", STR, "varchar primary key", "Stable id of the finding (check and subject), so a finding is raised once."),
        _c("run_id", STR, "varchar not null", "Run that last raised or updated it."),
        _c("created_at", TS, "timestamptz not null", "When the finding was first raised."),
        _c("updated_at", TS, "timestamptz not null", "When it last changed (raised, changed or resolved)."),
        _c("severity", STR, "varchar not null", "error, warning or info."),
        _c("check_name", STR, "varchar not null", "Expectation or check that found it."),
        _c("subject", STR, "varchar not null", "What it is about: a table, a fact_id, a file path."),
        _c("message", STR, "varchar not null", "One readable sentence."),
        _c("details", STR, "json", "JSON with the values, outlets, document and sentence ids."),
        _c("is_resolved", BOOL, "boolean not null", "True once a later run no longer finds it."),
    ),
    "runs": (
        _c("run_id", STR, "varchar primary key", "Run id (UTC timestamp and a random suffix)."),
        _c("flow_run_id", STR, "varchar", "Prefect flow run id."),
        _c("started_at", TS, "timestamptz not null", "Start."),
        _c("finished_at", TS, "timestamptz", "End."),
        _c("status", STR, "varchar not null", "running, succeeded or failed."),
        _c("files_seen", I64, "integer not null", "Files discovered."),
        _c("files_loaded", I64, "integer not null", "Files whose content was parsed and loaded."),
        _c("files_skipped", I64, "integer not null", "Files unchanged since the last run (or copies of loaded content)."),
        _c("files_quarantined", I64, "integer not null", "Files or records rejected, see quarantine."),
        _c("error", STR, "varchar", "Error of a failed run."),
    ),
    "files": (
        _c("path", STR, "varchar primary key", "Absolute path of the file as discovered."),
        _c("size", I64, "bigint", "Size in bytes at the last look."),
        _c("mtime_ns", I64, "bigint", "Modification time (ns) at the last look."),
        _c("content_sha256", STR, "varchar", "sha256 of the bytes."),
        _c("status", STR, "varchar not null", "loaded, duplicate (same content as another path), quarantined or removed."),
        _c("doc_id", STR, "varchar", "Document the file produced (first one for a JSON lines file)."),
        _c("last_run_id", STR, "varchar not null", "Run that last looked at the file."),
    ),
    "quarantine": (
        _c("path", STR, "varchar not null", "File (with :line for a JSON lines record)."),
        _c("content_sha256", STR, "varchar", "sha256 of the rejected bytes, when they could be read."),
        _c("reason", STR, "varchar not null", "Why it was rejected, in words."),
        _c("kept_copy", STR, "varchar", "Where a copy of the original bytes is kept."),
        _c("run_id", STR, "varchar not null", "Run that rejected it."),
        _c("detected_at", TS, "timestamptz not null", "When."),
    ),
}


def polars_schema(table: str) -> pl.Schema:
    """The Polars schema of a table, in column order."""
    return pl.Schema([(c.name, c.polars) for c in TABLES[table]])


def empty(table: str) -> pl.DataFrame:
    """An empty frame with the table's schema."""
    return pl.DataFrame(schema=polars_schema(table))


def conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Select and cast ``frame`` to the table's columns, in order; missing columns become null."""
    schema = polars_schema(table)
    return frame.select(
        [
            (pl.col(n) if n in frame.columns else pl.lit(None)).cast(t).alias(n)
            for n, t in schema.items()
        ]
    )
