"""Numeric mentions as intervals, with qualifier, kind and what is counted.

Interface:
- ``find_numbers(text) -> list[Mention]``: mentions in one piece of text (usually one
  sentence), offsets relative to ``text``.
- ``numbers(sentences) -> pl.DataFrame``: input columns doc_id, sentence_no, char_start,
  text, role (the sentences table); one row per mention with offsets into the document
  text; output conforms to ``schema.TABLES["numbers"]``.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl


class Mention(NamedTuple):
    start: int
    end: int
    surface: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    kind: str
    unit: str | None
    unit_group: str | None
    currency: str | None


def find_numbers(text: str) -> list[Mention]:
    raise NotImplementedError


def numbers(sentences: pl.DataFrame) -> pl.DataFrame:
    """One row per numeric mention."""
    raise NotImplementedError
