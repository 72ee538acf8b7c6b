from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.text import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc\n", "a\nb\nc\n"),
        ("1,000\u00a0troops", "1,000 troops"),
        ("narrow\u202fspace and\u2009thin\u3000ideographic", "narrow space and thin ideographic"),
        ("zero\u200bwidth\u200d join\ufeff", "zerowidth join"),
        ("soft\u00adhyphen", "softhyphen"),
        ("line\u2028sep", "line\nsep"),
        ("Cafe\u0301", "Café"),  # NFD -> NFC
        ("plain ascii stays", "plain ascii stays"),
    ],
)
def test_normalise_rewrites_layout_characters(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize("kept", ["“quoted” ‘single’", "\"straight\" 'single'", "en – em — minus −", "a -- b", "tab\there"])
def test_normalise_keeps_quotes_dashes_and_tabs(kept: str) -> None:
    assert normalise(kept) == kept


def test_normalise_does_not_strip_or_collapse() -> None:
    assert normalise("  two  spaces \n\n\n") == "  two  spaces \n\n\n"


@given(st.text())
def test_normalise_is_idempotent_and_nfc(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)
