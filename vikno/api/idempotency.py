"""`Idempotency-Key` on POST: a retried request gets the first answer, not a second change.

Applied to a whole router (`router.add_decorator(idempotent)`), so every POST of it is
covered. The endpoint runs in one transaction with the record of its answer:

- no key: the endpoint runs (still in one transaction) and answers as usual;
- a key seen before from the same caller with the same request: the stored status and
  body are answered again, nothing runs (header `Idempotent-Replayed: true`);
- a key seen before with a different request: 422 `idempotency_key_reused`;
- two identical requests racing: the unique constraint lets one record in; the other's
  transaction is rolled back and it answers the winner's stored response.

Only successful answers are stored: a refusal changes nothing, so a retry simply runs again.
"""

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Status

from vikno.api.auth import caller_of
from vikno.api.errors import UnicodeJSONRenderer
from vikno.api.models import IdempotencyRecord
from vikno.core.clock import now
from vikno.core.errors import ServiceError, ValidationFailed

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
_renderer = UnicodeJSONRenderer()


class _LostRace(Exception):
    """Another request stored this key first; our transaction must be undone."""


def request_fingerprint(request: HttpRequest) -> str:
    """A hash of what the request asks for, blind to JSON spacing and multipart boundaries."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/") or content_type == "application/x-www-form-urlencoded":
        for name in sorted(request.POST):
            digest.update(json.dumps([name, request.POST.getlist(name)]).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                file_hash = hashlib.sha256()
                for chunk in upload.chunks():
                    file_hash.update(chunk)
                upload.seek(0)
                digest.update(json.dumps([name, upload.name, file_hash.hexdigest()]).encode())
    else:
        try:
            body = json.dumps(json.loads(request.body or b"null"), sort_keys=True)
        except ValueError:
            body = request.body.decode("utf-8", "replace")
        digest.update(body.encode())
    return digest.hexdigest()


def _key_of(request: HttpRequest) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        msg = _("The Idempotency-Key must be 1 to %(n)d printable characters.") % {
            "n": MAX_KEY_LENGTH
        }
        raise ValidationFailed(msg, fields={"idempotency_key": [msg]})
    return key


def _replay(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    if record.fingerprint != fingerprint:
        msg = _("This Idempotency-Key was already used for a different request.")
        raise ValidationFailed(
            msg, code="idempotency_key_reused", fields={"idempotency_key": [msg]}
        )
    response = HttpResponse(record.body, status=record.status, content_type=_renderer.media_type)
    response["Idempotent-Replayed"] = "true"
    return response


def _render(request: HttpRequest, result: Any) -> tuple[int, str]:
    status, data = (
        (result.status_code, result.value) if isinstance(result, Status) else (200, result)
    )
    return status, _renderer.render(request, data, response_status=status)


def idempotent(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a router's operations: POSTs run atomically and honour `Idempotency-Key`.

    Operations return a ninja Schema instance (200) or `Status(code, schema)`; the body is
    rendered here so that exactly these bytes can be stored and replayed.
    """

    @wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method != "POST":
            return view_func(request, *args, **kwargs)
        key = _key_of(request)
        user = caller_of(request).user
        fingerprint = request_fingerprint(request) if key else ""
        try:
            with transaction.atomic():
                if key:
                    stored = IdempotencyRecord.objects.filter(user=user, key=key).first()
                    if stored is not None:
                        return _replay(stored, fingerprint)
                status, body = _render(request, view_func(request, *args, **kwargs))
                if key and 200 <= status < 300:
                    try:
                        with transaction.atomic():
                            IdempotencyRecord.objects.create(
                                user=user,
                                key=key,
                                fingerprint=fingerprint,
                                method=request.method,
                                path=request.path[:500],
                                status=status,
                                body=body,
                                created_at=now(),
                            )
                    except IntegrityError as exc:
                        raise _LostRace from exc
        except (_LostRace, ServiceError):
            # A concurrent identical request may have won while we waited for a lock (and
            # then our transition looks invalid): its stored answer is the right one.
            stored = IdempotencyRecord.objects.filter(user=user, key=key).first() if key else None
            if stored is None:
                raise
            return _replay(stored, fingerprint)
        return HttpResponse(body, status=status, content_type=_renderer.media_type)

    return wrapper


def idempotency_purge(*, older_than) -> int:
    """Forget answers stored before `older_than` (a retry after that runs anew)."""
    deleted, _counts = IdempotencyRecord.objects.filter(created_at__lt=older_than).delete()
    return deleted
