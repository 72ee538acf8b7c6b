"""Fuzzing `newsledger parse -`: random Unicode text and random bytes never crash it.

Every input either parses (the ``parse --json`` contract, offsets included) or is reported
as rejected with a reason. Many examples run in-process (``parse_inputs`` with standard input
replaced); a few go through the real command line in a subprocess.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.parse import parse_inputs
from tests.conftest import ROOT

NEWSLEDGER = str(Path(sys.executable).parent / "newsledger")

# Pieces of real news text, so random inputs also reach the number, quote and header rules.
FRAGMENTS = [
    "KABUL, July 5 (Reuters) - ", "More than 1,000 Afghan troops fled", " about 500 ", "dozens of ", "$3.5 billion",
    "12%", " between 10 and 20 km", "“We are leaving,” said a soldier.", '"No," he said. ', "\n\n", "Title\n\n",
    "By John Smith\n", "Published: 2021-07-05 10:00 GMT\n", "News ID: 314510\n", "Security Key: ", "...", " ",
    "٣٤٥", "一千", "½", "1.", "\u200b", "\r\n", "\t", "—", "’", "(", ")", "•",
]
newsish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40).map("".join)
texts = st.one_of(st.text(), newsish)
blobs = st.one_of(st.binary(max_size=2000), texts.map(lambda t: t.encode("utf-8")),
                  texts.map(lambda t: t.encode("utf-16")), texts.map(lambda t: t.encode("cp1252", "ignore")))


@contextmanager
def stdin_bytes(data: bytes) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        yield
    finally:
        sys.stdin = saved


def check_items(items: list[dict[str, Any]]) -> None:
    """The contract: at least one item; each a rejection with a reason or a parsed record."""
    assert items, "no output at all for an input"
    for item in items:
        json.dumps(item, ensure_ascii=False, default=str)
        if "error" in item:
            assert set(item) == {"source", "error"}
            assert isinstance(item["error"], str)
            assert item["error"].strip()
            continue
        assert set(item) == {"source", "text", "document", "sentences", "quotes", "numbers"}
        text = item["text"]
        if not text.strip():  # the whole input was header or web debris: nothing to find in the body
            assert item["sentences"] == []
            assert item["numbers"] == []
            assert item["quotes"] == []
        for s in item["sentences"]:
            assert 0 <= s["start"] < s["end"] <= len(text)
            assert text[s["start"]:s["end"]] == s["text"]
        for n in item["numbers"]:
            assert text[n["start"]:n["end"]] == n["surface"]
            if n["low"] is not None and n["high"] is not None:
                assert n["low"] <= n["high"]
        for q in item["quotes"]:
            assert text[q["start"]:q["end"]] == q["text"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=blobs)
def test_parse_stdin_never_crashes_in_process(data: bytes) -> None:
    with stdin_bytes(data):
        items = list(parse_inputs(["-"]))
    check_items(items)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(blobs, texts.map(lambda t: t.encode("utf-8"))))
def test_parse_cli_never_crashes(data: bytes) -> None:
    proc = subprocess.run([NEWSLEDGER, "parse", "-", "--json"], input=data, capture_output=True, cwd=ROOT,
                          timeout=60, check=False)
    assert proc.returncode in (0, 3), proc.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in proc.stderr
    items = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    check_items(items)
    assert (proc.returncode == 3) == any("error" in i for i in items)
