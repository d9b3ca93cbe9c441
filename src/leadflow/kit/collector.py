"""Pausing Python's cyclic garbage collector around bulk work.

Left to its thresholds, the collector runs a full collection each time enough new objects
have survived, and a full collection walks every object the process holds. Bulk work that
keeps what it makes (an import's rows, a batch of verdicts) sets that off again and again while
the objects it makes hold no cycles: imports spent a sixth of their time there, bulk scoring
half. Such work pauses the collector (and may collect the young generations itself at points
of its choosing).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """The collector off while any paused work runs in the process (threads may overlap)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._resume = False

    @contextmanager
    def during(self) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._resume:
                    gc.enable()


# `with collector_paused():` pauses the collector for the block (and any other paused block).
collector_paused = _Pause().during
