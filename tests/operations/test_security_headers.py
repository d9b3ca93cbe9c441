"""Every response's security headers: the dashboard's pages run only our own scripts and can't
be framed, the API's JSON allows nothing, the docs work from vendored files, and the chat's
script still serves other sites."""

from __future__ import annotations

import re

import pytest

from leadflow.dashboard.pages import TEMPLATES
from leadflow.operations.security_headers import NOT_A_PAGE_POLICY, PAGE_POLICY
from tests.dashboard.support import Browser, make_person


def directives(policy: str) -> dict[str, str]:
    return dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";") if part.strip()
    )


def assert_framing_and_sniffing_refused(response) -> None:
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert directives(response.headers["content-security-policy"])["frame-ancestors"] == "'none'"


def test_the_pages_policy_runs_only_our_own_scripts_and_styles():
    page = directives(PAGE_POLICY)
    assert page["script-src"] == "'self'"
    assert page["style-src"] == "'self'"
    assert "unsafe" not in PAGE_POLICY
    assert "style-src-attr" not in page  # no style attribute is allowed, not even narrowly
    assert (page["frame-ancestors"], page["object-src"], page["base-uri"]) == ("'none'",) * 3


@pytest.mark.parametrize("path", ["/signin", "/docs", "/board"])
def test_a_page_gets_the_pages_policy(client, workspace, path):
    browser = Browser(client, make_person(workspace))
    response = browser.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == PAGE_POLICY
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert_framing_and_sniffing_refused(response)


def test_the_api_answers_under_a_policy_that_allows_nothing(api):
    for response in (
        api.get("/api/v1/workspace"),  # JSON
        api.get("/api/v1/leads/999999999"),  # problem+json
        api.client.get("/api/v1/leads"),  # no key: 401 problem+json
        api.client.get("/openapi.json"),
    ):
        assert response.headers["content-type"].startswith("application/"), response.text
        assert response.headers["content-security-policy"] == NOT_A_PAGE_POLICY
        assert directives(NOT_A_PAGE_POLICY)["default-src"] == "'none'"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert_framing_and_sniffing_refused(response)


def test_the_chat_script_is_served_to_other_sites_as_javascript(api):
    token = api.get("/api/v1/workspace").json()["form_token"]
    script = api.client.get(f"/chat/{token}/widget.js", headers={"origin": "https://homes.example"})
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")  # nosniff needs it
    assert script.headers["x-content-type-options"] == "nosniff"
    assert "cross-origin-resource-policy" not in script.headers
    started = api.client.post(
        f"/api/v1/chat/{token}/start",
        json={"name": "Ali", "email": "ali@example.com"},
        headers={"origin": "https://homes.example"},
    )
    assert started.status_code == 200
    assert started.headers["access-control-allow-origin"] == "*"


def test_the_docs_load_nothing_from_elsewhere_and_no_inline_script(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200, path
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources
        assert all(s.startswith("/static/") for s in sources), sources
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), path
        assert "<style" not in page.text
        assert "style=" not in page.text
        for source in sources:
            assert client.get(source).status_code == 200, source


def test_redocs_styles_are_allowed_by_a_nonce_made_for_each_page(client):
    first, second = client.get("/redoc"), client.get("/redoc")
    nonces = []
    for page in (first, second):
        (nonce,) = re.findall(r'<meta name="sc-nonce" content="([^"]+)">', page.text)
        style = directives(page.headers["content-security-policy"])["style-src"]
        assert style == f"'self' 'nonce-{nonce}'"
        assert directives(page.headers["content-security-policy"])["script-src"] == "'self'"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert len(nonces[0]) >= 16


REFUSED_IN_TEMPLATES = {
    "an inline <style>": re.compile(r"<style"),
    "a style attribute": re.compile(r"\sstyle="),
    "an inline event handler": re.compile(r"\son[a-z]+="),
    "a javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    "HTMX evaluating script": re.compile(r"hx-on|hx-vars|js:"),
    "an inline script": re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))"),
}


def test_no_template_holds_what_the_pages_policy_refuses():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"{#.*?#}", "", template.read_text(), flags=re.DOTALL)
        found += [
            f"{template.relative_to(TEMPLATES)}: {what}"
            for what, pattern in REFUSED_IN_TEMPLATES.items()
            if pattern.search(text)
        ]
    assert found == []
