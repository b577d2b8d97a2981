"""Inbound exchange and the peer registry: every write of vikno.exchange except the outbox.

An inbound request is checked in this order, and any refusal changes nothing:
401 bad_signature (unknown or inactive peer, wrong signature, stale timestamp) →
400 idempotency_key_required → 409 replay (the key was already accepted from this peer) →
400 bad_request / unknown_format / unknown_type → 422 validation_error (kind, category...)
→ 404 not_found (an update about an appeal we did not hand down to this peer).
The key, the change and the stored answer are written in one transaction.
"""

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vikno.accounts.models import Role, User
from vikno.appeals.choices import AssignmentState, Channel, Kind, Outcome, Status
from vikno.appeals.models import Appeal, Assignment
from vikno.appeals.services import (
    ApplicantData,
    appeal_accept,
    appeal_note_add,
    appeal_register,
    appeal_report_execution,
    appeal_return,
    appeal_start_work,
)
from vikno.core.clock import now
from vikno.core.errors import InvalidTransition, NotFound, ServiceError, ValidationFailed
from vikno.exchange.models import ExchangeLink, InboundKey, LinkDirection, Peer
from vikno.exchange.signing import FORMAT, BadSignature, verify
from vikno.reference.models import Category, Organization, Territory

MAX_NUMBER = 100


class Replay(ServiceError):
    status = 409
    code = "replay"


class BadRequest(ServiceError):
    status = 400
    code = "bad_request"


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


# --- Peers ----------------------------------------------------------------------------


def _account_role(*, is_upstream: bool, is_downstream: bool) -> str:
    # Upstream: registers appeals (operator). Downstream: acts on the assignment of its
    # organization (executor bound to it). Both: a supervisor bound to no organization,
    # the one role that may do both; it is only ever used by this module.
    if is_upstream and is_downstream:
        return Role.SUPERVISOR
    return Role.OPERATOR if is_upstream else Role.EXECUTOR


def peer_create(
    *,
    code: str,
    name: str,
    base_url: str,
    secret: str = "",
    is_upstream: bool = False,
    is_downstream: bool = False,
    organization: Organization | None = None,
) -> tuple[Peer, str]:
    """Register a peer and its service account; return it and the shared secret
    (generated when not given)."""
    errors: dict[str, list[str]] = {}
    if not (is_upstream or is_downstream):
        errors["direction"] = [_("A peer is our upstream, our downstream, or both.")]
    if is_downstream and organization is None:
        errors["organization"] = [
            _("A downstream peer needs the organization that stands for it in our tree.")
        ]
    if organization is not None and organization.is_external:
        errors["organization"] = [
            _(
                "Appeals are forwarded only inside Vikno: choose an organization that is "
                "not external."
            )
        ]
    if not base_url.startswith(("http://", "https://")):
        errors["base_url"] = [_("Give the peer's address starting with https://.")]
    if Peer.objects.filter(code=code).exists():
        errors["code"] = [_("A peer with this code already exists.")]
    if organization is not None and Peer.objects.filter(organization=organization).exists():
        errors["organization"] = [_("This organization already stands for another peer.")]
    if errors:
        raise ValidationFailed(_("The peer was not added: check the marked fields."), fields=errors)
    secret = secret or secrets.token_urlsafe(32)
    role = _account_role(is_upstream=is_upstream, is_downstream=is_downstream)
    with transaction.atomic():
        account = User.objects.create(
            username=f"peer-{code}"[:150],
            first_name=name[:150],
            role=role,
            organization=organization if role == Role.EXECUTOR else None,
            is_service_account=True,
        )
        account.set_unusable_password()
        account.save(update_fields=["password"])
        peer = Peer.objects.create(
            code=code,
            name=name,
            base_url=base_url,
            secret=secret,
            is_upstream=is_upstream,
            is_downstream=is_downstream,
            organization=organization,
            account=account,
        )
    return peer, secret


