"""What /metrics shows: HTTP traffic, events written, and — read at each scrape — the job
queue's depth and every provider's breaker. Job latency and failures are counted in
:mod:`leadflow.worker.metrics`; provider requests in :mod:`leadflow.integrations.http`."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Iterator, Sequence

import structlog
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from leadflow.db import unit_of_work
from leadflow.events.subscriptions import watch
from leadflow.integrations.breaker import breaker_states
from leadflow.models import Event
from leadflow.worker import dead_letters, ledger
from leadflow.worker.queue import pending_in_queue

log = structlog.get_logger()

HTTP_REQUESTS = Counter(
    "leadflow_http_requests_total",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "leadflow_http_request_seconds",
    "Time to answer an HTTP request, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS = Counter("leadflow_events_total", "Events written to the event log, by type", ["type"])
BREAKER_VALUES = {"closed": 0, "half_open": 1, "open": 2}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_SECONDS.labels(method, route).observe(seconds)


def count_events(types: Iterable[str]) -> None:
    for type_, count in Tally(types).items():
        EVENTS.labels(type_).inc(count)


def _count_written(_session: Session, events: Sequence[Event]) -> None:
    count_events(event.type for event in events)


watch(_count_written)


def _families() -> tuple[GaugeMetricFamily, ...]:
    return (
        GaugeMetricFamily(
            "leadflow_queue_depth", "Jobs in the ledger not yet done, by state", labels=["state"]
        ),
        GaugeMetricFamily(
            "leadflow_dead_jobs", "Jobs that used up their retries and are not replayed yet"
        ),
        GaugeMetricFamily(
            "leadflow_queue_pending",
            "Job ids waiting in the huey queue (-1: the queue's store is unreachable)",
        ),
        GaugeMetricFamily(
            "leadflow_provider_breaker_state",
            "Each provider's circuit breaker in this process: 0 closed, 1 half-open, 2 open",
            labels=["provider"],
        ),
    )


class RuntimeCollector(Collector):
    """Figures read when Prometheus scrapes, not kept up to date between scrapes."""

    def describe(self) -> Iterator[Metric]:
        # Registration asks for the names only: no database query at import.
        yield from _families()

    def collect(self) -> Iterator[Metric]:
        depth, dead, pending, breakers = _families()
        try:
            with unit_of_work(writes=False) as session:
                for state, count in ledger.depth(session).items():
                    depth.add_metric([state], count)
                dead.add_metric([], dead_letters.unreplayed(session))
        except Exception as error:  # the scrape still shows the rest
            log.warning("metrics.queue_depth_failed", error=str(error))
        pending.add_metric([], pending_in_queue())
        for provider, state in breaker_states().items():
            breakers.add_metric([provider], BREAKER_VALUES[state])
        yield from (depth, dead, pending, breakers)


REGISTRY.register(RuntimeCollector())
