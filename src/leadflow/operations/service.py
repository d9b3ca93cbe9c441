"""Whether this process and what it depends on are alive, and ready for traffic."""

from __future__ import annotations

from functools import lru_cache

import structlog
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from leadflow import __version__
from leadflow.db import get_engine, unit_of_work
from leadflow.exceptions import LeadflowError
from leadflow.integrations.breaker import breaker_states
from leadflow.migrations.runner import alembic_config
from leadflow.operations.schemas import HealthOut, QueueDepth
from leadflow.worker import ledger
from leadflow.worker.queue import pending_in_queue

log = structlog.get_logger()
OK = "ok"


class NotReady(LeadflowError):
    status = 503
    title = "Not ready"


def health() -> HealthOut:
    """Liveness, and what is down: answers even when the database does not (it is the database
    that needs attention then, not this process)."""
    depth = _ledger_depth()
    in_queue = pending_in_queue()
    down = [
        part
        for part, up in (("database", depth is not None), ("job_queue", in_queue >= 0))
        if not up
    ]
    return HealthOut(
        status="degraded" if down else "ok",
        version=__version__,
        database="ok" if depth is not None else "unreachable",
        job_queue="ok" if in_queue >= 0 else "unreachable",
        down=down,
        queue=QueueDepth(queued=depth["queued"], running=depth["running"], in_queue=in_queue)
        if depth is not None
        else None,
        providers=breaker_states(),
    )


def _ledger_depth() -> dict[str, int] | None:
    """Jobs queued and running, or None when the database cannot be read."""
    try:
        with unit_of_work(writes=False) as session:
            return ledger.depth(session)
    except Exception as error:
        log.warning("health.database_unreachable", error=str(error))
        return None


def readiness() -> dict[str, str]:
    """Each dependency and ``"ok"``, or what is wrong with it; raises NotReady if any is."""
    checks = {"database": OK, "migrations": OK, "queue": OK}
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["migrations"] = migration_check(connection)
    except Exception as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
        checks["migrations"] = "unknown: the database is unreachable"
    if pending_in_queue() < 0:
        checks["queue"] = "unreachable"
    if any(outcome != OK for outcome in checks.values()):
        raise NotReady(
            "not ready: " + ", ".join(n for n, c in checks.items() if c != OK), checks=checks
        )
    return checks


def migration_check(connection: Connection) -> str:
    """``"ok"`` when the database's schema is at the code's migration head."""
    current = set(MigrationContext.configure(connection).get_current_heads())
    heads = set(_code_heads())
    if current == heads:
        return OK
    return f"the database is at {sorted(current) or 'no revision'}, the code at {sorted(heads)}"


@lru_cache
def _code_heads() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
