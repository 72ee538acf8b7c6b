"""Bytes -> records or rejections: every input gets one or the other, never an exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.records import Record, Rejection, decode, file_format, parse_bytes


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.txt", "txt"), ("A.JSON", "json"), ("x.jsonl", "jsonl"), ("x.ndjson", "jsonl"), ("x.md", None), ("noext", None)],
)
def test_file_format_by_suffix(name: str, fmt: str | None) -> None:
    assert file_format(name) == fmt


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "whitespace-only file"),
        (b"abc\x00def", "binary content (NUL bytes)"),
        (bytes(range(1, 32)) * 10, "binary content (control characters)"),
        (b"caf\x81 \x90", "invalid UTF-8 at byte 3"),
    ],
)
def test_parse_bytes_rejects_non_text(data: bytes, reason: str) -> None:
    records, rejections = parse_bytes("f.txt", data, "txt")
    assert records == []
    assert [r.reason for r in rejections] == [reason]


def test_decode_recovers_certain_cp1252_and_says_so() -> None:
    text, note = decode("\u201cQuoted\u201d caf\u00e9 \u2013 5\u00b0".encode("cp1252"))
    assert text == "\u201cQuoted\u201d caf\u00e9 \u2013 5\u00b0"
    assert note is not None
    assert "decoded as cp1252" in note


def test_decode_strips_utf8_bom() -> None:
    assert decode(b"\xef\xbb\xbfHello") == ("Hello", None)


def test_json_record_keeps_news_please_fields() -> None:
    data = json.dumps({"title": "T", "text": "Body 12.", "source_domain": "x.com", "junk": 1}).encode()
    (record,), rejections = parse_bytes("a.json", data, "json")
    assert rejections == []
    assert record.raw_text == "Body 12."
    assert record.source_format == "json"
    assert json.loads(record.meta_json or "{}") == {"title": "T", "source_domain": "x.com"}
    assert len(record.doc_id) == 16


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"text": ', "malformed JSON"),
        (b'{"title": "x"}', "JSON record without text"),
        (b'{"text": "   "}', "JSON record without text"),
        (b'"just a string"', "not an article object"),
        (b"[]", "JSON list is empty"),
    ],
)
def test_json_rejections(data: bytes, reason: str) -> None:
    records, rejections = parse_bytes("a.json", data, "json")
    assert records == []
    assert reason in rejections[0].reason


def test_jsonl_good_lines_load_bad_lines_are_rejected() -> None:
    lines = [json.dumps({"text": "One."}), "{broken", json.dumps({"title": "no text"}), "", json.dumps({"text": "Two."})]
    records, rejections = parse_bytes("f.jsonl", "\n".join(lines).encode(), "jsonl")
    assert [r.raw_text for r in records] == ["One.", "Two."]
    assert [r.source for r in records] == ["f.jsonl:1", "f.jsonl:5"]
    assert [(r.source, r.reason.split(":")[0]) for r in rejections] == [
        ("f.jsonl:2", "malformed JSON line"), ("f.jsonl:3", "JSON record without text")]


def test_same_content_same_doc_id() -> None:
    (a,), _ = parse_bytes("a.txt", b"Same text.", "txt")
    (b,), _ = parse_bytes("b.txt", b"Same text.", "txt")
    assert a.doc_id == b.doc_id
    assert a.source != b.source


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["txt", "json", "jsonl"]))
def test_fuzz_random_bytes_never_crash(data: bytes, fmt: str) -> None:
    records, rejections = parse_bytes("fuzz", data, fmt)
    assert all(isinstance(r, Record) and r.raw_text.strip() for r in records)
    assert all(isinstance(r, Rejection) and r.reason for r in rejections)
    assert records or rejections


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_fuzz_random_unicode_text_loads_or_is_rejected(text: str) -> None:
    records, rejections = parse_bytes("fuzz.txt", text.encode("utf-8", "surrogatepass"), "txt")
    assert bool(records) != bool(rejections)
