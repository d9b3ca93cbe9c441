"""The one way out to a provider: a shared HTTP client, and calls that name their provider.

Every request gets the provider's timeouts; operational failures (network, timeouts, 429, 502,
503, 504) are retried with exponential backoff and jitter, honouring ``Retry-After``; each
provider has a circuit breaker; and what comes back is a response, ``ProviderUnavailable`` or
``ProviderRefused`` — never an httpx exception.

The API process uses :meth:`ProviderClient.request` (async); jobs, which are plain functions,
use :meth:`ProviderClient.request_sync`. Both run the same policy.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import structlog
from prometheus_client import Counter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from leadflow import __version__
from leadflow.integrations.breaker import breaker_for
from leadflow.integrations.errors import ProviderRefused, ProviderUnavailable
from leadflow.integrations.policy import RETRYABLE_STATUSES, ProviderPolicy, retry_after_seconds

__all__ = [
    "ProviderClient",
    "ProviderRefused",
    "ProviderUnavailable",
    "call",
    "call_sync",
    "close_shared_clients",
]

log = structlog.get_logger()
Sleep = Callable[[float], Awaitable[None] | None]

PROVIDER_REQUESTS = Counter(
    "leadflow_provider_requests_total",
    "Requests to providers by outcome: ok, refused, unavailable, broken (breaker open)",
    ["provider", "outcome"],
)
_DETAIL_CHARS = 300  # what a refusal shows of the vendor's answer (untrusted text)


class _SharedClients:
    """One async and one sync httpx client for the whole process, made on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._async: httpx.AsyncClient | None = None
        self._sync: httpx.Client | None = None

    @staticmethod
    def _options() -> dict[str, Any]:
        return {
            "headers": {"User-Agent": f"leadflow/{__version__}"},
            "limits": httpx.Limits(max_connections=100, max_keepalive_connections=20),
            "follow_redirects": False,
        }

    def async_client(self) -> httpx.AsyncClient:
        with self._lock:
            if self._async is None or self._async.is_closed:
                self._async = httpx.AsyncClient(**self._options())
            return self._async

    def sync_client(self) -> httpx.Client:
        with self._lock:
            if self._sync is None or self._sync.is_closed:
                self._sync = httpx.Client(**self._options())
            return self._sync

    async def close(self) -> None:
        with self._lock:
            async_client, sync_client = self._async, self._sync
            self._async = self._sync = None
        if async_client is not None:
            await async_client.aclose()
        if sync_client is not None:
            sync_client.close()


_clients = _SharedClients()


async def close_shared_clients() -> None:
    """Closes the shared clients' connections (the app's shutdown); the next call reopens."""
    await _clients.close()


