"""Raw bytes to article records, or a reason to reject them.

Pure: the caller reads the bytes; this module decides what they are. Every input either
becomes records or rejections, never an exception (the fuzz tests hold it to that).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

# news-please fields kept as metadata (the rest of a record is ignored).
META_FIELDS = (
    "title", "description", "authors", "date_publish", "date_modify", "source_domain", "url",
    "language", "title_page", "title_rss",
)
FORMATS = {".txt": "txt", ".text": "txt", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# Control characters that never occur in text (tab, LF, CR, FF are fine).
_BINARY_BYTES = bytes(range(0, 9)) + bytes([11]) + bytes(range(14, 32))
# cp1252 leaves these bytes undefined: if they occur, the text is not cp1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


@dataclass(frozen=True)
class Record:
    """One article: a .txt file, a .json file or one line of a .jsonl file."""

    source: str  # path, with ":N" (1-based line) for a JSON lines record
    source_format: str
    content_sha256: str
    raw_text: str
    meta_json: str | None
    note: str | None = None  # e.g. "decoded as cp1252"

    @property
    def doc_id(self) -> str:
        return self.content_sha256[:16]

    @property
    def encoding(self) -> str:
        """How the bytes were decoded: utf-8, or cp1252 when ``decode`` recovered them."""
        return "cp1252" if self.note and self.note.endswith(_CP1252_NOTE) else "utf-8"


@dataclass(frozen=True)
class Rejection:
    source: str
    reason: str
    content_sha256: str | None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_format(name: str) -> str | None:
    """txt, json or jsonl from the file name's suffix; None for anything else."""
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot >= 0 else None


_CP1252_NOTE = "decoded as cp1252"


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Text and a note, or None and the reason it is not text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        return None, "binary content (NUL bytes)"
    sample = data[:65536]
    if sample and (len(sample) - len(sample.translate(None, _BINARY_BYTES))) / len(sample) > 0.01:
        return None, "binary content (control characters)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        utf8_error = f"invalid UTF-8 at byte {exc.start}"
    # cp1252 is recovered only when the decode is certain: no undefined bytes, and the
    # non-ASCII bytes are mostly the punctuation and Latin letters cp1252 exists for.
    if any(b in _CP1252_UNDEFINED for b in data):
        return None, utf8_error
    high = [b for b in data if b >= 0x80]
    plausible = sum(1 for b in high if 0x91 <= b <= 0x97 or b >= 0xC0 or b in (0x85, 0xA0, 0xA3, 0xA9, 0xB0))
    if high and plausible / len(high) >= 0.9:
        return data.decode("cp1252"), f"{utf8_error}; {_CP1252_NOTE}"
    return None, utf8_error


def _meta(obj: dict[str, Any]) -> str:
    return json.dumps({k: obj.get(k) for k in META_FIELDS if obj.get(k) is not None}, ensure_ascii=False, default=str)


def _from_object(source: str, fmt: str, digest: str, obj: Any, note: str | None) -> Record | Rejection:
    if not isinstance(obj, dict):
        return Rejection(source, f"JSON value is a {type(obj).__name__}, not an article object", digest)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return Rejection(source, "JSON record without text", digest)
    if "\x00" in text:
        return Rejection(source, "JSON text holds NUL characters", digest)
    return Record(source, fmt, digest, text, _meta(obj), note)


def parse_bytes(source: str, data: bytes, fmt: str) -> tuple[list[Record], list[Rejection]]:
    """Records and rejections for one file's bytes; ``fmt`` is txt, json or jsonl."""
    digest = sha256(data)
    if not data.strip():
        return [], [Rejection(source, "empty file" if not data else "whitespace-only file", digest)]
    text, note = decode(data)
    if text is None:
        return [], [Rejection(source, note or "undecodable", digest)]
    if fmt == "txt":
        if not text.strip():
            return [], [Rejection(source, "no visible text", digest)]
        return [Record(source, "txt", digest, text, None, note)], []
    if fmt == "json":
        try:
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            return [], [Rejection(source, f"malformed JSON: {exc}", digest)]
        items = obj if isinstance(obj, list) else [obj]
        if not items:
            return [], [Rejection(source, "JSON list is empty", digest)]
        records: list[Record] = []
        rejections: list[Rejection] = []
        for i, item in enumerate(items):
            src = source if len(items) == 1 else f"{source}:{i + 1}"
            item_digest = digest if len(items) == 1 else sha256(json.dumps(item, sort_keys=True).encode())
            r = _from_object(src, "json", item_digest, item, note)
            (records if isinstance(r, Record) else rejections).append(r)  # type: ignore[arg-type]
        return records, rejections
    # JSON lines: good lines load, bad lines are rejected one by one.
    records, rejections = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        src = f"{source}:{n}"
        line_digest = sha256(line.encode("utf-8"))
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            rejections.append(Rejection(src, f"malformed JSON line: {exc}", line_digest))
            continue
        r = _from_object(src, "jsonl", line_digest, obj, note)
        (records if isinstance(r, Record) else rejections).append(r)  # type: ignore[arg-type]
    if not records and not rejections:
        rejections.append(Rejection(source, "JSON lines file without records", digest))
    return records, rejections
