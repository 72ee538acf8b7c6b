"""Python's cyclic garbage collector paused around a block that makes many objects without cycles.

Each collection the allocations set off walks every tracked object alive, so a step that
builds hundreds of thousands of records, dicts or tuples pays again and again for the whole
heap. Paused, the step's objects are freed by reference counting as usual; only cycles wait
for the next collection after the block.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block if it was on (a caller's own setting is left alone)."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
