"""Bulk work pauses between its steps while work a lead is waiting on runs in the process."""

from __future__ import annotations

import threading
import time

from leadflow.kit.prompt_first import pause_for_prompt_work, prompt_work, prompt_work_running


def test_with_nothing_urgent_bulk_work_does_not_wait() -> None:
    began = time.monotonic()
    pause_for_prompt_work(longest=5)
    assert time.monotonic() - began < 0.5


def test_bulk_work_waits_until_the_reply_is_done() -> None:
    reply_done = threading.Event()

    def reply() -> None:
        with prompt_work():
            time.sleep(0.3)
        reply_done.set()

    thread = threading.Thread(target=reply)
    thread.start()
    while prompt_work_running() == 0:
        time.sleep(0.001)
    pause_for_prompt_work(longest=5)
    assert reply_done.wait(0.1)  # the pause ended as the reply's work did, not before
    thread.join(5)


def test_a_steady_stream_of_replies_still_lets_bulk_work_move() -> None:
    with prompt_work():
        began = time.monotonic()
        pause_for_prompt_work(longest=0.2)
        assert 0.15 < time.monotonic() - began < 1.5
