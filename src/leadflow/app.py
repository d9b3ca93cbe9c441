"""The ASGI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from leadflow import __version__, catalogue
from leadflow.api import api_router
from leadflow.bodies import JsonBodyLimits
from leadflow.chat import endpoints as chat_script
from leadflow.config import get_settings
from leadflow.dashboard import pages as dashboard_pages
from leadflow.dashboard import web as dashboard
from leadflow.events.bell import RedisListener
from leadflow.integrations.http import close_shared_clients
from leadflow.logs import configure_logging
from leadflow.openapi import install as install_openapi
from leadflow.operations import endpoints as operations
from leadflow.operations.security_headers import SecurityHeaders
from leadflow.operations.tracing import REQUEST_ID_HEADER, RequestCorrelation
from leadflow.problems import register_problem_handlers
from leadflow.worker.consumer import EmbeddedWorker


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Starts what makes one process a whole system: job consumers and the event listener."""
    settings = get_settings()
    worker = EmbeddedWorker() if settings.embedded_worker else None
    listener = RedisListener() if settings.redis_url else None
    for part in (worker, listener):
        if part is not None:
            part.start()
    yield
    if listener is not None:
        listener.stopped.set()
    if worker is not None:
        await run_in_threadpool(worker.stop)
    await close_shared_clients()


def create_app() -> FastAPI:
    configure_logging()
    catalogue.load()
    app = FastAPI(
        lifespan=lifespan,
        title="leadflow",
        version=__version__,
        description="Self-hostable AI sales development: every inbound lead answered in seconds.",
        docs_url=None,  # served from the vendored Swagger UI and Redoc: dashboard.api_docs
        redoc_url=None,
    )
    # Innermost first: a body refused here still leaves with the CORS headers another site's
    # page needs to read the refusal.
    app.add_middleware(JsonBodyLimits)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],  # API keys travel in headers, never cookies; forms post from anywhere
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "X-API-Key",
            REQUEST_ID_HEADER,
        ],
        expose_headers=[REQUEST_ID_HEADER],
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestCorrelation)
    register_problem_handlers(app, unavailable_page=dashboard_pages.unavailable)
    app.include_router(api_router)
    app.include_router(operations.router)
    app.include_router(chat_script.script_router)
    dashboard.install(app)
    install_openapi(app)
    return app
