"""Rate limits that hold across processes, counted by the ``limits`` library: in Redis when
leadflow scales out (``LEADFLOW_REDIS_URL``, the job queue's Redis), in this process's memory
when it runs embedded (one process is then the whole system). Every public route and every
check of a credential counts here.

Two kinds of limit: a ``Rate`` (at most so many hits in any window, a moving window) for
requests, and a ``Backoff`` for attempts at a secret, whose wait doubles with each attempt past
the free ones. Keys are hashed before they are stored: no email or token sits in Redis."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import structlog
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import RedisStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from leadflow.config import get_settings
from leadflow.exceptions import TooManyRequests

log = structlog.get_logger()
KEY_PREFIX = "leadflow:limits"
T = TypeVar("T")


@dataclass(frozen=True)
class Rate:
    """At most ``amount`` hits in any ``seconds``, for each key apart."""

    name: str
    amount: int
    seconds: int = 60

    @property
    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.amount, self.seconds, namespace=self.name)


@dataclass(frozen=True)
class Backoff:
    """Attempts at a secret for one key (an account, an address): the first ``free`` go ahead
    at once; from then on each attempt closes the gate behind it for a wait that doubles, from
    ``first_wait`` to at most ``longest_wait`` seconds. Attempts are counted for ``memory``
    seconds from the first of them; a success forgets them (``forget``, ``take_back``)."""

    name: str
    free: int
    first_wait: int
    longest_wait: int
    memory: int

    def wait_after(self, attempt: int) -> int:
        """Seconds the gate stays closed after the ``attempt``-th attempt (1 is the first)."""
        if attempt < self.free:
            return 0
        return min(self.longest_wait, self.first_wait * 2 ** min(attempt - self.free, 32))


class Limiter:
    """Counts hits and attempts in one storage, shared by every process that names it."""

    def __init__(
        self, storage_uri: str, *, enforced: bool = True, key_prefix: str = KEY_PREFIX
    ) -> None:
        storage = storage_from_string(storage_uri, key_prefix=key_prefix, wrap_exceptions=True)
        assert isinstance(storage, Storage), "a synchronous storage (memory://, redis://)"
        self.storage = storage
        self.enforced = enforced
        self._window = MovingWindowRateLimiter(self.storage)

    def hit(self, rate: Rate, *key: str) -> float | None:
        """Counts a hit: None if it is allowed, else the seconds until one will be."""
        item, hashed = rate.item, _hashed(*key)

        def count() -> float | None:
            return None if self._window.hit(item, hashed) else self._wait(item, hashed)

        return self._counted(rate.name, count)

    def waiting(self, rate: Rate, *key: str) -> float | None:
        """Like ``hit`` without counting: the seconds until the key may hit again, if any."""
        item, hashed = rate.item, _hashed(*key)

        def look() -> float | None:
            return None if self._window.test(item, hashed) else self._wait(item, hashed)

        return self._counted(rate.name, look)

    def closed_for(self, backoff: Backoff, key: str) -> float | None:
        """The seconds the key's gate stays closed, if it is."""
        return self._counted(backoff.name, lambda: self._closed(_gate(backoff, key)))

    def attempt(self, backoff: Backoff, key: str) -> float | None:
        """Counts an attempt before it is made: None if it may go ahead, else the seconds
        until one may. Two attempts at once past the free ones: only one goes ahead."""

        def count() -> float | None:
            gate = _gate(backoff, key)
            if (closed := self._closed(gate)) is not None:
                return closed
            wait = backoff.wait_after(self.storage.incr(_attempts(backoff, key), backoff.memory))
            if wait and self.storage.incr(gate, wait) > 1:  # another attempt took it first
                return self._closed(gate) or 1.0
            return None

        return self._counted(backoff.name, count)

    def forget(self, backoff: Backoff, key: str) -> None:
        """A success: the key's attempts are forgotten and its gate opens."""

        def clear() -> None:
            self.storage.clear(_attempts(backoff, key))
            self.storage.clear(_gate(backoff, key))

        self._counted(backoff.name, clear)

    def take_back(self, backoff: Backoff, key: str) -> None:
        """A success from a key many people share (an office's address): this attempt no
        longer counts, and the gate it closed opens; the others' failures still count."""

        def undo() -> None:
            self.storage.incr(_attempts(backoff, key), backoff.memory, amount=-1)
            self.storage.clear(_gate(backoff, key))

        self._counted(backoff.name, undo)

    def reset(self) -> None:
        """Forgets every count (tests)."""
        self._counted("reset", self.storage.reset)

    def _closed(self, gate: str) -> float | None:
        if self.storage.get(gate) <= 0:
            return None
        return max(self._expiry(gate) - time.time(), 0.001)

    def _expiry(self, key: str) -> float:
        if not isinstance(self.storage, RedisStorage):
            return self.storage.get_expiry(key)
        # Its get_expiry says whole seconds (TTL, rounded): a client obeying Retry-After could
        # come back while the gate is still closed. PTTL says milliseconds.
        connection: Any = self.storage.get_connection(True)  # a redis.Redis; its stub has no pttl
        try:
            left = connection.pttl(self.storage.prefixed_key(key))
        except self.storage.base_exceptions as error:
            raise StorageError(error) from error
        return time.time() + max(int(left), 0) / 1000

    def _wait(self, item: RateLimitItem, hashed: str) -> float:
        reset_time, _ = self._window.get_window_stats(item, hashed)
        return max(reset_time - time.time(), 0.001)

    def _counted(self, what: str, count: Callable[[], T]) -> T | None:
        if not self.enforced:
            return None
        try:
            return count()
        except StorageError as error:
            # Better a limit not counted for a while than every public route and sign-in down.
            log.error("ratelimit.storage_failed", limit=what, error=str(error.storage_error))
            return None


def _hashed(*key: str) -> str:
    return hashlib.sha256("\x1f".join(key).encode()).hexdigest()[:32]


def _gate(backoff: Backoff, key: str) -> str:
    return f"{backoff.name}/gate/{_hashed(key)}"


def _attempts(backoff: Backoff, key: str) -> str:
    return f"{backoff.name}/attempts/{_hashed(key)}"


@lru_cache
def get_limiter() -> Limiter:
    settings = get_settings()
    return Limiter(settings.redis_url or "memory://", enforced=settings.rate_limits_enabled)


def reset_limits() -> None:
    """Forgets every count and the settings the limiter was built from (tests)."""
    if get_limiter.cache_info().currsize:
        get_limiter().reset()
    get_limiter.cache_clear()


def enforce(rate: Rate, *key: str, message: str) -> None:
    """Counts a hit; raises TooManyRequests (429, Retry-After) once the rate is passed."""
    wait = get_limiter().hit(rate, *key)
    if wait is not None:
        raise TooManyRequests(message, retry_after=wait)
