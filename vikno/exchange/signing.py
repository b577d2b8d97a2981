"""HMAC-SHA256 signing of exchange requests between Vikno and a peer contact center.

The signature covers method, path, timestamp and body, one per line:
``METHOD\\nPATH\\nTIMESTAMP\\n`` followed by the raw body bytes. Headers: X-Vikno-Peer,
X-Vikno-Timestamp (unix seconds), X-Vikno-Signature (hex), Idempotency-Key.
"""

import hashlib
import hmac
from datetime import timedelta

from django.utils.translation import gettext as _

from vikno.core import clock
from vikno.core.errors import ServiceError

FORMAT = "vikno-exchange/1"
MAX_AGE = timedelta(minutes=5)


class BadSignature(ServiceError):
    status = 401
    code = "bad_signature"


def signature(*, secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of the request with the peer's shared secret."""
    message = f"{method.upper()}\n{path}\n{timestamp}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_headers(
    *, peer_code: str, secret: str, method: str, path: str, body: bytes, idempotency_key: str
) -> dict[str, str]:
    """Headers for an outbound request, stamped with clock.now()."""
    timestamp = str(int(clock.now().timestamp()))
    return {
        "X-Vikno-Peer": peer_code,
        "X-Vikno-Timestamp": timestamp,
        "X-Vikno-Signature": signature(
            secret=secret, method=method, path=path, timestamp=timestamp, body=body
        ),
        "Idempotency-Key": idempotency_key,
        "Content-Type": "application/json",
    }


def verify(*, secret: str, method: str, path: str, timestamp: str, body: bytes, given: str) -> None:
    """Refuse (401 bad_signature) a wrong signature or a timestamp outside ±5 minutes.

    Compared in constant time. Replay of an Idempotency-Key is checked by the caller
    against the stored keys (409 replay).
    """
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        raise BadSignature(_("The request timestamp is missing or malformed.")) from None
    if abs(clock.now().timestamp() - moment) > MAX_AGE.total_seconds():
        raise BadSignature(_("The request timestamp is too old or in the future."))
    expected = signature(secret=secret, method=method, path=path, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected, given or ""):
        raise BadSignature(_("The request signature does not match."))