def peer_secret_set(*, code: str, secret: str = "") -> tuple[Peer, str]:
    """Rotate a peer's shared secret (generated when not given); return it.

    Both sides switch at an agreed moment; the outbox retries what is refused meanwhile.
    """
    secret = secret or secrets.token_urlsafe(32)
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(code=code).first()
        if peer is None:
            raise NotFound(_("There is no such peer."))
        peer.secret = secret
        peer.save(update_fields=["secret"])
    return peer, secret


def peer_deactivate(*, code: str) -> Peer:
    """Stop the exchange with a peer: its requests are refused, its outbox waits.

    The peer and its links stay (history refers to them); its account is disabled.
    """
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(code=code).first()
        if peer is None:
            raise NotFound(_("There is no such peer."))
        peer.is_active = False
        peer.save(update_fields=["is_active"])
        User.objects.filter(pk=peer.account_id).update(is_active=False)
    return peer


# --- Inbound --------------------------------------------------------------------------


def peer_authenticate(
    *, code: str, timestamp: str, signature: str, method: str, path: str, body: bytes
) -> Peer:
    """The active peer whose secret signed this request, or 401 bad_signature."""
    peer = (
        Peer.objects.select_related("account", "organization")
        .filter(code=code or "", is_active=True)
        .first()
    )
    if peer is None:
        raise BadSignature(_("Unknown peer."))
    verify(
        secret=peer.secret,
        method=method,
        path=path,
        timestamp=timestamp,
        body=body,
        given=signature,
    )
    return peer


def _payload(body: bytes, message_type: str) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(_("The body is not JSON.")) from None
    if not isinstance(payload, dict):
        raise BadRequest(_("The body must be a JSON object."))
    if payload.get("format") != FORMAT:
        raise BadRequest(
            _("Unknown format: this receiver speaks %(format)s.") % {"format": FORMAT},
            code="unknown_format",
        )
    if payload.get("type") != message_type:
        raise BadRequest(
            _("Unknown message type here: expected «%(type)s».") % {"type": message_type},
            code="unknown_type",
        )
    return payload


def _text(
    payload: dict[str, Any], name: str, errors: dict[str, list[str]], *, limit: int = 0
) -> str:
    value = payload.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = [_("Must be a string.")]
        return ""
    value = value.strip()
    if limit and len(value) > limit:
        errors[name] = [_("Too long.")]
    return value


def _moment(payload: dict[str, Any], name: str, errors: dict[str, list[str]]) -> datetime | None:
    value = payload.get(name)
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors[name] = [_("Give an ISO 8601 time with its offset.")]
        return None
    return moment


def _once(peer: Peer, key: str, path: str, handle: Callable[[], Answer]) -> Answer:
    """Run `handle` once per (peer, Idempotency-Key): the key, the change and the answer
    commit together; a key seen before is refused (409 replay) and changes nothing."""
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise BadRequest(
            _("Send a unique Idempotency-Key (at most 200 characters) with every message."),
            code="idempotency_key_required",
        )
    refusal = _("This message (Idempotency-Key) has already been accepted.")
    if InboundKey.objects.filter(peer=peer, key=key).exists():
        raise Replay(refusal)
    for attempt in range(2):
        try:
            with transaction.atomic():
                answer = handle()
                InboundKey.objects.create(
                    peer=peer,
                    key=key,
                    path=path[:100],
                    status=answer.status,
                    response=answer.body,
                    created_at=now(),
                )
            break
        except IntegrityError:
            # Two requests racing: the unique constraints let the other one in and this
            # transaction (its change included) was rolled back. The same key is a
            # replay; the same appeal under another key is answered as it now stands.
            if InboundKey.objects.filter(peer=peer, key=key).exists():
                raise Replay(refusal) from None
            if attempt:
                raise
    return answer


def appeal_receive(*, peer: Peer, key: str, path: str, body: bytes) -> Answer:
    """An appeal handed down by an upstream peer: registered once per external number."""
    if not peer.is_upstream:
        raise BadRequest(_("This peer does not hand appeals down to us."), code="not_upstream")
    payload = _payload(body, "appeal")
    return _once(peer, key, path, lambda: _register(peer, payload))


