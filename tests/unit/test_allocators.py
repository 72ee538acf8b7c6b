"""flows._tune_allocators: what importing the package sets for Polars' jemalloc and glibc's malloc.

Each case runs in a fresh interpreter: the allocators are configured once per process, when
the package (and then Polars) is first imported.
"""

from __future__ import annotations

import os
import subprocess
import sys

from flows import JEMALLOC_CONF

# The pages of freed 4 MiB blocks below a live one: glibc's default threshold has risen to
# 16 MiB by then, so the blocks come from the heap and their pages stay resident when freed.
_HOLES = """
import flows, psutil
def rss(): return psutil.Process().memory_info().rss
big = bytearray(16 << 20); del big
base = rss()
chunks = [bytearray(4 << 20) for _ in range(25)]
for c in chunks:
    c[::4096] = b"\\x01" * len(range(0, len(c), 4096))
keep = chunks[-1]; del chunks
print(round((rss() - base) / 1e6))
"""
_CONF = "import flows, os, polars; print(os.environ['_RJEM_MALLOC_CONF'])"


def _run(code: str, **env: str) -> str:
    # Without any allocator setting of this process's: Dask's tests leave MALLOC_TRIM_THRESHOLD_
    # in the environment, and any of glibc's MALLOC_* settings turns its dynamic threshold off.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("MALLOC_", "_RJEM_", "GLIBC_TUNABLES", "NEWSLEDGER_ALLOCATOR_TUNING"))}
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                         timeout=120, check=True)
    return out.stdout.strip()


def test_polars_gets_the_jemalloc_settings_last() -> None:
    conf = _run(_CONF)
    assert conf.endswith(JEMALLOC_CONF)  # after Polars' own defaults: these win


def test_a_setting_of_the_user_wins() -> None:
    conf = _run(_CONF, _RJEM_MALLOC_CONF="narenas:3")
    assert conf.endswith("narenas:3")
    assert JEMALLOC_CONF not in conf


def test_freed_blocks_go_back_with_the_tuning_and_stay_without() -> None:
    assert int(_run(_HOLES)) < 30
    assert int(_run(_HOLES, NEWSLEDGER_ALLOCATOR_TUNING="0")) > 80
    assert JEMALLOC_CONF not in _run(_CONF, NEWSLEDGER_ALLOCATOR_TUNING="0")
