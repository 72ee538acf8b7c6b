"""Worker processes that apply one pure frame function to chunks of frames, in order.

A run's pure-Python steps (facts) use one core under the GIL; these workers give them the
others. Each worker is a child interpreter started with ``python -c``: unlike a
``multiprocessing`` spawn, it never imports the caller's main module again, so a script
without an ``if __name__ == "__main__":`` guard, or one read from standard input, is safe.
Frames go to the child and back over its pipes as Arrow IPC; the child imports only the
function's module.

``WorkerPool(target, n)`` lends its workers to threads, a call each (the parse tasks);
``FrameWorkers(target, n).map(inputs)`` yields ``target(*frames)`` for each tuple of frames
of ``inputs``, in the order of ``inputs``, with at most ``2 * n`` inputs taken ahead of the
results read. An exception in the function is raised in the caller as ``WorkerError`` with
the child's traceback; a child that dies or cannot start raises ``WorkerCrashed``, so the
caller may do the remaining work itself.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import queue
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterable, Iterator
from typing import IO, Any

import polars as pl

Frames = tuple[pl.DataFrame, ...]

_ERROR = 0xFFFFFFFF  # frame count that announces a traceback instead of frames


class WorkerError(RuntimeError):
    """The function raised in a worker; the message carries the worker's traceback."""


class WorkerCrashed(RuntimeError):
    """A worker process could not start or ended before answering."""


def _write_frames(out: IO[bytes], frames: Iterable[pl.DataFrame]) -> None:
    blobs = []
    for frame in frames:
        buf = io.BytesIO()
        frame.write_ipc(buf)
        blobs.append(buf.getvalue())
    out.write(struct.pack("<I", len(blobs)))
    for blob in blobs:
        out.write(struct.pack("<Q", len(blob)))
        out.write(blob)
    out.flush()


def _read_exact(inp: IO[bytes], n: int) -> bytes:
    data = inp.read(n)
    if data is None or len(data) < n:
        raise EOFError
    return data


def _read_frames(inp: IO[bytes]) -> Frames:
    (count,) = struct.unpack("<I", _read_exact(inp, 4))
    if count == _ERROR:
        (size,) = struct.unpack("<Q", _read_exact(inp, 8))
        raise WorkerError(_read_exact(inp, size).decode("utf-8", "replace"))
    frames = []
    for _ in range(count):
        (size,) = struct.unpack("<Q", _read_exact(inp, 8))
        frames.append(pl.read_ipc(io.BytesIO(_read_exact(inp, size))))
    return tuple(frames)


def serve(target: str) -> None:
    """The child's loop: read frames from stdin, write ``target(*frames)`` to stdout, until EOF."""
    module, name = target.split(":")
    func = getattr(importlib.import_module(module), name)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a print in the function must not corrupt the pipe
    while True:
        try:
            frames = _read_frames(inp)
        except EOFError:
            return
        try:
            result = func(*frames)
        except Exception:
            text = traceback.format_exc().encode()
            out.write(struct.pack("<I", _ERROR) + struct.pack("<Q", len(text)) + text)
            out.flush()
            continue
        _write_frames(out, result)


class FrameWorker:
    """One child interpreter applying ``target`` ("module:function") to frames, a call at a time."""

    def __init__(self, target: str, python: str | None = None) -> None:
        env = dict(os.environ)
        path = [p for p in sys.path if p]  # the caller's imports resolve the same way in the child
        env["PYTHONPATH"] = os.pathsep.join(path + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        code = f"from flows.workers import serve; serve({target!r})"
        try:
            self.proc = subprocess.Popen([python or sys.executable, "-c", code],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        except OSError as exc:
            raise WorkerCrashed(f"cannot start a worker: {exc}") from exc

    def call(self, frames: Frames) -> Frames:
        """``target(*frames)`` in the child; WorkerError if it raised, WorkerCrashed if the child is gone."""
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        try:
            _write_frames(self.proc.stdin, frames)
            return _read_frames(self.proc.stdout)
        except (EOFError, OSError, ValueError) as exc:  # ValueError: the pipe was closed by close()
            raise WorkerCrashed(f"worker {self.proc.pid} ended (exit code {self.proc.poll()})") from exc

    def close(self) -> None:
        """End the child: it finishes its call, if any, and reads the end of its input."""
        if self.proc.stdin:
            with contextlib.suppress(OSError):  # a dead worker's pipe
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


class WorkerPool:
    """``n`` FrameWorkers lent to threads, one call at a time each (``with pool.lend() as w``)."""

    def __init__(self, target: str, n: int, python: str | None = None) -> None:
        self.target, self.python = target, python
        self._idle: queue.Queue[FrameWorker] = queue.Queue()
        self._all: list[FrameWorker] = []
        try:
            for _ in range(n):
                self._all.append(FrameWorker(target, python))
                self._idle.put(self._all[-1])
        except WorkerCrashed:
            self.close()
            raise

    @contextlib.contextmanager
    def lend(self) -> Iterator[FrameWorker]:
        worker = self._idle.get()
        try:
            yield worker
        except WorkerCrashed:
            # The lent child is gone: a fresh one takes its place for the next caller.
            worker.close()
            self._all.remove(worker)
            worker = FrameWorker(self.target, self.python)
            self._all.append(worker)
            raise
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        for worker in self._all:
            worker.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FrameWorkers:
    """``n`` child interpreters applying ``target`` ("module:function") to a stream of inputs."""

    def __init__(self, target: str, n: int, python: str | None = None) -> None:
        self.target = target
        self.n = n
        self.python = python

    def map(self, inputs: Iterable[Frames]) -> Iterator[Frames]:
        """``target(*frames)`` for each input, in order (see the module's docstring)."""
        todo: queue.Queue[tuple[int, Frames] | None] = queue.Queue()
        done: dict[int, tuple[bool, Any]] = {}
        ready = threading.Condition()
        workers: list[FrameWorker] = []
        for _ in range(self.n):
            try:
                workers.append(FrameWorker(self.target, self.python))
            except WorkerCrashed:
                for w in workers:
                    w.close()
                raise

        def feed(worker: FrameWorker) -> None:
            while (item := todo.get()) is not None:
                i, frames = item
                try:
                    answer: tuple[bool, Any] = (True, worker.call(frames))
                except (WorkerError, WorkerCrashed) as exc:
                    answer = (False, exc)
                with ready:
                    done[i] = answer
                    ready.notify_all()
                if isinstance(answer[1], WorkerCrashed):
                    return

        threads = [threading.Thread(target=feed, args=(w,), daemon=True) for w in workers]
        for t in threads:
            t.start()
        try:
            source = iter(inputs)
            sent = taken = 0
            exhausted = False
            while True:
                while not exhausted and sent - taken < 2 * self.n:
                    item = next(source, None)
                    if item is None:
                        exhausted = True
                    else:
                        todo.put((sent, item))
                        sent += 1
                if taken == sent:
                    return
                with ready:
                    while taken not in done:
                        if not any(t.is_alive() for t in threads):
                            raise WorkerCrashed("every worker ended before answering")
                        ready.wait(1.0)
                    ok, value = done.pop(taken)
                taken += 1
                if not ok:
                    raise value
                yield value
        finally:
            while True:  # inputs not yet taken by a worker are dropped (the caller stopped early)
                try:
                    todo.get_nowait()
                except queue.Empty:
                    break
            for _ in threads:
                todo.put(None)
            for w in workers:
                w.close()
