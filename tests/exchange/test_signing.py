from datetime import UTC, datetime, timedelta

import pytest

from vikno.core import clock
from vikno.exchange.signing import BadSignature, sign_headers, signature, verify

SECRET = "s3cret"
BODY = b'{"format": "vikno-exchange/1"}'
MOMENT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _headers():
    with clock.travel(MOMENT):
        return sign_headers(
            peer_code="kyiv",
            secret=SECRET,
            method="post",
            path="/api/v1/exchange/appeals",
            body=BODY,
            idempotency_key="k1",
        )


def _verify(headers, *, body=BODY, secret=SECRET, at=MOMENT, path="/api/v1/exchange/appeals"):
    with clock.travel(at):
        verify(
            secret=secret,
            method="POST",
            path=path,
            timestamp=headers["X-Vikno-Timestamp"],
            body=body,
            given=headers["X-Vikno-Signature"],
        )


def test_headers_and_known_signature():
    headers = _headers()
    assert headers["X-Vikno-Peer"] == "kyiv"
    assert headers["X-Vikno-Timestamp"] == str(int(MOMENT.timestamp()))
    assert headers["Idempotency-Key"] == "k1"
    assert headers["X-Vikno-Signature"] == signature(
        secret=SECRET,
        method="POST",
        path="/api/v1/exchange/appeals",
        timestamp=headers["X-Vikno-Timestamp"],
        body=BODY,
    )
    assert len(headers["X-Vikno-Signature"]) == 64


def test_good_signature_accepted_within_five_minutes():
    _verify(_headers(), at=MOMENT + timedelta(minutes=5))


@pytest.mark.parametrize(
    "change",
    [
        {"body": BODY + b" "},
        {"secret": "other"},
        {"path": "/api/v1/exchange/updates"},
    ],
)
def test_tampered_request_refused(change):
    with pytest.raises(BadSignature) as refused:
        _verify(_headers(), **change)
    assert refused.value.status == 401
    assert refused.value.code == "bad_signature"


def test_stale_timestamp_refused():
    with pytest.raises(BadSignature) as refused:
        _verify(_headers(), at=MOMENT + timedelta(minutes=5, seconds=1))
    assert refused.value.code == "bad_signature"


def test_malformed_timestamp_refused():
    headers = _headers() | {"X-Vikno-Timestamp": "yesterday"}
    with pytest.raises(BadSignature):
        _verify(headers)