class ProviderClient:
    """Calls one provider (``"twilio"``, ``"hubspot"``...) under its policy and breaker.

    ``policy`` overrides the settings' defaults for this provider (its own timeouts, say);
    ``sleep`` replaces the pause between attempts (tests record it instead of sleeping).
    """

    def __init__(
        self,
        provider: str,
        *,
        base_url: str = "",
        headers: Mapping[str, str] | None = None,
        policy: ProviderPolicy | None = None,
        sleep: Sleep | None = None,
        account: str = "",
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.policy = policy or ProviderPolicy.from_settings()
        # A breaker per account: one business's failing account must not stop another's sends.
        self.breaker = breaker_for(
            f"{provider}:{account}" if account else provider,
            failures_to_open=self.policy.breaker_failures,
            cooldown=self.policy.breaker_cooldown,
        )
        self._sleep = sleep
        self._backoff = wait_exponential_jitter(
            multiplier=self.policy.backoff_base,
            max=self.policy.backoff_cap,
            jitter=self.policy.backoff_base,
        )

    async def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        """Sends the request (httpx keyword arguments) until it succeeds or may not be retried."""
        client = _clients.async_client()

        async def attempt() -> httpx.Response:
            self._allow()
            with self._transport_errors():
                response = await client.send(self._build(client, method, url, options))
            return self._judge(response)

        retrying = AsyncRetrying(sleep=self._pause, **self._retry_options())
        response: httpx.Response = await retrying(attempt)
        return response

    def request_sync(self, method: str, url: str, **options: Any) -> httpx.Response:
        """:meth:`request` for synchronous code (jobs), on the shared sync client."""
        client = _clients.sync_client()

        def attempt() -> httpx.Response:
            self._allow()
            with self._transport_errors():
                response = client.send(self._build(client, method, url, options))
            return self._judge(response)

        retrying = Retrying(sleep=self._pause_sync, **self._retry_options())
        return retrying(attempt)

    def _build(
        self, client: httpx.Client | httpx.AsyncClient, method: str, url: str, options: Any
    ) -> httpx.Request:
        if self.base_url and not url.startswith(("http://", "https://")):
            url = f"{self.base_url}/{url.lstrip('/')}"
        options = {"timeout": self.policy.timeout, **options}
        options["headers"] = {**self.headers, **options.get("headers", {})}
        return client.build_request(method, url, **options)

    def _allow(self) -> None:
        try:
            self.breaker.allow()
        except ProviderUnavailable:
            PROVIDER_REQUESTS.labels(self.provider, "broken").inc()
            raise

    @contextmanager
    def _transport_errors(self) -> Iterator[None]:
        try:
            yield
        except httpx.TransportError as error:  # connect/read/write/pool timeouts, network
            self.breaker.failed()
            PROVIDER_REQUESTS.labels(self.provider, "unavailable").inc()
            raise ProviderUnavailable(
                f"{self.provider} could not be reached ({type(error).__name__})",
                provider=self.provider,
            ) from error
        except BaseException:  # cancelled, or our own bug: no verdict on the provider
            self.breaker.abandoned()
            raise

    def _judge(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status < 400:
            self.breaker.succeeded()
            PROVIDER_REQUESTS.labels(self.provider, "ok").inc()
            return response
        if status in RETRYABLE_STATUSES or status >= 500:
            self.breaker.failed()
            PROVIDER_REQUESTS.labels(self.provider, "unavailable").inc()
            raise ProviderUnavailable(
                f"{self.provider} answered {status}",
                provider=self.provider,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                provider_status=status,
            )
        self.breaker.succeeded()  # it answered: the provider is up, it just said no
        PROVIDER_REQUESTS.labels(self.provider, "refused").inc()
        raise ProviderRefused(
            f"{self.provider} refused the request ({status})",
            provider=self.provider,
            provider_status=status,
            provider_detail=response.text[:_DETAIL_CHARS],
        )

    def _retry_options(self) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(self.policy.max_attempts),
            "wait": self._wait,
            "retry": retry_if_exception(self._worth_retrying),
            "before_sleep": self._log_retry,
            "reraise": True,
        }

    def _worth_retrying(self, error: BaseException) -> bool:
        if not isinstance(error, ProviderUnavailable) or not error.retryable:
            return False
        if error.retry_after is None:
            return True
        # Asked to come back later than we will wait here: the job's own retry comes back.
        return error.retry_after <= self.policy.retry_after_cap

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, ProviderUnavailable) and error.retry_after is not None:
            return error.retry_after
        return self._backoff(state)

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "provider.retrying",
            provider=self.provider,
            attempt=state.attempt_number,
            in_seconds=round(state.upcoming_sleep, 2),
            error=str(error),
        )

    def _pause_sync(self, seconds: float) -> None:
        if self._sleep is None:
            time.sleep(seconds)
        elif inspect.isawaitable(self._sleep(seconds)):
            raise TypeError("request_sync needs a synchronous sleep") from None

    async def _pause(self, seconds: float) -> None:
        if self._sleep is None:
            await asyncio.sleep(seconds)
            return
        paused = self._sleep(seconds)
        if inspect.isawaitable(paused):
            await paused


async def call(provider: str, method: str, url: str, **options: Any) -> httpx.Response:
    """One request to ``provider`` under its default policy."""
    return await ProviderClient(provider).request(method, url, **options)


def call_sync(provider: str, method: str, url: str, **options: Any) -> httpx.Response:
    """One request to ``provider`` under its default policy, from synchronous code (jobs)."""
    return ProviderClient(provider).request_sync(method, url, **options)