def _register(peer: Peer, payload: dict[str, Any]) -> Answer:
    errors: dict[str, list[str]] = {}
    external = _text(payload, "external_number", errors, limit=MAX_NUMBER)
    if not external and "external_number" not in errors:
        errors["external_number"] = [_("Give the appeal's number at the sender.")]
    kind = _text(payload, "kind", errors)
    if kind not in Kind.values:
        errors["kind"] = [_("Unknown kind; expected one of: %s.") % ", ".join(Kind.values)]
    category_code = _text(payload, "category", errors)
    category = Category.objects.filter(code=category_code, is_active=True).first()
    if category is None:
        errors["category"] = [_("Unknown category code: %(code)s.") % {"code": category_code}]
    territory_code = _text(payload, "territory", errors)
    text = _text(payload, "text", errors)
    address = _text(payload, "address", errors, limit=300)
    received_at = _moment(payload, "received_at", errors)
    due_at = _moment(payload, "due_at", errors)
    person = payload.get("applicant") or {}
    attachments = payload.get("attachments") or []
    if not isinstance(person, dict):
        errors["applicant"] = [_("Must be an object.")]
        person = {}
    if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
        errors["attachments"] = [_("Must be a list of objects.")]
        attachments = []
    if errors or category is None:
        raise ValidationFailed(
            _("The appeal was not registered: check the marked fields."), fields=errors
        )

    existing = (
        ExchangeLink.objects.filter(peer=peer, direction=LinkDirection.IN, external_number=external)
        .select_related("appeal")
        .first()
    )
    if existing is not None:
        return Answer(201, _registered(external, existing.appeal))

    applicant = ApplicantData(
        name=str(person.get("name") or "")[:300],
        phone=str(person.get("phone") or "")[:20],
        email=str(person.get("email") or "")[:254],
        address=str(person.get("postal_address") or "")[:300],
    )
    moment = now()
    # The sender's clock may run a little ahead of ours: never "received in the future".
    received = min(received_at, moment) if received_at else None
    appeal = appeal_register(
        actor=peer.account,
        kind=kind,
        channel=Channel.UPSTREAM,
        category=category,
        territory=Territory.objects.filter(code=territory_code).first() if territory_code else None,
        text=text,
        address=address,
        applicant=applicant,
        received_at=received,
    )
    ExchangeLink.objects.create(
        peer=peer,
        appeal=appeal,
        direction=LinkDirection.IN,
        external_number=external,
        peer_due_at=due_at,
        attachments=[
            {k: a.get(k, "") for k in ("url", "name", "content_type", "size")} for a in attachments
        ],
        created_at=moment,
    )
    lines = [
        _("Handed down by %(peer)s under its number %(number)s.")
        % {"peer": peer.name, "number": external}
    ]
    if due_at:
        lines.append(_("Due there: %(due)s.") % {"due": due_at.isoformat()})
    for attachment in attachments:
        lines.append(
            _("File by reference: %(name)s %(url)s")
            % {"name": attachment.get("name", ""), "url": attachment.get("url", "")}
        )
    appeal_note_add(actor=peer.account, appeal=appeal, text="\n".join(lines))
    return Answer(201, _registered(external, appeal))


def _registered(external: str, appeal: Appeal) -> dict[str, Any]:
    return {"format": FORMAT, "external_number": external, "number": appeal.number}


def update_receive(*, peer: Peer, key: str, path: str, body: bytes) -> Answer:
    """A status update or answer from a downstream peer about an appeal we handed down."""
    payload = _payload(body, "update")
    return _once(peer, key, path, lambda: _apply_update(peer, payload))


