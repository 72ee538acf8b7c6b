"""Sentence segmentation with exact character offsets.

Interface (used by transforms/pipeline.py, quotes, numbers):
- ``split_sentences(text) -> list[Sentence]``: one item per sentence of ``text``;
  ``text[s.start:s.end]`` is the sentence, whitespace trimmed; ``paragraph_no`` counts
  blank-line separated blocks (0-based); ``role`` is "body", "heading" or "list_item".
- ``sentences(documents) -> pl.DataFrame``: one row per sentence; input columns doc_id, text;
  output conforms to ``schema.TABLES["sentences"]``.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl


class Sentence(NamedTuple):
    start: int
    end: int
    paragraph_no: int
    role: str


def split_sentences(text: str) -> list[Sentence]:
    raise NotImplementedError


def sentences(documents: pl.DataFrame) -> pl.DataFrame:
    """One row per sentence of each document's cleaned text."""
    raise NotImplementedError
