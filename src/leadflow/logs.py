"""Structured logs: one JSON object per event."""

from __future__ import annotations

import logging
import sys
from typing import TextIO, cast

import structlog

from leadflow.config import get_settings


def configure_logging() -> None:
    level = logging.getLevelName(get_settings().log_level.upper())
    # Configured again (each create_app), the list is refilled in place: loggers cached on
    # first use hold this very list, and would otherwise keep the first one.
    processors = structlog.get_config()["processors"] if structlog.is_configured() else []
    processors[:] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(),
    ]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(
            level if isinstance(level, int) else 20
        ),
        # Logs go to stderr: stdout is for what a command answers (its last line is JSON).
        logger_factory=structlog.PrintLoggerFactory(cast(TextIO, _Stderr())),
        cache_logger_on_first_use=True,
    )


class _Stderr:
    """Whatever ``sys.stderr`` is when a line is written (a test or a host may swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()
