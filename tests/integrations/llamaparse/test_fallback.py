"""Which parser reads a workspace's document: the local one unless LlamaParse has a key (the
workspace's connection, else the platform's); then PDFs go to LlamaParse as the mode says, and
when it fails the local reading is used if it has text."""

from __future__ import annotations

import httpx
import pytest
import respx

from leadflow.config import get_settings
from leadflow.connections.service import connect
from leadflow.integrations.errors import ProviderUnavailable
from leadflow.integrations.llamaparse.client import LlamaParse
from leadflow.integrations.llamaparse.fallback import LlamaParseWithLocalFallback, Mode
from leadflow.integrations.parsing import KINDS, Block, UnreadableDocument
from leadflow.integrations.parsing.local import LocalParser
from leadflow.integrations.policy import ProviderPolicy
from leadflow.providers.service import parser_for
from tests.integrations.llamaparse.api import (
    BASE,
    KEY,
    Clock,
    job_status,
    markdown_result,
    mock_llamaparse,
)
from tests.integrations.parsing.documents import (
    BODY,
    heading,
    locked_pdf,
    make_docx,
    make_pdf,
    scanned_pdf,
)

UPLOAD_URL = f"{BASE}/api/v2/parse/upload"
PROSE_PDF = make_pdf([heading("Riyadh Homes"), BODY, BODY, BODY])
# A scan with a typed page number on each page: some text, far too little to be the document.
SPARSE_PDF = make_pdf(*[[f"Page {n} of 3"] for n in range(1, 4)])
READ_BY_LLAMAPARSE = markdown_result("# Riyadh Homes\n\nApartments from 450,000 SAR.")


def fallback(mode: Mode, clock: Clock) -> LlamaParseWithLocalFallback:
    llamaparse = LlamaParse(
        api_key=KEY,
        policy=ProviderPolicy.from_settings().but(max_attempts=2),
        sleep=clock.sleep,
        clock=clock,
    )
    local = LocalParser(max_bytes=5 * 1024 * 1024, max_pages=50)
    return LlamaParseWithLocalFallback(local=local, llamaparse=llamaparse, mode=mode)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_by_default_every_kind_is_read_locally(session, workspace) -> None:
    assert not get_settings().llamaparse_api_key.get_secret_value()

    parser = parser_for(session, workspace.id)

    assert isinstance(parser, LocalParser)
    assert parser.max_bytes == get_settings().knowledge_max_document_bytes
    assert parser.max_pages == get_settings().knowledge_max_document_pages
    assert set(KINDS) >= {"pdf", "docx"}


@respx.mock
def test_without_a_key_nothing_is_called_even_for_a_scan(session, workspace) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        parser_for(session, workspace.id).parse(scanned_pdf(), kind="pdf")

    assert caught.value.reason == "no_text"
    assert respx.calls.call_count == 0  # and respx refuses any request it was not given


@respx.mock
def test_with_the_platforms_key_pdfs_go_to_llamaparse_and_other_kinds_stay_local(
    configured, session, workspace
) -> None:
    configured(llamaparse_api_key=KEY, llamaparse_mode="always")

    parser = parser_for(session, workspace.id)

    assert isinstance(parser, LlamaParseWithLocalFallback)
    assert parser.mode == "always"
    assert isinstance(parser.llamaparse, LlamaParse)
    assert parser.parse(make_docx(BODY), kind="docx").parser == "local"
    assert respx.calls.call_count == 0


def test_a_workspace_reads_its_pdfs_with_its_own_llamaparse_account(session, workspace) -> None:
    connect(session, workspace_id=workspace.id, provider="llamaparse",
            settings={"api_key": "llx-its-own-key", "mode": "scanned", "tier": "fast"})  # fmt: skip
    session.commit()

    parser = parser_for(session, workspace.id)

    assert isinstance(parser, LlamaParseWithLocalFallback)
    assert parser.mode == "scanned"
    assert parser.llamaparse.tier == "fast"
    assert parser.llamaparse._client.headers["Authorization"] == "Bearer llx-its-own-key"


