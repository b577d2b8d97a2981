"""A signed POST of one exchange message to a peer, over stdlib urllib.

The body is sent exactly as given (the signature covers its bytes). Errors carry only
the HTTP status and the peer's error code, never the body (it may hold personal data).
"""

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urljoin, urlsplit

from vikno.exchange.signing import sign_headers
from vikno.integrations.exchange.exceptions import PeerRefused, PeerUnavailable
from vikno.integrations.exchange.types import PeerAnswer

# Statuses after which the same message may be accepted later.
RETRY_STATUSES = frozenset({401, 408, 425, 429})


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def post(
    *,
    base_url: str,
    path: str,
    body: bytes,
    peer_code: str,
    secret: str,
    idempotency_key: str,
    timeout: float,
) -> PeerAnswer:
    """POST `body` to base_url + path, signed as `peer_code` (our code at the peer).

    Returns the answer for 2xx and for 409 replay (already delivered); raises
    PeerUnavailable (retry later) or PeerRefused (retrying the same message cannot help).
    """
    url = urljoin(base_url.rstrip("/") + "/", path.lstrip("/"))
    signed_path = urlsplit(url).path
    headers = sign_headers(
        peer_code=peer_code,
        secret=secret,
        method="POST",
        path=signed_path,
        body=body,
        idempotency_key=idempotency_key,
    )
    headers["Accept"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return PeerAnswer(status=response.status, body=_json(response.read()))
    except urllib.error.HTTPError as error:
        answer = PeerAnswer(status=error.code, body=_json(error.read()))
        if answer.replayed:
            return answer
        code = str(answer.body.get("code", ""))[:50]
        message = f"HTTP {error.code} {code}".strip()
        if error.code >= 500 or error.code in RETRY_STATUSES:
            raise PeerUnavailable(message, status=error.code, code=code) from None
        raise PeerRefused(message, status=error.code, code=code) from None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise PeerUnavailable(f"{type(reason).__name__}") from None
