"""The ASGI application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from sqlalchemy import text

from leadflow import __version__
from leadflow.api import api_router
from leadflow.db import get_engine
from leadflow.logs import configure_logging
from leadflow.problems import register_problem_handlers

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


def create_app() -> FastAPI:
    configure_logging()
    app = FastAPI(
        title="leadflow",
        version=__version__,
        description="Self-hostable AI sales development: every inbound lead answered in seconds.",
        docs_url="/docs",
        redoc_url=None,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],  # API keys travel in headers, never cookies; forms post from anywhere
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-API-Key"],
    )
    register_problem_handlers(app)
    app.include_router(api_router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> str:
        return _HOME

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, str]:
        """Liveness, and whether the database answers."""
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    return app