def _apply_update(peer: Peer, payload: dict[str, Any]) -> Answer:
    errors: dict[str, list[str]] = {}
    ours = _text(payload, "external_number", errors, limit=MAX_NUMBER)
    theirs = _text(payload, "number", errors, limit=MAX_NUMBER)
    status = _text(payload, "status", errors)
    if status not in Status.values:
        errors["status"] = [_("Unknown status.")]
    outcome = _text(payload, "outcome", errors)
    if outcome and outcome not in Outcome.values:
        errors["outcome"] = [_("Unknown outcome.")]
    answer = _text(payload, "answer", errors)
    _moment(payload, "at", errors)
    if errors:
        raise ValidationFailed(
            _("The update was not recorded: check the marked fields."), fields=errors
        )
    link = (
        ExchangeLink.objects.select_for_update()
        .filter(peer=peer, direction=LinkDirection.OUT, appeal__number=ours)
        .select_related("appeal")
        .first()
    )
    if link is None:
        raise NotFound(_("We did not hand down an appeal with this number to you."))
    if theirs and not link.external_number:
        link.external_number = theirs
        link.save(update_fields=["external_number"])
    appeal = link.appeal
    note = _("%(peer)s reports: «%(status)s» (its number %(number)s).") % {
        "peer": peer.name,
        "status": Status(status).label,
        "number": theirs or link.external_number or "—",
    }
    if answer:
        note += "\n" + _("Answer: %(answer)s") % {"answer": answer}
    appeal_note_add(actor=peer.account, appeal=appeal, text=note)
    applied = _apply_steps(peer, appeal, status, answer)
    return Answer(
        200,
        {"format": FORMAT, "external_number": ours, "number": theirs, "applied": applied},
    )


ACCEPTED_THERE = frozenset(
    {Status.REGISTERED, Status.PREPROCESSED, Status.FORWARDED, Status.RETURNED, Status.ACCEPTED}
)
RESULT_THERE = frozenset({Status.EXECUTED, Status.CLOSED})
REFUSED_THERE = frozenset({Status.REJECTED, Status.FORWARDED_OUT})


def _apply_steps(peer: Peer, appeal: Appeal, status: str, answer: str) -> list[str]:
    """Move the assignment of the peer's organization as an executor's would move.

    Taken there → accepted; in work there → work started; executed or closed there →
    the execution report with the peer's answer (then our operator verifies with the
    applicant as usual); not considered or sent elsewhere there → returned to our
    operators with the answer as the reason. A step the assignment is already past is
    skipped; the update itself is always recorded (the note above).
    """
    assignment = (
        Assignment.objects.filter(appeal=appeal, organization=peer.organization_id)
        .order_by("-created_at", "-id")
        .first()
    )
    if assignment is None:
        return []
    applied: list[str] = []
    actor = peer.account
    org = peer.organization

    def state() -> str:
        return Assignment.objects.values_list("state", flat=True).get(pk=assignment.pk)

    def step(name: str, action: Callable[..., Any], **kwargs: Any) -> None:
        try:
            action(actor=actor, appeal=appeal, organization=org, **kwargs)
        except InvalidTransition:
            return  # e.g. the lead step needs a status our appeal has already left
        applied.append(name)

    wants_accept = status in ACCEPTED_THERE | {Status.IN_WORK} | RESULT_THERE
    if wants_accept and state() == AssignmentState.PENDING:
        step("accept", appeal_accept)
    if status == Status.IN_WORK and state() == AssignmentState.ACCEPTED:
        step("start_work", appeal_start_work)
    if status in RESULT_THERE and state() in (AssignmentState.ACCEPTED, AssignmentState.IN_WORK):
        report = answer or _("Executed by %(peer)s.") % {"peer": peer.name}
        step("report_execution", appeal_report_execution, report=report)
    if status in REFUSED_THERE and state() in (AssignmentState.PENDING, AssignmentState.ACCEPTED):
        reason = answer or _("%(peer)s: %(status)s.") % {
            "peer": peer.name,
            "status": Status(status).label,
        }
        step("return", appeal_return, reason=reason)
    return applied
