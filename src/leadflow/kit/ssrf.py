"""The SSRF guard: an address a user or a lead supplied is fetched only if it is public.

The host is resolved once here, every address it resolves to is checked, and the caller
connects to the checked address (``Target.pinned_url``, with ``Target.host_header`` and the
TLS server name set to the original host), so a second lookup cannot swap in a private one.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses it resolves to, as text
Resolver = Callable[[str, int], Sequence[str]]

REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "fe80::/10", "fc00::/7", "ff00::/8",
    )
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class RefusedUrl(ValueError):
    """The URL may not be fetched: its scheme, its form, or the address it leads to."""


class UnresolvableHost(RefusedUrl):
    """The host has no address (yet): refused for a fetch, tolerable when only registering."""


@dataclass(frozen=True)
class Target:
    """A URL that passed the guard, and the one address to connect to for it."""

    url: str
    scheme: str
    host: str  # as DNS and TLS know it (IDNA-encoded, lower case)
    port: int
    address: IPAddress
    path_and_query: str

    @property
    def host_header(self) -> str:
        return self.host if _DEFAULT_PORTS[self.scheme] == self.port else f"{self.host}:{self.port}"

    @property
    def pinned_url(self) -> str:
        """The URL with its host replaced by the checked address."""
        literal = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{self.scheme}://{literal}:{self.port}{self.path_and_query}"


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def check_url(url: str, *, resolver: Resolver, allow_private: bool = False) -> Target:
    """The URL's target if it is http(s) and every address it resolves to is public."""
    parts = _split(url)
    host, port = _host(parts), _port(parts)
    addresses = _addresses(host, port, resolver)
    if not allow_private:
        for address in addresses:
            if is_refused(address):
                raise RefusedUrl(f"{host} leads to {address}, a private or reserved address")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(url, parts.scheme, host, port, addresses[0], path)


def check_host(host: str, port: int, *, resolver: Resolver) -> None:
    """Refuses a host (a name or an address) that is, or resolves to, a private or reserved
    address: for a server a user named that is reached by something other than an HTTP fetch
    (a mail server), or by a client that cannot pin the checked address."""
    name = host.strip("[]").rstrip(".")
    if not name or not _encodable(name):
        raise RefusedUrl("the host is empty or not valid text")
    try:
        ascii_name = name if name.isascii() else name.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise RefusedUrl(f"the host is not valid: {error}") from None
    for address in _addresses(ascii_name, port, resolver):
        if is_refused(address):
            raise RefusedUrl(f"{host} leads to {address}, a private or reserved address")


def _split(url: str) -> SplitResult:
    if any(c.isspace() or ord(c) < 0x20 or c == "\\" for c in url):
        raise RefusedUrl("the URL contains spaces, control characters or backslashes")
    if not url.isascii() and not _encodable(url):
        raise RefusedUrl("the URL is not valid text")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise RefusedUrl(f"not a URL: {error}") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise RefusedUrl("only http and https URLs are allowed")
    if "@" in parts.netloc:
        raise RefusedUrl("credentials in the URL are not accepted; put a token in the path")
    return parts


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeError:  # a lone surrogate
        return False
    return True


def _host(parts: SplitResult) -> str:
    try:
        host = parts.hostname
        if not host:
            raise RefusedUrl("the URL has no host")
        return host.rstrip(".") if host.isascii() else host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError) as error:
        raise RefusedUrl(f"the host is not valid: {error}") from None


def _port(parts: SplitResult) -> int:
    try:
        port = parts.port
    except ValueError:
        raise RefusedUrl("the port is not a number from 1 to 65535") from None
    if port == 0:
        raise RefusedUrl("the port is not a number from 1 to 65535")
    return port or _DEFAULT_PORTS[parts.scheme]


def _addresses(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    literal = parse_ip(host)
    if literal is not None:
        return [literal]
    try:
        resolved = [ipaddress.ip_address(a.split("%")[0]) for a in resolver(host, port)]
    except (OSError, UnicodeError, ValueError) as error:
        raise UnresolvableHost(f"{host} cannot be resolved ({error})") from None
    if not resolved:
        raise UnresolvableHost(f"{host} has no address")
    return resolved


def parse_ip(host: str) -> IPAddress | None:
    """The address a host written as an IP literal names, in any spelling a resolver accepts
    (``2130706433``, ``0x7f.1``, ``017700000001``, ``::ffff:127.0.0.1``); None for a name.

    A host that ends in a number but is no address is refused, as URL parsers do."""
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if not _ends_in_number(labels[-1]):
        return None
    try:
        numbers = [_number(label) for label in labels]
    except ValueError:
        raise RefusedUrl(f"{host} looks like an IP address but is not one") from None
    if len(numbers) > 4:
        raise RefusedUrl(f"{host} looks like an IP address but is not one")
    return _ipv4_from_numbers(numbers, host)


_DIGITS = frozenset("0123456789")
_HEX_DIGITS = frozenset("0123456789abcdef")


def _ends_in_number(label: str) -> bool:
    lowered = label.lower()
    if lowered.startswith("0x"):
        return set(lowered[2:]) <= _HEX_DIGITS
    return bool(lowered) and set(lowered) <= _DIGITS


def _number(label: str) -> int:
    """One part of an IPv4 address: decimal, octal (leading 0) or hexadecimal (0x)."""
    lowered = label.lower()
    if lowered.startswith("0x"):
        if not set(lowered[2:]) <= _HEX_DIGITS:
            raise ValueError(label)
        return int(lowered[2:] or "0", 16)
    if not lowered or not set(lowered) <= _DIGITS:
        raise ValueError(label)
    return int(lowered, 8) if len(lowered) > 1 and lowered[0] == "0" else int(lowered)


def _ipv4_from_numbers(numbers: list[int], host: str) -> ipaddress.IPv4Address:
    """inet_aton's reading: each leading part is a byte, the last fills the bytes left."""
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (4 - len(leading)):
        raise RefusedUrl(f"{host} looks like an IP address but is out of range")
    value = last
    for position, byte in enumerate(leading):
        value += byte << (8 * (3 - position))
    return ipaddress.IPv4Address(value)


def is_refused(address: IPAddress) -> bool:
    """True for every address a fetch must not reach: private, loopback, link-local (cloud
    metadata), shared, benchmark, multicast, reserved, and IPv6 forms that embed one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_refused(embedded)
    if any(address in network for network in REFUSED_NETWORKS):
        return True
    return not address.is_global


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
