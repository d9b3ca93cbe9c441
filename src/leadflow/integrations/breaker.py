"""A circuit breaker per provider: stop calling a vendor that keeps failing, try again later.

Closed, requests go through. After ``failures_to_open`` consecutive operational failures it
opens: requests fail at once, without touching the network. After ``cooldown`` seconds it is
half-open: one request (the probe) goes through; its success closes the breaker, its failure
opens it for another cool-down. Breakers live in the process: each API or worker process
judges a provider from its own requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum

from leadflow.integrations.errors import ProviderUnavailable


class BreakerState(StrEnum):
    closed = "closed"
    open = "open"
    half_open = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        provider: str,
        *,
        failures_to_open: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self.failures_to_open = failures_to_open
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.closed
        if self._clock() - self._opened_at < self.cooldown:
            return BreakerState.open
        return BreakerState.half_open

    def allow(self) -> None:
        """Lets one request through, or raises ProviderUnavailable (not retryable) at once."""
        with self._lock:
            state = self._state()
            if state is BreakerState.closed:
                return
            if state is BreakerState.half_open and not self._probing:
                self._probing = True
                return
            assert self._opened_at is not None
            remaining = max(0.0, self.cooldown - (self._clock() - self._opened_at))
        raise ProviderUnavailable(
            f"{self.provider} is failing; calls are paused for a while",
            provider=self.provider,
            retry_after=remaining or None,
            retryable=False,
            breaker=state.value,
        )

    def succeeded(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._probing = 0, None, False

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self.failures_to_open:
                self._opened_at = self._clock()
            self._probing = False

    def abandoned(self) -> None:
        """The request ended without a verdict (cancelled): another may probe."""
        with self._lock:
            self._probing = False


_breakers: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(provider: str, *, failures_to_open: int, cooldown: float) -> CircuitBreaker:
    """The provider's breaker in this process, made on first use with these settings."""
    with _registry_lock:
        breaker = _breakers.get(provider)
        if breaker is None:
            breaker = _breakers[provider] = CircuitBreaker(
                provider, failures_to_open=failures_to_open, cooldown=cooldown
            )
        return breaker


_WORST_FIRST = (BreakerState.open, BreakerState.half_open, BreakerState.closed)


def breaker_states() -> dict[str, str]:
    """Every provider called since this process started, and the worst state of its accounts'
    breakers (an account is named in its breaker's key, never here: health is public)."""
    with _registry_lock:
        breakers = list(_breakers.items())
    states: dict[str, list[BreakerState]] = {}
    for key, breaker in breakers:
        states.setdefault(key.split(":", 1)[0], []).append(breaker.state)
    return {
        provider: min(found, key=_WORST_FIRST.index).value
        for provider, found in sorted(states.items())
    }


def reset_breakers() -> None:
    """Forget every breaker (tests)."""
    with _registry_lock:
        _breakers.clear()
