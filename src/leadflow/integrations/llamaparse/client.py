"""LlamaParse (LlamaIndex's hosted parser), for scanned and complex PDFs: its v2 Parse API.

1. ``POST {base}/api/v2/parse/upload``, multipart: ``file`` (the document) and
   ``configuration`` (JSON: ``tier`` and ``version``); the answer is the job, ``{"id", "status",
   ...}``.
2. ``GET {base}/api/v2/parse/{id}`` until ``job.status`` is ``COMPLETED`` (or ``FAILED`` /
   ``CANCELLED``), pausing 1, 1, 2, 2, 3 then 5 seconds between looks, within a deadline for
   the whole job.
3. ``GET {base}/api/v2/parse/{id}?expand=markdown``: ``markdown.pages``, each with its
   ``page_number`` and ``markdown`` (or an ``error`` for a page it could not read).

Every request carries ``Authorization: Bearer <key>`` and goes through the shared provider
client (timeouts, retries, breaker). The base URL is ``https://api.cloud.llamaindex.ai``, or
``https://api.cloud.eu.llamaindex.ai`` in the EU region. The Markdown is read by the local
Markdown reader into blocks on their pages.

Failures leave as our two kinds: ``ProviderUnavailable`` when LlamaParse cannot be reached,
fails or does not finish in time; ``ProviderRefused`` when it refuses the request or the job
fails on the document; ``UnreadableDocument`` when it finds no text.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from itertools import chain, repeat
from typing import Any

import httpx
import structlog

from leadflow.config import get_settings
from leadflow.integrations.errors import ProviderRefused, ProviderUnavailable
from leadflow.integrations.http import ProviderClient
from leadflow.integrations.llamaparse.settings import LLAMAPARSE_URL, LlamaParseSettings
from leadflow.integrations.parsing.base import (
    Block,
    ParsedDocument,
    UnreadableDocument,
    refuse_oversized,
)
from leadflow.integrations.parsing.markdown import markdown_blocks
from leadflow.integrations.policy import ProviderPolicy

log = structlog.get_logger()

POLL_PAUSES = (1.0, 1.0, 2.0, 2.0, 3.0)  # seconds before each look at the job, then...
POLL_PAUSE_AFTER = 5.0  # ...this, until the deadline
REQUEST_TIMEOUT = 60.0  # one request; an upload of a large PDF takes a while
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")  # it goes into a URL path
_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "markdown": "text/markdown",
    "text": "text/plain",
}
_EXTENSIONS = {"pdf": "pdf", "docx": "docx", "html": "html", "markdown": "md", "text": "txt"}
_FAILED = frozenset({"FAILED", "CANCELLED"})


class LlamaParse:
    name = "llamaparse"
    provider = "llamaparse"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = LLAMAPARSE_URL,
        tier: str = "cost_effective",
        deadline: float = 300.0,
        max_bytes: int = 25 * 1024 * 1024,
        policy: ProviderPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tier = tier
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._sleep = sleep
        self._clock = clock
        policy = policy or ProviderPolicy.from_settings()
        timeout = min(REQUEST_TIMEOUT, deadline)
        self._client = ProviderClient(
            self.provider,
            base_url=base_url or LLAMAPARSE_URL,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            policy=policy.but(timeout=httpx.Timeout(timeout, connect=policy.timeout.connect)),
            sleep=sleep,
        )

    @classmethod
    def from_settings(cls, settings: LlamaParseSettings) -> LlamaParse:
        return cls(
            api_key=settings.api_key.get_secret_value(),
            base_url=settings.base_url,
            tier=settings.tier,
            deadline=settings.timeout_seconds,
            max_bytes=get_settings().knowledge_max_document_bytes,
        )

    def parse(self, content: bytes, *, kind: str, filename: str | None = None) -> ParsedDocument:
        """The document as LlamaParse reads it; see the module's documentation for what it
        raises."""
        refuse_oversized(content, max_bytes=self.max_bytes)
        deadline_at = self._clock() + self.deadline
        job_id = self._upload(content, kind)
        self._wait(job_id, deadline_at)
        blocks = self._blocks(job_id)
        if not blocks:
            raise UnreadableDocument("LlamaParse found no text in this document", reason="no_text")
        title = next((block.text for block in blocks if block.heading), None)
        return ParsedDocument(title=title, blocks=tuple(blocks), parser=self.name, kind=kind)

    def _upload(self, content: bytes, kind: str) -> str:
        # A fixed ASCII name: only its extension tells LlamaParse the file type, and a person's
        # file name has no business at the vendor.
        upload = (f"document.{_EXTENSIONS.get(kind, 'pdf')}", content, _MEDIA_TYPES.get(kind))
        configuration = json.dumps({"tier": self.tier, "version": "latest"})
        response = self._client.request_sync(
            "POST",
            "api/v2/parse/upload",
            files={"file": upload},
            data={"configuration": configuration},
        )
        job = self._answer(response)
        job_id = job.get("id")
        if not isinstance(job_id, str) or not _JOB_ID.fullmatch(job_id):
            raise self._unreadable("a job id")
        self._refuse_failed(job, response)
        log.info("parsing.llamaparse_job", job_id=job_id, status=job.get("status"))
        return job_id

    def _wait(self, job_id: str, deadline_at: float) -> None:
        for pause in _poll_pauses():
            if self._clock() + pause > deadline_at:
                raise ProviderUnavailable(
                    f"LlamaParse did not finish within {self.deadline:g} s",
                    provider=self.provider,
                    job_id=job_id,
                )
            self._sleep(pause)
            response = self._client.request_sync("GET", f"api/v2/parse/{job_id}")
            job = self._answer(response).get("job")
            if not isinstance(job, dict):
                raise self._unreadable("the job")
            self._refuse_failed(job, response)
            if job.get("status") == "COMPLETED":
                return

    def _blocks(self, job_id: str) -> list[Block]:
        response = self._client.request_sync(
            "GET", f"api/v2/parse/{job_id}", params={"expand": "markdown"}
        )
        markdown = self._answer(response).get("markdown")
        pages = markdown.get("pages") if isinstance(markdown, dict) else None
        if not isinstance(pages, list):
            raise self._unreadable("markdown pages")
        return [block for page in pages for block in _page_blocks(page, job_id)]

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise self._unreadable("a JSON object")
        return body

    def _refuse_failed(self, job: dict[str, Any], response: httpx.Response) -> None:
        status = job.get("status")
        if status in _FAILED:
            detail = str(job.get("error_message") or "")[:300]
            raise ProviderRefused(
                f"LlamaParse could not parse the document ({str(status).lower()}: {detail})",
                provider=self.provider,
                provider_status=response.status_code,
                provider_detail=detail,
            )

    def _unreadable(self, what: str) -> ProviderUnavailable:
        return ProviderUnavailable(
            f"LlamaParse answered without {what}", provider=self.provider, retryable=False
        )


def _poll_pauses() -> Iterator[float]:
    return chain(POLL_PAUSES, repeat(POLL_PAUSE_AFTER))


def _page_blocks(page: Any, job_id: str) -> list[Block]:
    """A page's blocks; none for a page LlamaParse could not read (it says why)."""
    if not isinstance(page, dict):
        return []
    number = page.get("page_number")
    number = number if isinstance(number, int) and number > 0 else None
    markdown = page.get("markdown")
    if not isinstance(markdown, str):
        log.warning(
            "parsing.llamaparse_page_failed",
            job_id=job_id,
            page=number,
            error=str(page.get("error") or "")[:200],
        )
        return []
    return markdown_blocks(markdown, page=number)
