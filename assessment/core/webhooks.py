"""Webhooks, the pure part: signing a message as Standard Webhooks does, which addresses
may be called, and when a failed delivery is tried again.

Signing (https://www.standardwebhooks.com/): the secret is ``whsec_`` and the base64 of
random bytes; a message is signed with HMAC-SHA256, keyed with those bytes, over
``{webhook-id}.{webhook-timestamp}.{body}``, and the signature is sent as
``webhook-signature: v1,<base64 of the digest>`` (several, space-separated, while a
secret is being replaced).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not one
SECRET_BYTES = 24
SIGNATURE_VERSION = "v1"
MESSAGE_ID_PREFIX = "msg_"


class InvalidSecretError(ValueError):
    """A secret that is not ``whsec_`` and base64."""


def new_secret() -> str:
    """A new signing secret, as the receiver keeps it: ``whsec_<base64>``."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_message_id() -> str:
    """The ``webhook-id`` of a new message; its retries keep it, so receivers can tell."""
    return MESSAGE_ID_PREFIX + secrets.token_urlsafe(18)


def secret_key(secret: str) -> bytes:
    """The HMAC key a ``whsec_`` secret stands for."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidSecretError("a webhook secret is whsec_ followed by base64") from error


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header of a message: ``v1,<base64>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def verify(secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """Whether any ``v1`` signature of ``header`` is the message's (compared in constant
    time). Receivers should also refuse a timestamp far from their clock."""
    expected = signature(secret, message_id, timestamp, body)
    return any(
        hmac.compare_digest(expected.encode(), candidate.encode())
        for candidate in header.split()
        if candidate.startswith(SIGNATURE_VERSION + ",")
    )


def is_public_address(address: str) -> bool:
    """Whether a delivery may go to this IP address: a global unicast one, never loopback,
    private, link-local, shared, reserved, unspecified or multicast (an IPv4 address
    mapped into IPv6 is judged as the IPv4 address it is)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def retry_delay(attempts: int, intervals: tuple[int, ...]) -> int | None:
    """Seconds to wait before trying again after ``attempts`` failed attempts; None once
    every retry has been used (there are as many retries as intervals)."""
    if attempts < 1 or attempts > len(intervals):
        return None
    return intervals[attempts - 1]


def is_success(status: int) -> bool:
    """A 2xx answer; anything else, a redirect included, is a failed attempt."""
    return 200 <= status < 300