@respx.mock
def test_scanned_mode_reads_a_pdf_with_text_locally_without_calling_llamaparse(
    clock: Clock,
) -> None:
    document = fallback("scanned", clock).parse(PROSE_PDF, kind="pdf")

    assert document.parser == "local"
    assert document.blocks[0] == Block("Riyadh Homes", heading=True, page=1)
    assert respx.calls.call_count == 0


@respx.mock
def test_scanned_mode_sends_a_scan_to_llamaparse(clock: Clock) -> None:
    routes = mock_llamaparse(respx, statuses=["COMPLETED"], result=READ_BY_LLAMAPARSE)

    document = fallback("scanned", clock).parse(scanned_pdf(), kind="pdf", filename="scan.pdf")

    assert routes.upload.called
    assert document.parser == "llamaparse"
    assert document.blocks == (
        Block("Riyadh Homes", heading=True, page=1),
        Block("Apartments from 450,000 SAR.", page=1),
    )


@respx.mock
def test_scanned_mode_sends_sparse_text_to_llamaparse_and_keeps_it_when_that_fails(
    clock: Clock,
) -> None:
    upload = respx.post(UPLOAD_URL)
    upload.side_effect = [httpx.Response(500), httpx.Response(503)]

    document = fallback("scanned", clock).parse(SPARSE_PDF, kind="pdf")

    assert upload.call_count == 2
    assert document.parser == "local"
    assert document.blocks[0] == Block("Page 1 of 3", page=1)


@respx.mock
def test_always_mode_sends_every_pdf(clock: Clock) -> None:
    mock_llamaparse(respx, statuses=["RUNNING", "COMPLETED"], result=READ_BY_LLAMAPARSE)

    assert fallback("always", clock).parse(PROSE_PDF, kind="pdf").parser == "llamaparse"


@respx.mock
def test_always_mode_falls_back_to_the_local_reading_on_a_timeout(clock: Clock) -> None:
    respx.post(UPLOAD_URL).mock(side_effect=httpx.ReadTimeout("no answer"))

    document = fallback("always", clock).parse(PROSE_PDF, kind="pdf")

    assert document.parser == "local"
    assert document.title == "Riyadh Homes"


@respx.mock
def test_always_mode_falls_back_when_the_job_runs_past_the_deadline(clock: Clock) -> None:
    mock_llamaparse(respx, statuses=["RUNNING"] * 200, result={})

    document = fallback("always", clock).parse(PROSE_PDF, kind="pdf")

    assert document.parser == "local"
    assert clock.now <= 300


@respx.mock
def test_a_scan_llamaparse_cannot_reach_is_left_for_a_retry(clock: Clock) -> None:
    respx.post(UPLOAD_URL).respond(503)

    with pytest.raises(ProviderUnavailable):
        fallback("scanned", clock).parse(scanned_pdf(), kind="pdf")


@respx.mock
def test_a_scan_llamaparse_fails_on_is_unreadable(clock: Clock) -> None:
    routes = mock_llamaparse(respx, statuses=[], result={})
    routes.status.side_effect = [
        httpx.Response(200, json=job_status("FAILED", error="no text could be recognised"))
    ]

    with pytest.raises(UnreadableDocument) as caught:
        fallback("scanned", clock).parse(scanned_pdf(), kind="pdf")

    assert caught.value.reason == "no_text"
    assert "no text could be recognised" in caught.value.message


@respx.mock
def test_a_locked_pdf_is_refused_before_llamaparse_is_paid_for_it(clock: Clock) -> None:
    locked = locked_pdf(PROSE_PDF, user_password="s3cret")

    with pytest.raises(UnreadableDocument) as caught:
        fallback("always", clock).parse(locked, kind="pdf")

    assert caught.value.reason == "encrypted"
    assert respx.calls.call_count == 0


@respx.mock
def test_other_kinds_given_to_it_are_read_locally(clock: Clock) -> None:
    document = fallback("always", clock).parse(make_docx(BODY), kind="docx")

    assert document.parser == "local"
    assert respx.calls.call_count == 0
