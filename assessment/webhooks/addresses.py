"""Which addresses a webhook may go to: ``https://`` to a host whose every address is a
public one (``core.webhooks.is_public_address``), never inside the network the app runs
in. ``WEBHOOK_ALLOW_PRIVATE`` (development and tests only) also allows ``http://`` and
loopback, private and link-local addresses.

The host is resolved when the endpoint is added (to say at once what is wrong) and again
at every attempt, and the message goes to the very address that was checked, so a name
that later resolves elsewhere (DNS rebinding) cannot turn a delivery inwards.
"""

from __future__ import annotations

import enum
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from flask_babel import lazy_gettext as _l

from assessment.core.webhooks import is_public_address
from assessment.models import WEBHOOK_URL_MAX_LENGTH

DEFAULT_PORTS = {"https": 443, "http": 80}


class Refusal(enum.StrEnum):
    """Why an address may not be used; the values are kept in the delivery log."""

    SCHEME = "scheme"
    MALFORMED = "malformed"
    UNRESOLVABLE = "unresolvable"
    PRIVATE = "private_address"


REFUSAL_MESSAGES = {
    Refusal.SCHEME: _l("The address must start with https://."),
    Refusal.MALFORMED: _l(
        "This is not a web address: write it whole, as https://example.com/webhooks."
    ),
    Refusal.UNRESOLVABLE: _l("The host of this address cannot be found (DNS)."),
    Refusal.PRIVATE: _l(
        "This address is inside a private network (loopback, private or link-local); "
        "webhooks go only to public addresses."
    ),
}


class AddressRefusedError(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class Target:
    """Where to send a message: the URL's parts and the address checked for it."""

    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str  # the IP address connected to

    @property
    def host_header(self) -> str:
        default = DEFAULT_PORTS[self.scheme] == self.port
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if default else f"{host}:{self.port}"


def parse(url: str, *, allow_private: bool) -> SplitResult:
    """The URL's parts, or ``AddressRefusedError`` saying what is wrong with it."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefusedError(Refusal.MALFORMED) from None
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme.lower() not in schemes:
        raise AddressRefusedError(Refusal.SCHEME)
    if (
        not parts.hostname
        or len(url) > WEBHOOK_URL_MAX_LENGTH
        or port == 0
        or any(character.isspace() for character in url)
    ):
        raise AddressRefusedError(Refusal.MALFORMED)
    return parts


def resolve(url: str, *, allow_private: bool) -> Target:
    """Check the URL and its host's every address; the target to connect to."""
    parts = parse(url, allow_private=allow_private)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or DEFAULT_PORTS[scheme]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefusedError(Refusal.UNRESOLVABLE) from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise AddressRefusedError(Refusal.UNRESOLVABLE)
    if not allow_private and not all(is_public_address(address) for address in addresses):
        raise AddressRefusedError(Refusal.PRIVATE)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, addresses[0])
