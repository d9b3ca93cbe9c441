"""The collector pause: bulk work in several threads at once, and a collector already off."""

from __future__ import annotations

import gc
import threading

from leadflow.kit import collector


def test_the_collector_stays_paused_until_the_last_paused_work_ends() -> None:
    pause = collector._Pause()
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with pause.during():
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(5)
    with pause.during():
        seen.append(gc.isenabled())
    second_done.set()
    worker.join(5)
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with collector.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
