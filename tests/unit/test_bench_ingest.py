"""bench.ingest.run_measured: the CPU of the whole process tree, grandchildren included."""

from __future__ import annotations

import os
import sys

from bench.ingest import run_measured

# A child that burns CPU itself and in a grandchild, then prints its JSON line.
_BURN = """
import json, subprocess, sys, time
def burn(s):
    t = time.process_time()
    while time.process_time() - t < s:
        pass
child = subprocess.Popen([sys.executable, "-c", "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.4: pass"])
burn(0.3)
child.wait()
print(json.dumps({"ok": True}))
"""


def test_cpu_of_the_tree_counts_grandchildren() -> None:
    usage: dict = {}
    out, seconds, peak = run_measured([sys.executable, "-c", _BURN], dict(os.environ), timeout=60, usage=usage)
    assert out == {"ok": True}
    assert peak > 0
    # 0.3 s in the child and 0.4 s in the grandchild, plus two interpreter starts
    assert 0.7 <= usage["cpu_seconds"] <= 0.7 + 2.0
    (cores,) = usage["cores_by_10s"]  # a run shorter than 10 s: one span, the whole run
    assert cores is not None
    assert abs(cores - usage["cpu_seconds"] / seconds) < 0.05


def test_no_usage_asked_no_usage_measured() -> None:
    out, _seconds, _peak = run_measured([sys.executable, "-c", "print('{}')"], dict(os.environ), timeout=60)
    assert out == {}


# A grandchild that burns CPU and ends early, then a parent that only waits.
_BURN_THEN_IDLE = """
import json, subprocess, sys, time
subprocess.run([sys.executable, "-c", "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.6: pass"])
time.sleep(1.5)
print(json.dumps({}))
"""


def _in_windows(code: str) -> tuple[dict, float, int]:
    """``run_measured`` of a Python child over 0.5-s windows: usage, seconds, peak RSS."""
    usage: dict = {}
    _out, seconds, peak = run_measured([sys.executable, "-c", code], dict(os.environ), timeout=60,
                                       usage=usage, usage_window_s=0.5)
    return usage, seconds, peak


def test_cpu_lands_in_the_window_it_was_used() -> None:
    usage, seconds, _peak = _in_windows(_BURN_THEN_IDLE)
    cores = usage["cores_by_10s"]
    spans = [0.5] * (len(cores) - 1) + [seconds - 0.5 * (len(cores) - 1)]
    assert len(cores) >= 5
    # every CPU second is in some window ...
    assert abs(sum(c * s for c, s in zip(cores, spans, strict=True)) - usage["cpu_seconds"]) < 0.05
    # ... and the grandchild's is in the windows it ran in, not lumped into the idle end (the
    # last, partial window holds the exit of the parent)
    assert max(cores[-3:-1]) < 0.2
    assert cores[-1] * spans[-1] < 0.1
    assert max(cores[:-3]) > 0.5


# A child that holds 300 MB for about a second, lets it go, then idles.
_HOLD_THEN_FREE = """
import json, time
held = bytearray(300 * 1000 * 1000)
for i in range(0, len(held), 4096):
    held[i] = 1  # touch every page: RSS, not only address space
time.sleep(1.0)
del held
time.sleep(1.5)
print(json.dumps({}))
"""


def test_peak_memory_lands_in_the_window_it_was_held() -> None:
    usage, _seconds, peak = _in_windows(_HOLD_THEN_FREE)
    rss = usage["rss_mb_by_10s"]
    assert len(rss) == len(usage["cores_by_10s"])
    assert max(m for m in rss if m is not None) == round(peak / 1e6)
    assert max(m for m in rss[:3] if m is not None) > 300
    assert max(m for m in rss[-3:] if m is not None) < 150


# A child that holds 300 MB, then forks: the fork shares those pages (copy on write) and
# sleeps without exec, as a worker does for an instant between fork and exec.
_FORK_WITHOUT_EXEC = """
import json, os, time
held = bytearray(300 * 1000 * 1000)
for i in range(0, len(held), 4096):
    held[i] = 1
pid = os.fork()
if pid == 0:
    time.sleep(1.5)
    os._exit(0)
os.waitpid(pid, 0)
print(json.dumps({}))
"""


def test_a_fork_awaiting_exec_is_not_counted_twice() -> None:
    usage: dict = {}
    _out, _seconds, peak = run_measured([sys.executable, "-c", _FORK_WITHOUT_EXEC], dict(os.environ), timeout=60,
                                        usage=usage)
    assert 300e6 < peak < 450e6  # the parent's pages once, not twice (600 MB)
    assert 300 < usage["peak_pss_mb"] < 450


# A child that holds 300 MB and starts a grandchild that holds 200 MB of its own.
_TWO_HOLDERS = """
import json, subprocess, sys, time
held = bytearray(300 * 1000 * 1000)
for i in range(0, len(held), 4096):
    held[i] = 1
subprocess.run([sys.executable, "-c", "import time\\nb = bytearray(200 * 1000 * 1000)\\n"
                "for i in range(0, len(b), 4096): b[i] = 1\\ntime.sleep(1.5)"])
print(json.dumps({}))
"""


def test_a_child_with_its_own_pages_is_counted() -> None:
    usage: dict = {}
    _out, _seconds, peak = run_measured([sys.executable, "-c", _TWO_HOLDERS], dict(os.environ), timeout=60,
                                        usage=usage)
    assert peak > 500e6
    # PSS counts the interpreter's shared pages once: below the summed RSS, above the data
    assert 500 < usage["peak_pss_mb"] <= round(peak / 1e6)
