"""Inbound exchange endpoints (format vikno-exchange/1, docs/exchange.md).

Not API-key authentication: the caller is a peer, known by X-Vikno-Peer and proved by
the HMAC signature of the raw body (vikno.exchange.signing). The body is read raw and
parsed after the signature is checked, so an unsigned request learns nothing.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from vikno.api.errors import ERROR_RESPONSES
from vikno.exchange import services

router = Router(auth=None, tags=["exchange"])

SIGNED_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
        "description": "A vikno-exchange/1 message, signed with the headers X-Vikno-Peer, "
        "X-Vikno-Timestamp and X-Vikno-Signature (HMAC-SHA256; docs/exchange.md). A known "
        "Idempotency-Key is refused with 409 replay.",
    },
}


class RegisteredOut(Schema):
    format: str
    external_number: str
    number: str


class UpdateOut(Schema):
    format: str
    external_number: str
    number: str
    applied: list[str]


def _peer(request: HttpRequest):
    return services.peer_authenticate(
        code=request.headers.get("X-Vikno-Peer", ""),
        timestamp=request.headers.get("X-Vikno-Timestamp", ""),
        signature=request.headers.get("X-Vikno-Signature", ""),
        method=request.method or "POST",
        path=request.path,
        body=request.body,
    )


def _status(answer: services.Answer) -> Any:
    return Status(answer.status, answer.body)


@router.post(
    "/appeals",
    response={201: RegisteredOut, **ERROR_RESPONSES},
    summary="An appeal handed down by an upstream peer",
    openapi_extra=SIGNED_BODY,
)
def exchange_appeal(request: HttpRequest):
    peer = _peer(request)
    key = request.headers.get("Idempotency-Key", "")
    return _status(
        services.appeal_receive(peer=peer, key=key, path=request.path, body=request.body)
    )


@router.post(
    "/updates",
    response={200: UpdateOut, **ERROR_RESPONSES},
    summary="A status update or answer from a downstream peer",
    openapi_extra=SIGNED_BODY,
)
def exchange_update(request: HttpRequest):
    peer = _peer(request)
    key = request.headers.get("Idempotency-Key", "")
    return _status(
        services.update_receive(peer=peer, key=key, path=request.path, body=request.body)
    )
