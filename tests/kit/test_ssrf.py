"""The SSRF guard: no spelling of a private address gets through, public ones do, and the
address connected to is the one that was checked."""

from __future__ import annotations

import contextlib
import ipaddress
import socket

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from leadflow.kit import ssrf
from leadflow.kit.ssrf import RefusedUrl, UnresolvableHost, check_url, is_refused, parse_ip

LISTED = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
]  # fmt: skip
LISTED_V6 = ["::1/128", "fe80::/10", "fc00::/7"]


def no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} should not have been looked up")


def dns(*answers: str) -> ssrf.Resolver:
    return lambda host, port: list(answers)


def private_v4() -> st.SearchStrategy[ipaddress.IPv4Address]:
    return st.sampled_from(LISTED).flatmap(lambda net: st.ip_addresses(network=net))


def public_v4() -> st.SearchStrategy[ipaddress.IPv4Address]:
    return st.ip_addresses(v=4).filter(
        lambda ip: ip.is_global and not any(ip in ipaddress.ip_network(n) for n in LISTED)
    )


def spellings(ip: ipaddress.IPv4Address) -> list[str]:
    """The ways a resolver (inet_aton) or a URL parser reads the same IPv4 address."""
    a, b, c, d = ip.packed
    value = int(ip)
    return [
        str(ip),
        str(value),
        hex(value),
        "0" + oct(value)[2:],
        f"{a}.{(b << 16) + (c << 8) + d}",
        f"{a}.{b}.{(c << 8) + d}",
        f"{hex(a)}.{hex(b)}.{hex(c)}.{hex(d)}",
        f"0{oct(a)[2:]}.{b}.{c}.{d}",
        f"[::ffff:{ip}]",
        f"[::ffff:{int(ip) >> 16:x}:{int(ip) & 0xFFFF:x}]",
        f"{ip}.",
    ]


@given(private_v4(), st.data())
@example(ipaddress.IPv4Address("127.0.0.1"), None)
@example(ipaddress.IPv4Address("169.254.169.254"), None)
def test_every_spelling_of_a_listed_ipv4_address_is_refused(ip, data):
    for host in spellings(ip):
        with pytest.raises(RefusedUrl):
            check_url(f"http://{host}/hook", resolver=no_dns)


@given(private_v4())
def test_a_name_that_resolves_to_a_listed_address_is_refused(ip):
    with pytest.raises(RefusedUrl, match="private or reserved"):
        check_url("https://hooks.example.com/x", resolver=dns(str(ip)))


@given(st.sampled_from(LISTED_V6).flatmap(lambda net: st.ip_addresses(network=net)))
def test_listed_ipv6_addresses_are_refused(ip):
    assert is_refused(ip)
    with pytest.raises(RefusedUrl):
        check_url(f"http://[{ip}]/", resolver=no_dns)


@given(public_v4())
def test_a_public_address_passes_in_every_spelling_and_is_the_one_pinned(ip):
    for host in spellings(ip)[:8]:
        target = check_url(f"https://{host}/hook?x=1", resolver=no_dns)
        assert target.address == ip
        assert target.pinned_url == f"https://{ip}:443/hook?x=1"


@given(public_v4())
def test_a_name_is_pinned_to_the_address_it_resolved_to(ip):
    target = check_url("https://Hooks.Example.com:8443/in", resolver=dns(str(ip)))
    assert target.pinned_url == f"https://{ip}:8443/in"
    assert target.host == "hooks.example.com"
    assert target.host_header == "hooks.example.com:8443"


@given(private_v4())
def test_ipv6_forms_that_embed_a_listed_ipv4_address_are_refused(ip):
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) + int(ip))
    six_to_four = ipaddress.IPv6Address((0x2002 << 112) + (int(ip) << 80))
    assert is_refused(mapped)
    assert is_refused(nat64)
    assert is_refused(six_to_four)


def test_one_private_answer_among_public_ones_is_enough_to_refuse():
    with pytest.raises(RefusedUrl, match=r"10\.0\.0\.1"):
        check_url("https://hooks.example.com/", resolver=dns("93.184.215.14", "10.0.0.1"))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)",
        "http://", "https:///path", "http://user:pw@example.com/", "http://a b.com/",
        "http://example.com\\@127.0.0.1/", "http://example.com:0/", "http://example.com:99999/",
        "http://[::1", "http://1.2.3.4.5/", "http://256.1.1.1/", "http://1.08/", "http://foo.123/",
        "https://hooks.example.com/\ud800",
    ],
)  # fmt: skip
def test_urls_that_are_not_plain_http_to_a_host_are_refused(url):
    with pytest.raises(RefusedUrl):
        check_url(url, resolver=dns("93.184.215.14"))


def test_a_host_that_does_not_resolve_says_so():
    def nxdomain(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(UnresolvableHost):
        check_url("https://nowhere.example/", resolver=nxdomain)
    with pytest.raises(UnresolvableHost):
        check_url("https://nowhere.example/", resolver=dns())


def test_private_addresses_pass_when_allowed():
    target = check_url("http://localhost:8000/hook", resolver=dns("127.0.0.1"), allow_private=True)
    assert target.pinned_url == "http://127.0.0.1:8000/hook"
    assert target.host_header == "localhost:8000"


def test_ipv6_targets_are_bracketed_when_pinned():
    target = check_url("https://hooks.example.com/", resolver=dns("2606:2800:220:1::1"))
    assert target.pinned_url == "https://[2606:2800:220:1::1]:443/"


@given(st.text(max_size=80))
@example("http://0x7f.1/")
@example("http://2130706433/")
@example("http://[fe80::1%25eth0]/")
def test_any_text_is_either_a_checked_target_or_refused(text):
    try:
        target = check_url(text, resolver=dns("93.184.215.14"))
    except RefusedUrl:
        return
    assert target.scheme in ("http", "https")
    assert not is_refused(target.address)


@given(st.from_regex(r"\A(0x[0-9a-f]{0,9}|0[0-7]{0,12}|[0-9]{1,11})\Z"))
def test_a_lone_number_host_is_read_as_inet_aton_reads_it(number):
    try:
        expected = ipaddress.IPv4Address(socket.inet_aton(number))
    except OSError:  # the resolver would not read it as an address: neither may we, publicly
        with contextlib.suppress(RefusedUrl):
            assert is_refused(parse_ip(number))  # "0x" is 0.0.0.0 to URL parsers
        return
    assert parse_ip(number) == expected
