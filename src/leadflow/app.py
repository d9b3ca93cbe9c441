"""The ASGI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from leadflow import __version__
from leadflow.api import api_router
from leadflow.chat import endpoints as chat_script
from leadflow.config import get_settings
from leadflow.events.bell import RedisListener
from leadflow.integrations.http import close_shared_clients
from leadflow.logs import configure_logging
from leadflow.operations import endpoints as operations
from leadflow.operations.tracing import REQUEST_ID_HEADER, RequestCorrelation
from leadflow.problems import register_problem_handlers
from leadflow.worker.consumer import EmbeddedWorker

_HOME = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>leadflow</title><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:4px}</style></head><body>
<h1>leadflow is running</h1>
<p>Every inbound lead answered, qualified and followed up in seconds.</p>
<ul><li><a href="/docs">API documentation</a>
(OpenAPI at <a href="/openapi.json">/openapi.json</a>)</li>
<li><a href="/health">Health</a></li></ul>
<p>The web dashboard comes with a later release; the REST API and the CLI
(<code>leadflow --help</code>) are complete today.</p></body></html>"""


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
    app = FastAPI(
        lifespan=lifespan,
        title="leadflow",
        version=__version__,
        description="Self-hostable AI sales development: every inbound lead answered in seconds.",
        docs_url="/docs",
        redoc_url=None,
    )
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
    app.add_middleware(RequestCorrelation)
    register_problem_handlers(app)
    app.include_router(api_router)
    app.include_router(operations.router)
    app.include_router(chat_script.script_router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> str:
        return _HOME

    return app
