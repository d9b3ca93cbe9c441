"""LlamaParse's v2 Parse API as its reference documents it, mocked at the transport (respx),
and a clock whose sleeps pass at once."""

from __future__ import annotations

import email.parser
import email.policy
from dataclasses import dataclass, field
from typing import Any

import httpx
import respx

BASE = "https://api.cloud.llamaindex.ai"
EU_BASE = "https://api.cloud.eu.llamaindex.ai"
KEY = "llx-test-key"
JOB_ID = "pjb-6ba7b810-9dad-11d1-80b4-00c04fd430c8"


def job(status: str, *, job_id: str = JOB_ID, error: str | None = None) -> dict[str, Any]:
    """A parse job, as the upload answers it."""
    return {
        "id": job_id,
        "project_id": "prj-1",
        "status": status,
        "error_message": error,
        "created_at": "2026-11-20T09:30:00Z",
        "updated_at": "2026-11-20T09:30:01Z",
    }


def job_status(status: str, *, error: str | None = None) -> dict[str, Any]:
    """``GET /api/v2/parse/{id}`` without ``expand``: the job alone."""
    return {"job": job(status, error=error)}


def markdown_result(*pages: str | dict[str, Any]) -> dict[str, Any]:
    """``GET /api/v2/parse/{id}?expand=markdown``; a str is a page's Markdown, a dict a page
    entry as given (a failed page: ``{"page_number": 2, "error": "...", "success": False}``)."""
    entries = [
        {"page_number": number, "markdown": page, "success": True}
        if isinstance(page, str)
        else page
        for number, page in enumerate(pages, start=1)
    ]
    return {"job": job("COMPLETED"), "markdown": {"pages": entries}}


@dataclass
class Routes:
    upload: respx.Route
    status: respx.Route
    result: respx.Route


def mock_llamaparse(
    router: respx.Router | Any,
    *,
    statuses: list[str],
    result: dict[str, Any],
    base: str = BASE,
) -> Routes:
    """Upload answers PENDING; each look at the job answers the next of ``statuses``."""
    url = f"{base}/api/v2/parse/{JOB_ID}"
    result_route = router.get(url, params={"expand": "markdown"}).respond(200, json=result)
    status_route = router.get(url)
    status_route.side_effect = [httpx.Response(200, json=job_status(status)) for status in statuses]
    upload = router.post(f"{base}/api/v2/parse/upload").respond(200, json=job("PENDING"))
    return Routes(upload=upload, status=status_route, result=result_route)


@dataclass(frozen=True)
class FormField:
    name: str
    filename: str | None
    content_type: str
    content: bytes


def form_fields(request: httpx.Request) -> dict[str, FormField]:
    """The fields of a multipart/form-data request, by name."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        fields[str(name)] = FormField(
            str(name), part.get_filename(), part.get_content_type(), bytes(payload)
        )
    return fields


@dataclass
class Clock:
    """Monotonic time that moves only when something sleeps; the sleeps are recorded."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
