"""Worker processes that apply one pure frame function to chunks of frames, in order.

A run's pure-Python steps (facts) use one core under the GIL; these workers give them the
others. Each worker is a child interpreter started with ``python -c``: unlike a
``multiprocessing`` spawn, it never imports the caller's main module again, so a script
without an ``if __name__ == "__main__":`` guard, or one read from standard input, is safe.
Frames go to the child and back as Arrow IPC files in a private temporary folder (a line on
the child's pipes names them): Polars writes and reads them itself, so no frame passes
through a Python bytes object (large short-lived buffers read in several threads left the
run's heap fragmented). The child imports only the function's module.

``WorkerPool(target, n)`` lends its workers to threads, a call each (the parse tasks);
``FrameWorkers(target, n).map(inputs)`` yields ``target(*frames)`` for each tuple of frames
of ``inputs``, in the order of ``inputs``, with at most ``2 * n`` inputs taken ahead of the
results read. An exception in the function is raised in the caller as ``WorkerError`` with
the child's traceback; a child that dies or cannot start raises ``WorkerCrashed``, so the
caller may do the remaining work itself.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

Frames = tuple[pl.DataFrame, ...]


class WorkerError(RuntimeError):
    """The function raised in a worker; the message carries the worker's traceback."""


class WorkerCrashed(RuntimeError):
    """A worker process could not start or ended before answering."""


def _save(frames: Iterable[pl.DataFrame], folder: str) -> list[str]:
    """Write frames as Arrow IPC files in ``folder``; their paths."""
    paths = []
    for frame in frames:
        path = Path(folder) / f"{uuid.uuid4().hex}.arrow"
        frame.write_ipc(path)
        paths.append(str(path))
    return paths


def _load(paths: list[str]) -> Frames:
    """Read and delete the files ``_save`` wrote."""
    frames = []
    for path in paths:
        frames.append(pl.read_ipc(path))
        Path(path).unlink()
    return tuple(frames)


def serve(target: str) -> None:
    """The child's loop: for each request line on stdin, ``target(*frames)``, until EOF.

    A request names the input files and the folder for the results; the answer line names
    the result files, or carries the traceback of the function's exception.
    """
    module, name = target.split(":")
    func = getattr(importlib.import_module(module), name)
    # What the imports made (modules, lexicons, compiled patterns) is never garbage: frozen,
    # the collector's full passes during a call do not walk it (the sentences stage went
    # 0.38-0.42 -> 0.31-0.33 CPU-s on 4,000 bench articles, about a fifth of its time).
    gc.freeze()
    inp, out = sys.stdin, sys.stdout
    sys.stdout = sys.stderr  # a print in the function must not corrupt the answers
    for line in inp:
        request = json.loads(line)
        try:
            answer: dict[str, Any] = {"out": _save(func(*_load(request["in"])), request["folder"])}
        except Exception:
            answer = {"error": traceback.format_exc()}
        out.write(json.dumps(answer) + "\n")
        out.flush()


class FrameWorker:
    """One child interpreter applying ``target`` ("module:function") to frames, a call at a time."""

    def __init__(self, target: str, python: str | None = None) -> None:
        env = dict(os.environ)
        path = [p for p in sys.path if p]  # the caller's imports resolve the same way in the child
        env["PYTHONPATH"] = os.pathsep.join(path + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        code = f"from flows.workers import serve; serve({target!r})"
        self.folder = tempfile.mkdtemp(prefix="newsledger-worker-")
        try:
            self.proc = subprocess.Popen([python or sys.executable, "-c", code], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env=env, text=True)
        except OSError as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise WorkerCrashed(f"cannot start a worker: {exc}") from exc

    def call(self, frames: Frames) -> Frames:
        """``target(*frames)`` in the child; WorkerError if it raised, WorkerCrashed if the child is gone."""
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps({"in": _save(frames, self.folder), "folder": self.folder}) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (OSError, ValueError) as exc:  # ValueError: the pipe was closed by close()
            raise WorkerCrashed(f"worker {self.proc.pid} ended (exit code {self.proc.poll()})") from exc
        if not line:
            raise WorkerCrashed(f"worker {self.proc.pid} ended (exit code {self.proc.poll()})")
        answer = json.loads(line)
        if "error" in answer:
            raise WorkerError(answer["error"])
        return _load(answer["out"])

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
        shutil.rmtree(self.folder, ignore_errors=True)


class WorkerPool:
    """``n`` FrameWorkers lent to threads, one call at a time each (``with pool.lend() as w``)."""

    def __init__(self, target: str, n: int, python: str | None = None) -> None:
        self.target, self.python = target, python
        self._idle: queue.Queue[FrameWorker] = queue.Queue()
        self.workers: list[FrameWorker] = []
        try:
            for _ in range(n):
                self.workers.append(FrameWorker(target, python))
                self._idle.put(self.workers[-1])
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
            self.workers.remove(worker)
            worker = FrameWorker(self.target, self.python)
            self.workers.append(worker)
            raise
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        for worker in self.workers:
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
        pool = WorkerPool(self.target, self.n, self.python)  # each feeding thread keeps one worker

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

        threads = [threading.Thread(target=feed, args=(w,), daemon=True) for w in pool.workers]
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
            pool.close()
