"""The extract edge: find files, decide what changed, read bytes, keep rejected bytes.

A file whose size and modification time match the ledger is skipped without being read;
one whose bytes hash to the ledger's sha256 is skipped after reading. Everything else is
parsed (``transforms.records``) into records or rejections.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from transforms.records import Record, Rejection, file_format, parse_bytes, sha256


class InputPathError(FileNotFoundError):
    """A path named on the command line does not exist."""


# Named tuples, not frozen dataclasses: one of each is made per file and per ledger row, and
# a frozen dataclass is slower to build (100,000 ledger rows: 0.12-0.18 s against 0.07-0.12).
class FileEntry(NamedTuple):
    path: str
    size: int | None
    mtime_ns: int | None
    problem: str | None = None  # set when the file cannot even be looked at


class LedgerRow(NamedTuple):
    size: int | None
    mtime_ns: int | None
    content_sha256: str | None
    status: str
    doc_id: str | None


@dataclass
class ReadResult:
    """What reading a batch of files produced."""

    records: list[Record] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    # path -> (size, mtime_ns, sha256 or None, status hint, doc ids)
    files: dict[str, tuple[int | None, int | None, str | None, str, list[str]]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)


def discover(paths: Sequence[Path]) -> list[FileEntry]:
    """Every article file under ``paths`` (recursively), sorted; problems are entries too."""
    found: dict[str, FileEntry] = {}
    for root in (p if p.is_absolute() else p.absolute() for p in paths):
        if not root.exists() and not root.is_symlink():
            raise InputPathError(f"no such file or folder: {root}")
        if root.is_dir():
            seen_dirs: set[tuple[int, int]] = set()
            for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
                try:
                    st = Path(dirpath).stat()
                except OSError:
                    dirnames[:] = []
                    continue
                if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop
                    dirnames[:] = []
                    continue
                seen_dirs.add((st.st_dev, st.st_ino))
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in filenames:
                    if not name.startswith(".") and file_format(name):
                        entry = _entry_at(dirpath.rstrip(os.sep) + os.sep + name)
                        found.setdefault(entry.path, entry)
        else:
            entry = _entry(root)
            found.setdefault(entry.path, entry)
    return [found[k] for k in sorted(found)]


def _entry(path: Path) -> FileEntry:
    return _entry_at(str(path if path.is_absolute() else path.absolute()))


def _entry_at(key: str) -> FileEntry:
    """The entry of the absolute path ``key``: one stat call (the type comes from st_mode)."""
    try:
        st = os.stat(key)  # noqa: PTH116  (a string path: no Path object per file on the hot path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return FileEntry(key, None, None, "symlink loop")
        if Path(key).is_symlink():
            return FileEntry(key, None, None, "broken symlink (target missing)")
        return FileEntry(key, None, None, f"cannot stat: {exc.strerror}")
    if not stat.S_ISREG(st.st_mode):
        return FileEntry(key, None, None, "not a regular file")
    return FileEntry(key, st.st_size, st.st_mtime_ns)


def is_unchanged(entry: FileEntry, ledger: Mapping[str, LedgerRow]) -> bool:
    row = ledger.get(entry.path)
    return (
        row is not None and entry.problem is None and row.size == entry.size
        and row.mtime_ns == entry.mtime_ns
        and (row.status in ("loaded", "duplicate") or (row.status == "quarantined" and row.content_sha256 is not None))
    )


def read_files(entries: Iterable[FileEntry], ledger: Mapping[str, LedgerRow], max_bytes: int) -> ReadResult:
    """Read and parse the files that changed; record the rest as unchanged."""
    out = ReadResult()
    for e in entries:
        if is_unchanged(e, ledger):
            out.unchanged.append(e.path)
            continue
        if e.problem:
            out.rejections.append(Rejection(e.path, e.problem, None))
            out.files[e.path] = (e.size, e.mtime_ns, None, "quarantined", [])
            continue
        if e.size is not None and e.size > max_bytes:
            out.rejections.append(Rejection(e.path, f"file too large: {e.size} bytes > limit {max_bytes}", None))
            out.files[e.path] = (e.size, e.mtime_ns, None, "quarantined", [])
            continue
        try:
            data = read_bytes(Path(e.path), max_bytes)
        except FileNotFoundError:
            out.rejections.append(Rejection(e.path, "file disappeared during the run", None))
            out.files[e.path] = (e.size, e.mtime_ns, None, "quarantined", [])
            continue
        except PermissionError:
            out.rejections.append(Rejection(e.path, "unreadable: permission denied", None))
            out.files[e.path] = (e.size, e.mtime_ns, None, "quarantined", [])
            continue
        except OSError as exc:
            out.rejections.append(Rejection(e.path, f"unreadable: {exc.strerror or exc}", None))
            out.files[e.path] = (e.size, e.mtime_ns, None, "quarantined", [])
            continue
        digest = sha256(data)
        row = ledger.get(e.path)
        if row is not None and row.content_sha256 == digest and row.status in ("loaded", "duplicate"):
            out.unchanged.append(e.path)  # touched, not changed
            out.files[e.path] = (len(data), e.mtime_ns, digest, row.status, [row.doc_id] if row.doc_id else [])
            continue
        fmt = file_format(e.path) or "txt"
        records, rejections = parse_bytes(e.path, data, fmt)
        out.records.extend(records)
        out.rejections.extend(rejections)
        status = "loaded" if records else "quarantined"
        out.files[e.path] = (len(data), e.mtime_ns, digest, status, [r.doc_id for r in records])
    return out


GROWN_READ_BYTES = 1 << 20  # reads after the first, when a file is longer than it was at open


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, at most ``max_bytes`` (``OSError`` EFBIG past that).

    The first read asks for the size the file has when opened (one byte more, to see it grow),
    not for ``max_bytes``: a buffer of the limit (20 MB) allocated and shrunk for every file
    took 27 us a file instead of 7.5 alone, and more with the parse threads reading at once
    (``read_bytes`` was 4.9% of a 100,000-article run's CPU). A file longer than its size
    at open (still being written, or a special file reporting 0) is read on to the limit.
    """
    parts: list[bytes] = []
    total = 0
    with path.open("rb", buffering=0) as fh:
        want = min(os.fstat(fh.fileno()).st_size, max_bytes) + 1
        while total <= max_bytes:
            chunk = fh.read(min(want, max_bytes + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            want = GROWN_READ_BYTES
    if total > max_bytes:
        raise OSError(errno.EFBIG, f"file grew past the limit of {max_bytes} bytes while read")
    return b"".join(parts)  # one part: that very bytes object, not a copy


def keep_copy(source: str, quarantine_dir: Path) -> str | None:
    """Copy a rejected file's original bytes under the warehouse folder; None if unreadable."""
    path = Path(source.rsplit(":", 1)[0]) if not Path(source).exists() and ":" in source else Path(source)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / f"{sha256(data)[:16]}_{path.name}"
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        with tmp.open("wb") as fh:
            fh.write(data)
        tmp.replace(target)
    return str(target)
