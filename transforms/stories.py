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
"""

from __future__ import annotations

import polars as pl


def duplicates(documents: pl.DataFrame) -> pl.DataFrame:
    raise NotImplementedError


def assign_stories(documents: pl.DataFrame) -> pl.DataFrame:
    raise NotImplementedError


def stories(documents: pl.DataFrame) -> pl.DataFrame:
    """One row per story."""
    raise NotImplementedError
