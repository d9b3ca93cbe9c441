"""A knowledge base fed from a URL fetches it through the SSRF guard: a private, loopback,
link-local or metadata address is refused with a clear error, at once or at any redirect."""

from __future__ import annotations

import httpx
import pytest

from tests.builders import hurry_jobs, settle_jobs
from tests.knowledge.support import make_knowledge_base, search
from tests.webhooks.support import PUBLIC_IP

PAGE = (
    b"<html><body><p>Our show villa in Al Malqa opens daily from 4 pm to 10 pm.</p></body></html>"
)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/admin",
        "http://10.0.0.5/brochure.pdf",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/",
        "http://2130706433/",  # 127.0.0.1 spelled as one number
        "http://intranet.example.com/handbook",
        "http://metadata.example.com/",
    ],
)
def test_a_url_that_leads_somewhere_private_is_refused_at_once(api, url):
    kb = make_knowledge_base(api)
    response = api.post(f"/api/v1/knowledge/bases/{kb['id']}/documents/url", json={"url": url})
    assert response.status_code == 422, response.text
    assert "private or reserved address" in response.json()["detail"]


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://127.0.0.1:8000/api/v1/leads",
        "http://[::1]/",
        "http://10.20.30.40/",
        "http://rebind.example.com/",
    ],
)
def test_a_redirect_to_somewhere_private_is_refused(api, outside, location):
    outside.get(f"https://{PUBLIC_IP}/brochure").respond(302, headers={"location": location})
    kb = make_knowledge_base(api)
    queued = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents/url",
        json={"url": "https://docs.example.com/brochure"},
    )
    assert queued.status_code == 202, queued.text
    settle_jobs()

    document = api.get(f"/api/v1/knowledge/documents/{queued.json()['id']}").json()
    assert document["status"] == "failed"
    assert document["error"].startswith("refused:")
    assert "private or reserved address" in document["error"]
    assert len(outside.calls) == 1  # the private address itself was never asked


def test_a_public_page_is_fetched_from_its_checked_address(api, outside, dns):
    outside.get(f"https://{PUBLIC_IP}/villas").respond(
        301, headers={"location": "https://docs.example.com/villas/show"}
    )
    outside.get(f"https://{PUBLIC_IP}/villas/show").respond(
        200, content=PAGE, headers={"content-type": "text/html; charset=utf-8"}
    )
    kb = make_knowledge_base(api)
    queued = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents/url",
        json={"url": "https://docs.example.com/villas"},
    )
    settle_jobs()

    document = api.get(f"/api/v1/knowledge/documents/{queued.json()['id']}").json()
    assert document["status"] == "ready", document
    requests: list[httpx.Request] = [call.request for call in outside.calls]
    assert [r.headers["host"] for r in requests] == ["docs.example.com", "docs.example.com"]
    assert [r.extensions["sni_hostname"] for r in requests] == ["docs.example.com"] * 2
    (hit,) = search(api, "when can I visit the show villa", threshold=0.6)
    assert hit["source"] == "https://docs.example.com/villas"


def test_a_page_that_keeps_failing_is_retried_then_marked_failed(api, outside):
    outside.get(f"https://{PUBLIC_IP}/down").respond(503)
    kb = make_knowledge_base(api)
    queued = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents/url",
        json={"url": "https://docs.example.com/down"},
    )
    for _ in range(4):
        settle_jobs()
        hurry_jobs()
    document = api.get(f"/api/v1/knowledge/documents/{queued.json()['id']}").json()
    assert document["status"] == "failed"
    assert "gave up after retries" in document["error"]
    assert "503" in document["error"]
    assert len(outside.calls) == 4
