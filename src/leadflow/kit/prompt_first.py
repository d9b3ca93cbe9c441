"""Work a lead is waiting on goes first in a process: while any such job runs, bulk work (an
import's next chunk, an ingestion's next batch) pauses between its steps. On a machine of few
cores the reply path otherwise shares them with every import and ingestion in the process and
falls behind the leads writing in (bench.speed_to_lead --background)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

LONGEST_PAUSE_SECONDS = 1.0  # bulk work still moves under a steady stream of leads

_changed = threading.Condition()
_running = 0


@contextmanager
def prompt_work() -> Iterator[None]:
    """Marks work a lead is waiting on as running in this process."""
    global _running
    with _changed:
        _running += 1
    try:
        yield
    finally:
        with _changed:
            _running -= 1
            _changed.notify_all()


def pause_for_prompt_work(longest: float = LONGEST_PAUSE_SECONDS) -> None:
    """Called by bulk work between two steps: waits while prompt work runs, ``longest`` at
    most."""
    with _changed:
        _changed.wait_for(lambda: _running == 0, timeout=longest)


def prompt_work_running() -> int:
    with _changed:
        return _running
