"""The shared provider client: timeouts, retries honouring Retry-After, the two kinds of error,
and the breaker. Vendors are mocked at the transport (respx); pauses are recorded, not slept."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from leadflow.integrations.errors import ProviderRefused, ProviderUnavailable
from leadflow.integrations.http import ProviderClient
from leadflow.integrations.policy import ProviderPolicy, retry_after_seconds

URL = "https://api.sms-vendor.test/v1/messages"


def vendor(slept: list[float], **policy: object) -> ProviderClient:
    settings = ProviderPolicy.from_settings().but(**{"max_attempts": 3, **policy})
    return ProviderClient("sms-vendor", policy=settings, sleep=slept.append)


def send(provider: ProviderClient, **options: object) -> httpx.Response:
    return asyncio.run(provider.request("POST", URL, json={"to": "+14155552671"}, **options))


def test_retry_after_in_seconds_is_the_pause_asked_for(slept):
    with respx.mock:
        route = respx.post(URL).mock(
            side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(201)]
        )
        response = send(vendor(slept))
    assert response.status_code == 201
    assert route.call_count == 2
    assert slept == [7.0]
    assert route.calls[1].request.content == b'{"to":"+14155552671"}'


def test_retry_after_as_an_http_date_is_honoured(slept):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=12), usegmt=True)
    with respx.mock:
        respx.post(URL).mock(
            side_effect=[httpx.Response(503, headers={"Retry-After": later}), httpx.Response(200)]
        )
        assert send(vendor(slept)).status_code == 200
    assert len(slept) == 1
    assert 10 <= slept[0] <= 12


def test_a_retry_after_beyond_the_cap_is_left_to_the_job_retry(slept):
    with respx.mock:
        route = respx.post(URL).mock(
            return_value=httpx.Response(429, headers={"Retry-After": "3600"})
        )
        with pytest.raises(ProviderUnavailable) as raised:
            send(vendor(slept, retry_after_cap=30))
    assert route.call_count == 1
    assert slept == []
    assert raised.value.retry_after == 3600
    assert raised.value.headers == {"Retry-After": "3600"}


def test_503_until_attempts_run_out_is_unavailable_after_growing_pauses(slept):
    with respx.mock:
        route = respx.post(URL).mock(return_value=httpx.Response(503))
        with pytest.raises(ProviderUnavailable) as raised:
            send(vendor(slept, max_attempts=4, backoff_base=0.5, backoff_cap=8))
    assert route.call_count == 4
    assert len(slept) == 3
    # 0.5 * 2**n, plus up to 0.5 of jitter
    for n, pause in enumerate(slept):
        assert 0.5 * 2**n <= pause <= 0.5 * 2**n + 0.5
    assert raised.value.status == 503
    assert raised.value.extra["provider_status"] == 503


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_a_refusal_is_not_retried_and_says_why(slept, status):
    with respx.mock:
        route = respx.post(URL).mock(
            return_value=httpx.Response(status, json={"message": "The 'To' number is not valid"})
        )
        with pytest.raises(ProviderRefused) as raised:
            send(vendor(slept))
    assert route.call_count == 1
    assert slept == []
    assert raised.value.provider_status == status
    assert "is not valid" in raised.value.provider_detail


def test_timeouts_are_set_on_every_request_and_retried(slept):
    policy = {"timeout": httpx.Timeout(2.5, connect=1.0)}
    with respx.mock:
        route = respx.post(URL).mock(side_effect=httpx.ConnectTimeout("slow"))
        with pytest.raises(ProviderUnavailable, match="ConnectTimeout"):
            send(vendor(slept, **policy))
    assert route.call_count == 3
    assert route.calls[0].request.extensions["timeout"] == {
        "connect": 1.0, "read": 2.5, "write": 2.5, "pool": 2.5
    }  # fmt: skip


def test_a_network_error_then_success(slept):
    with respx.mock:
        respx.post(URL).mock(side_effect=[httpx.ConnectError("refused"), httpx.Response(200)])
        assert send(vendor(slept)).status_code == 200
    assert len(slept) == 1


def test_the_sync_twin_follows_the_same_policy(slept):
    provider = vendor(slept)
    with respx.mock:
        respx.post(URL).mock(
            side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200)]
        )
        assert provider.request_sync("POST", URL, json={}).status_code == 200
        respx.get(URL).mock(return_value=httpx.Response(403))
        with pytest.raises(ProviderRefused):
            provider.request_sync("GET", URL)
    assert slept == [2.0]


def test_base_url_and_headers_are_joined(slept):
    provider = ProviderClient(
        "sms-vendor", base_url="https://api.sms-vendor.test/v1/", headers={"X-Account": "AC1"}
    )
    with respx.mock:
        route = respx.post(URL).mock(return_value=httpx.Response(200))
        asyncio.run(provider.request("POST", "/messages", headers={"X-Trace": "t"}))
    sent = route.calls[0].request
    assert sent.headers["X-Account"] == "AC1"
    assert sent.headers["X-Trace"] == "t"
    assert sent.headers["User-Agent"].startswith("leadflow/")


def test_the_breaker_opens_then_half_opens_for_one_probe_then_closes(slept):
    provider = vendor(slept, max_attempts=1, breaker_failures=2, breaker_cooldown=0.2)
    with respx.mock:
        route = respx.post(URL).mock(return_value=httpx.Response(502))
        for _ in range(2):
            with pytest.raises(ProviderUnavailable):
                send(provider)
        assert provider.breaker.state == "open"
        with pytest.raises(ProviderUnavailable) as refused_at_once:
            send(provider)
        assert route.call_count == 2  # the open breaker kept the request home
        assert refused_at_once.value.extra["breaker"] == "open"

        time.sleep(0.25)
        assert provider.breaker.state == "half_open"
        provider.breaker.allow()  # someone else's probe is out...
        with pytest.raises(ProviderUnavailable):
            send(provider)  # ...so this one waits
        provider.breaker.abandoned()

        route.mock(return_value=httpx.Response(200))
        assert send(provider).status_code == 200  # the probe
        assert provider.breaker.state == "closed"
    assert route.call_count == 3


def test_a_failed_probe_opens_the_breaker_again(slept):
    provider = vendor(slept, max_attempts=1, breaker_failures=1, breaker_cooldown=0.1)
    with respx.mock:
        respx.post(URL).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(ProviderUnavailable):
            send(provider)
        time.sleep(0.15)
        with pytest.raises(ProviderUnavailable, match="ReadTimeout"):
            send(provider)
    assert provider.breaker.state == "open"


def test_a_refusal_does_not_count_against_the_provider(slept):
    provider = vendor(slept, max_attempts=1, breaker_failures=2)
    with respx.mock:
        respx.post(URL).mock(
            side_effect=[httpx.Response(500), httpx.Response(400), httpx.Response(500)]
        )
        for expected in (ProviderUnavailable, ProviderRefused, ProviderUnavailable):
            with pytest.raises(expected):
                send(provider)
    assert provider.breaker.state == "closed"


def test_breaker_states_show_in_health(client, slept):
    provider = ProviderClient(
        "sms-vendor",
        policy=ProviderPolicy.from_settings().but(max_attempts=1, breaker_failures=1),
        sleep=slept.append,
    )
    with respx.mock:
        respx.post(URL).mock(return_value=httpx.Response(503))
        with pytest.raises(ProviderUnavailable):
            send(provider)
    assert client.get("/health").json()["providers"] == {"sms-vendor": "open"}


def test_one_account_failing_leaves_another_accounts_breaker_closed(client, slept):
    policy = ProviderPolicy.from_settings().but(max_attempts=1, breaker_failures=1)
    failing, healthy = (
        ProviderClient("sms-vendor", policy=policy, sleep=slept.append, account=account)
        for account in ("AC-one-business", "AC-another")
    )
    with respx.mock:
        respx.post(URL).mock(return_value=httpx.Response(503))
        with pytest.raises(ProviderUnavailable):
            send(failing)
    with respx.mock:
        respx.post(URL).mock(return_value=httpx.Response(200, json={}))
        send(healthy)
    assert (failing.breaker.state, healthy.breaker.state) == ("open", "closed")
    # health names the provider, never a business's account
    assert client.get("/health").json()["providers"] == {"sms-vendor": "open"}


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), (" 5 ", 5.0), ("", None), ("soon", None), ("-3", None),
     ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)  # fmt: skip
def test_retry_after_values(header, seconds):
    assert retry_after_seconds(header) == seconds
