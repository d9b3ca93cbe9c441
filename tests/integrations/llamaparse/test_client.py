"""The LlamaParse adapter against its documented v2 Parse API, mocked at the transport: the
exact requests, polling within a deadline, and every failure as one of our error kinds."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from leadflow.integrations.errors import ProviderRefused, ProviderUnavailable
from leadflow.integrations.llamaparse.client import LlamaParse
from leadflow.integrations.parsing import Block, UnreadableDocument
from leadflow.integrations.policy import ProviderPolicy
from tests.integrations.llamaparse.api import (
    BASE,
    EU_BASE,
    JOB_ID,
    KEY,
    Clock,
    form_fields,
    job,
    job_status,
    markdown_result,
    mock_llamaparse,
)
from tests.integrations.parsing.documents import ARABIC, scanned_pdf

UPLOAD_URL = f"{BASE}/api/v2/parse/upload"
JOB_URL = f"{BASE}/api/v2/parse/{JOB_ID}"
PAGE_ONE = f"# Riyadh Homes\n\nApartments from **450,000 SAR**.\n\n{ARABIC}"
PAGE_THREE = "| Type | Price |\n|---|---|\n| Villa | 2,100,000 SAR |"


@pytest.fixture
def clock() -> Clock:
    return Clock()


def llamaparse(clock: Clock, **options: object) -> LlamaParse:
    return LlamaParse(
        api_key=KEY,
        policy=ProviderPolicy.from_settings().but(max_attempts=2),
        sleep=clock.sleep,
        clock=clock,
        **options,  # type: ignore[arg-type]
    )


@respx.mock
def test_the_documented_requests_and_the_markdown_as_blocks(clock: Clock) -> None:
    failed_page = {"page_number": 2, "error": "page could not be read", "success": False}
    routes = mock_llamaparse(
        respx,
        statuses=["PENDING", "RUNNING", "COMPLETED"],
        result=markdown_result(PAGE_ONE, failed_page, PAGE_THREE),
    )
    pdf = scanned_pdf()

    document = llamaparse(clock).parse(pdf, kind="pdf", filename="Brochure (scan) 2026.pdf")

    upload = routes.upload.calls.last.request
    assert (upload.method, str(upload.url)) == ("POST", UPLOAD_URL)
    assert upload.headers["Authorization"] == f"Bearer {KEY}"
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    fields = form_fields(upload)
    assert set(fields) == {"file", "configuration"}
    assert (fields["file"].filename, fields["file"].content_type) == (
        "document.pdf",
        "application/pdf",
    )
    assert fields["file"].content == pdf
    assert json.loads(fields["configuration"].content) == {
        "tier": "cost_effective",
        "version": "latest",
    }
    assert routes.status.call_count == 3
    for call in routes.status.calls:
        assert (call.request.method, str(call.request.url)) == ("GET", JOB_URL)
        assert call.request.headers["Authorization"] == f"Bearer {KEY}"
    result = routes.result.calls.last.request
    assert str(result.url) == f"{JOB_URL}?expand=markdown"
    assert result.headers["Authorization"] == f"Bearer {KEY}"
    assert clock.slept == [1.0, 1.0, 2.0]  # a pause before each look at the job

    assert document.title == "Riyadh Homes"
    assert (document.parser, document.kind) == ("llamaparse", "pdf")
    assert document.blocks == (
        Block("Riyadh Homes", heading=True, page=1),
        Block("Apartments from 450,000 SAR.", page=1),
        Block(ARABIC, page=1),
        Block("Type | Price", page=3),
        Block("Villa | 2,100,000 SAR", page=3),
    )


@respx.mock
def test_the_eu_region_and_another_tier(clock: Clock) -> None:
    routes = mock_llamaparse(
        respx, statuses=["COMPLETED"], result=markdown_result("Text."), base=EU_BASE
    )

    llamaparse(clock, base_url=EU_BASE, tier="agentic").parse(scanned_pdf(), kind="pdf")

    configuration = form_fields(routes.upload.calls.last.request)["configuration"]
    assert json.loads(configuration.content)["tier"] == "agentic"
    assert routes.result.called


@respx.mock
def test_a_failed_job_is_a_refusal_and_polling_stops(clock: Clock) -> None:
    routes = mock_llamaparse(respx, statuses=["RUNNING"], result={})
    routes.status.side_effect = [
        httpx.Response(200, json=job_status("RUNNING")),
        httpx.Response(200, json=job_status("FAILED", error="Document is password protected")),
    ]

    with pytest.raises(ProviderRefused) as caught:
        llamaparse(clock).parse(scanned_pdf(), kind="pdf")

    assert "Document is password protected" in caught.value.message
    assert caught.value.provider == "llamaparse"
    assert routes.status.call_count == 2
    assert not routes.result.called


@respx.mock
def test_a_job_that_does_not_finish_in_time_gives_up_within_the_deadline(clock: Clock) -> None:
    routes = mock_llamaparse(respx, statuses=["RUNNING"] * 50, result={})

    with pytest.raises(ProviderUnavailable) as caught:
        llamaparse(clock, deadline=30).parse(scanned_pdf(), kind="pdf")

    assert "did not finish within 30 s" in caught.value.message
    assert clock.slept == [1.0, 1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 5.0, 5.0]
    assert clock.now <= 30
    assert routes.status.call_count == 9
    assert not routes.result.called


@respx.mock
def test_a_server_error_is_retried_then_unavailable(clock: Clock) -> None:
    upload = respx.post(UPLOAD_URL)
    upload.side_effect = [httpx.Response(503), httpx.Response(502)]

    with pytest.raises(ProviderUnavailable):
        llamaparse(clock).parse(scanned_pdf(), kind="pdf")

    assert upload.call_count == 2  # the policy's attempts
    assert len(clock.slept) == 1  # one backoff between them


@respx.mock
def test_a_timeout_is_unavailable(clock: Clock) -> None:
    respx.post(UPLOAD_URL).mock(side_effect=httpx.ConnectTimeout("timed out"))

    with pytest.raises(ProviderUnavailable):
        llamaparse(clock).parse(scanned_pdf(), kind="pdf")


@respx.mock
def test_a_rejected_key_is_a_refusal(clock: Clock) -> None:
    respx.post(UPLOAD_URL).respond(401, json={"detail": "Invalid API key"})

    with pytest.raises(ProviderRefused) as caught:
        llamaparse(clock).parse(scanned_pdf(), kind="pdf")

    assert caught.value.provider_status == 401


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"status": "PENDING"}),
        httpx.Response(200, json=job("PENDING", job_id="../../api/v1/files")),
    ],
    ids=["not json", "not an object", "no id", "an id that is a path"],
)
@respx.mock
def test_an_unreadable_answer_is_unavailable_and_not_followed(
    clock: Clock, answer: httpx.Response
) -> None:
    respx.post(UPLOAD_URL).mock(return_value=answer)

    with pytest.raises(ProviderUnavailable) as caught:
        llamaparse(clock).parse(scanned_pdf(), kind="pdf")

    assert "answered without" in caught.value.message
    assert respx.calls.call_count == 1


@respx.mock
def test_no_text_in_the_result_is_an_unreadable_document(clock: Clock) -> None:
    mock_llamaparse(respx, statuses=["COMPLETED"], result=markdown_result("", "   \n\n---"))

    with pytest.raises(UnreadableDocument) as caught:
        llamaparse(clock).parse(scanned_pdf(), kind="pdf")

    assert caught.value.reason == "no_text"


@respx.mock
def test_an_oversized_document_is_never_uploaded(clock: Clock) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        llamaparse(clock, max_bytes=100).parse(scanned_pdf(), kind="pdf")

    assert caught.value.reason == "too_large"
    assert respx.calls.call_count == 0
