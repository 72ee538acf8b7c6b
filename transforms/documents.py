"""Document metadata and clean body text from messy plain text (and news-please fields).

Interface:
- ``parse_document(raw_text, meta=None) -> ParsedDocument``: ``meta`` holds news-please
  fields when the record had them (title, description, authors, date_publish,
  source_domain, url, language); the text is always parsed too, to fill gaps and to strip
  header lines and debris from the body.
- ``documents(records) -> pl.DataFrame``: input columns doc_id, source_path, source_format,
  content_sha256, raw_text, meta_json (JSON object string or null); output conforms to
  ``schema.TABLES["documents"]`` (story_id, duplicate_of, duplicate_similarity, run_id null).

The body (``text``) keeps paragraphs separated by one blank line ("\n\n"); a subheading
stays as its own paragraph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl


@dataclass
class ParsedDocument:
    text: str
    title: str | None = None
    subtitle: str | None = None
    outlet: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    wire_agencies: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_place: str | None = None
    section: str | None = None
    external_id: str | None = None
    published_at: datetime | None = None  # timezone-aware, UTC
    published_at_tz: str | None = None
    published_at_source: str | None = None
    language: str | None = None
    debris: list[str] = field(default_factory=list)


def parse_document(raw_text: str, meta: Mapping[str, Any] | None = None) -> ParsedDocument:
    raise NotImplementedError


def documents(records: pl.DataFrame) -> pl.DataFrame:
    """One row per article record."""
    raise NotImplementedError
