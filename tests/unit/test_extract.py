"""The extract edge on real files: every kind of unreadable input becomes a rejection with a
clear reason, and unchanged files are skipped from their stat alone."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from flows import extract
from flows.extract import LedgerRow, discover, read_bytes, read_files
from transforms.records import sha256

GOOD = b"Officials said 12 people were hurt on Monday.\n"


def _reasons(tmp_path: Path, max_bytes: int = 1 << 20) -> dict[str, str]:
    result = read_files(discover([tmp_path]), {}, max_bytes)
    return {Path(r.source).name: r.reason for r in result.rejections}


def test_oversized_file_is_rejected_without_reading_it(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 2048)
    (tmp_path / "ok.txt").write_bytes(GOOD)
    reasons = _reasons(tmp_path, max_bytes=1024)
    assert reasons == {"big.txt": "file too large: 2048 bytes > limit 1024"}


def test_symlink_loop_and_broken_link_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)  # a directory loop
    (tmp_path / "sub" / "ok.txt").write_bytes(GOOD)
    entries = discover([tmp_path])
    assert sum(e.path.endswith("ok.txt") for e in entries) == 1, "the directory loop is walked once"
    reasons = _reasons(tmp_path)
    assert reasons["a.txt"] == "symlink loop"
    assert reasons["b.txt"] == "symlink loop"
    assert reasons["gone.txt"] == "broken symlink (target missing)"


def test_file_that_disappears_during_the_run(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(GOOD)
    entries = discover([tmp_path])
    victim.unlink()  # between discovery and reading
    result = read_files(entries, {}, 1 << 20)
    assert [(Path(r.source).name, r.reason) for r in result.rejections] == [
        ("victim.txt", "file disappeared during the run")]
    assert result.files[str(victim)][3] == "quarantined"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: permissions cannot be denied to this user")
def test_unreadable_permissions(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_bytes(GOOD)
    locked.chmod(0)
    try:
        assert _reasons(tmp_path) == {"locked.txt": "unreadable: permission denied"}
    finally:
        locked.chmod(0o644)


def test_fifo_named_like_an_article_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block the run forever
    assert _reasons(tmp_path) == {"pipe.txt": "not a regular file"}


def test_unchanged_file_is_skipped_without_reading_and_touched_file_by_hash(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(GOOD)
    st = f.stat()
    ledger = {str(f): LedgerRow(st.st_size, st.st_mtime_ns, sha256(GOOD), "loaded", "d1")}
    f.chmod(0o644)
    result = read_files(discover([tmp_path]), ledger, 1 << 20)
    assert result.unchanged == [str(f)]
    assert str(f) not in result.files
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, same bytes
    result = read_files(discover([tmp_path]), ledger, 1 << 20)
    assert result.unchanged == [str(f)]
    assert result.records == []
    f.write_bytes(GOOD + b"More.\n")  # changed
    result = read_files(discover([tmp_path]), ledger, 1 << 20)
    assert result.unchanged == []
    assert len(result.records) == 1


@pytest.mark.parametrize("size", [0, 1, 4096, 100_000])
def test_read_bytes_reads_whole_files_up_to_the_limit(tmp_path: Path, size: int) -> None:
    f = tmp_path / "a.txt"
    data = os.urandom(size)
    f.write_bytes(data)
    assert read_bytes(f, 100_000) == data
    if size:
        with pytest.raises(OSError, match="grew past the limit") as err:
            read_bytes(f, size - 1)
        assert err.value.errno == errno.EFBIG


def test_read_bytes_reads_on_when_the_file_is_longer_than_its_size_at_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file still being written is longer when read than when opened: its size at open,
    # made smaller here, only sizes the first read.
    f = tmp_path / "growing.txt"
    data = os.urandom(3 * extract.GROWN_READ_BYTES + 17)
    f.write_bytes(data)
    real_fstat = os.fstat

    def smaller(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((*st[:6], 10, *st[7:]))  # st_size is field 6

    monkeypatch.setattr(extract.os, "fstat", smaller)
    assert read_bytes(f, len(data)) == data
    with pytest.raises(OSError, match="grew past the limit") as err:
        read_bytes(f, len(data) - 1)
    assert err.value.errno == errno.EFBIG


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_read_bytes_of_a_file_that_reports_size_zero() -> None:
    data = read_bytes(Path("/proc/self/status"), 1_000_000)
    assert data.startswith(b"Name:")
    assert len(data) > 100
