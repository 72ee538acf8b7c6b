"""Direct quotes and their speakers.

Interface:
- ``find_quotes(text, sentence_spans) -> list[Quote]``: quotes in one document's text;
  ``sentence_spans`` are the (start, end) of its sentences in order; offsets into ``text``.
- ``quotes(documents, sentences) -> pl.DataFrame``: documents has doc_id, text; sentences
  is the sentences table; output conforms to ``schema.TABLES["quotes"]`` with
  quote_group_id null.
- ``quote_groups(quotes) -> pl.DataFrame``: the same frame with quote_group_id set, linking
  the same statement across documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import polars as pl


class Quote(NamedTuple):
    start: int
    end: int
    text: str
    sentence_no: int
    speaker: str | None
    speaker_description: str | None
    is_partial: bool


def find_quotes(text: str, sentence_spans: Sequence[tuple[int, int]]) -> list[Quote]:
    raise NotImplementedError


def quotes(documents: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """One row per direct quote."""
    raise NotImplementedError


def quote_groups(quotes: pl.DataFrame) -> pl.DataFrame:
    """Set quote_group_id: one id per statement carried by one or more documents."""
    raise NotImplementedError
