"""Wakes the event streams of a workspace when its events commit, in this process and, through
Redis pub/sub when scaled out, in every other. Streams also poll, so a missed ring only delays."""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import structlog

from leadflow.config import get_settings

log = structlog.get_logger()
CHANNEL = "leadflow:events"


class Waiter:
    """One stream's place in line for the next ring of its workspace."""

    def __init__(self, bell: Bell, workspace_id: int) -> None:
        self._bell, self.workspace_id = bell, workspace_id
        self.loop = asyncio.get_running_loop()
        self.rung = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.rung.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self._bell.leave(self)


class Bell:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, set[Waiter]] = defaultdict(set)

    def waiter(self, workspace_id: int) -> Waiter:
        """Join before reading, so a ring between the read and the wait is not lost."""
        waiter = Waiter(self, workspace_id)
        with self._lock:
            self._waiters[workspace_id].add(waiter)
        return waiter

    def leave(self, waiter: Waiter) -> None:
        with self._lock:
            self._waiters[waiter.workspace_id].discard(waiter)

    def ring_here(self, workspace_ids: Iterable[int]) -> None:
        with self._lock:
            waiting = [w for ws in workspace_ids for w in self._waiters.get(ws, ())]
        for waiter in waiting:
            try:
                waiter.loop.call_soon_threadsafe(waiter.rung.set)
            except RuntimeError:  # its event loop has closed: the stream is gone
                self.leave(waiter)


@lru_cache
def get_bell() -> Bell:
    return Bell()


def ring(workspace_ids: Iterable[int]) -> None:
    """Called after a commit that wrote events."""
    ids = list(workspace_ids)
    get_bell().ring_here(ids)
    if get_settings().redis_url:
        _publish(ids)


def _publish(workspace_ids: list[int]) -> None:
    try:
        client = _redis(get_settings().redis_url)
        for workspace_id in workspace_ids:
            client.publish(CHANNEL, str(workspace_id))
    except Exception as error:  # streams still poll; the event is not lost, only later
        log.warning("events.publish_failed", error=str(error))


@lru_cache
def _redis(url: str):  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(url)


class RedisListener(threading.Thread):
    """Rings this process's bell for events committed by other processes."""

    def __init__(self) -> None:
        super().__init__(name="leadflow-event-listener", daemon=True)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self._listen()
            except Exception as error:  # Redis went away: streams poll meanwhile; retry
                log.warning("events.listener_failed", error=str(error))
                self.stopped.wait(1.0)

    def _listen(self) -> None:
        pubsub = _redis(get_settings().redis_url).pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
        try:
            while not self.stopped.is_set():
                message = pubsub.get_message(timeout=0.5)
                if message and message.get("type") == "message":
                    get_bell().ring_here([int(message["data"])])
        finally:
            pubsub.close()
