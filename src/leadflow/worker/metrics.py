"""What the job runtime counts, for /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

JOB_SECONDS = Histogram(
    "leadflow_job_seconds",
    "Time one job run took, by job",
    ["job"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
JOB_FAILURES = Counter("leadflow_job_failures_total", "Job runs that raised, by job", ["job"])
JOBS_ENQUEUED = Counter(
    "leadflow_jobs_enqueued_total", "Jobs written to the ledger, by job", ["job"]
)


def observe_run(job: str, seconds: float) -> None:
    JOB_SECONDS.labels(job=job).observe(seconds)


def count_failure(job: str) -> None:
    JOB_FAILURES.labels(job=job).inc()


def count_enqueued(job: str) -> None:
    JOBS_ENQUEUED.labels(job=job).inc()
