"""Writes of the privacy app: the personal-data access log (append-only)."""

from django.core.exceptions import ImproperlyConfigured

from vikno.core.clock import now
from vikno.privacy.models import AccessRecord, AccessWhat


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or from X-Forwarded-For behind the number of
    proxies set in VIKNO_TRUSTED_PROXY_COUNT (the same address sign-in rate limits use)."""
    if request is None:
        return None
    from allauth.core.internal.httpkit import get_client_ip

    try:
        return get_client_ip(request)
    except ImproperlyConfigured:  # fewer X-Forwarded-For entries than proxies: spoofed
        return request.META.get("REMOTE_ADDR") or None


def access_record(
    *,
    actor,
    applicant,
    appeal=None,
    what: str,
    reason: str = "",
    request=None,
    ip: str | None = None,
) -> AccessRecord:
    """Write one row of the access log: `actor` saw `applicant`'s data (on `appeal`).

    Call it where the data is shown, in the same request; pass `request` (or `ip`) so the
    address is kept. Rows are never changed afterwards.
    """
    if what not in AccessWhat.values:
        raise ValueError(f"unknown access kind: {what!r}")
    return AccessRecord.objects.create(
        actor=actor,
        applicant=applicant,
        appeal=appeal,
        what=what,
        reason=reason or "",
        ip=ip or client_ip(request),
        created_at=now(),
    )
