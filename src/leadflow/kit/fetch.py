"""Fetching a page someone else named (a knowledge-base URL, later a lead's company site)
through the SSRF guard: every hop of every redirect is checked and connected to by its checked
address, the body is read up to a limit, and nothing private is ever asked."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from leadflow import __version__
from leadflow.kit import ssrf

USER_AGENT = f"leadflow/{__version__} (+knowledge fetcher)"
MAX_REDIRECTS = 5
# Where host names are looked up: tests put a fake DNS here.
resolver: ssrf.Resolver = ssrf.system_resolver


class FetchFailed(Exception):
    """The page could not be had. ``retryable``: it may come later (no answer, a 5xx, a 429);
    otherwise asking again will not help (refused, too large, a 4xx)."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Fetched:
    url: str  # where the content finally came from
    content: bytes
    media_type: str | None


def pinned_client(timeout: float) -> httpx.Client:
    """No redirects followed by httpx (we check each hop), no proxies from the environment
    (they would undo the address pinning)."""
    return httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False)


def fetch(url: str, *, max_bytes: int, timeout: float, allow_private: bool = False) -> Fetched:
    """GETs a public page, following up to five redirects, each one checked again."""
    with pinned_client(timeout) as client:
        for _ in range(MAX_REDIRECTS + 1):
            response = _get(client, _checked(url, allow_private))
            try:
                if not response.is_redirect:
                    return _fetched(url, response, max_bytes)
                url = _next_hop(url, response)
            finally:
                response.close()
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects from {url}")


def _checked(url: str, allow_private: bool) -> ssrf.Target:
    try:
        return ssrf.check_url(url, resolver=resolver, allow_private=allow_private)
    except ssrf.RefusedUrl as refused:
        raise FetchFailed(f"refused: {refused}") from None


def _get(client: httpx.Client, target: ssrf.Target) -> httpx.Response:
    headers = {"host": target.host_header, "user-agent": USER_AGENT, "accept": "*/*"}
    request = client.build_request(
        "GET", target.pinned_url, headers=headers, extensions={"sni_hostname": target.host}
    )
    try:
        return client.send(request, stream=True)
    except httpx.TimeoutException:
        raise FetchFailed(f"{target.url} did not answer in time", retryable=True) from None
    except httpx.HTTPError as error:
        raise FetchFailed(
            f"could not reach {target.url}: {type(error).__name__}", retryable=True
        ) from None


def _fetched(url: str, response: httpx.Response, max_bytes: int) -> Fetched:
    if response.status_code >= 400:
        retryable = response.status_code >= 500 or response.status_code == 429
        raise FetchFailed(f"{url} answered {response.status_code}", retryable=retryable)
    return Fetched(url, _body(response, max_bytes), _media_type(response))


def _next_hop(url: str, response: httpx.Response) -> str:
    location = response.headers.get("location")
    if not location:
        raise FetchFailed(f"{url} redirected without saying where")
    return urljoin(url, location)


def _body(response: httpx.Response, max_bytes: int) -> bytes:
    read = bytearray()
    for part in response.iter_bytes():
        read += part
        if len(read) > max_bytes:
            raise FetchFailed(f"the page is larger than {max_bytes} bytes")
    return bytes(read)


def _media_type(response: httpx.Response) -> str | None:
    header = response.headers.get("content-type")
    return header.split(";")[0].strip().lower() if header else None
