"""Signing as Standard Webhooks does, the address rule and the retry schedule."""

from hypothesis import given
from hypothesis import strategies as st

from assessment.core import webhooks

# The example of the Standard Webhooks specification's reference libraries.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_of_the_specification_example():
    assert webhooks.signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    assert webhooks.verify(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE)


def test_any_of_several_signatures_may_match():
    header = f"v1,bm90IGl0 {SPEC_SIGNATURE}"
    assert webhooks.verify(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, header)


@given(body=st.binary(), timestamp=st.integers(0, 2**40), other=st.binary(min_size=1))
def test_a_signature_verifies_its_message_and_no_altered_one(body, timestamp, other):
    secret = webhooks.new_secret()
    message_id = webhooks.new_message_id()
    header = webhooks.signature(secret, message_id, timestamp, body)
    assert webhooks.verify(secret, message_id, timestamp, body, header)
    assert not webhooks.verify(secret, message_id, timestamp, body + other, header)
    assert not webhooks.verify(secret, message_id, timestamp + 1, body, header)
    assert not webhooks.verify(webhooks.new_secret(), message_id, timestamp, body, header)


def test_a_new_secret_is_whsec_and_base64():
    secret = webhooks.new_secret()
    assert secret.startswith("whsec_")
    assert len(webhooks.secret_key(secret)) == webhooks.SECRET_BYTES


def test_only_global_unicast_addresses_are_public():
    for address in ("8.8.8.8", "2606:4700:4700::1111"):
        assert webhooks.is_public_address(address), address
    for address in (
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address judged, not bound
        "224.0.1.1",
        "255.255.255.255",
        "::1",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "not an address",
    ):
        assert not webhooks.is_public_address(address), address


def test_each_retry_waits_its_interval_then_none_is_left():
    intervals = (10, 60, 300)
    assert [webhooks.retry_delay(n, intervals) for n in range(1, 5)] == [10, 60, 300, None]
    assert webhooks.retry_delay(1, ()) is None


def test_only_2xx_is_a_success():
    assert [webhooks.is_success(s) for s in (200, 204, 299, 301, 302, 404, 500)] == [
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]
