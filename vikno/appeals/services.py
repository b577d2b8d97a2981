"""Every change of an appeal: one function per step of its lifecycle.

Each function locks the appeal row, checks the role and the source status under the
lock, writes the change and its history event in one transaction, and refuses with a
ServiceError that changes nothing. Views, the API, workers and commands all call these.
"""

import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from vikno.accounts.models import Role, User
from vikno.appeals import checks
from vikno.appeals.choices import (
    ACTIVE_ASSIGNMENT_STATES,
    AssignmentRole,
    AssignmentState,
    AttachmentPurpose,
    Channel,
    EventKind,
    Kind,
    Outcome,
    Priority,
    RejectionReason,
    ReplyChannel,
    Status,
)
from vikno.appeals.models import (
    Appeal,
    AppealEvent,
    AppealNote,
    Applicant,
    Assignment,
    Attachment,
    ExtensionRequest,
    ExtensionRequestState,
)
from vikno.appeals.numbering import number_allocate
from vikno.appeals.permissions import can_see_appeal, require, role_of
from vikno.appeals.search import document_for
from vikno.appeals.transitions import (
    ACTION_STATUSES,
    ASSIGNMENT_ACTION_STATES,
    LEAD_ACCEPT_STATUSES,
)
from vikno.appeals.uploads import CheckedUpload, check_uploads
from vikno.core.clock import local_date, now
from vikno.core.deadlines import Term, Terms, due_at, extension_limit, forward_out_limit
from vikno.core.errors import Forbidden, InvalidTransition, ValidationFailed
from vikno.core.text import address_key, fold, normalize_phone
from vikno.exchange.outbox import event_recorded as exchange_event_recorded
from vikno.notifications.services import notify, operators, organization_heads
from vikno.reference.models import Category, Organization, Territory
from vikno.reference.selectors import route_for, subtree_ids

Actor = User | None


@dataclass
class ApplicantData:
    """What the applicant tells about themselves when filing."""

    kind: str = "citizen"
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    consent: bool = False
    is_privileged: bool = False
    privilege_note: str = ""
    preferred_channel: str = ""


@dataclass
class Preprocessing:
    """What an operator may correct or decide while pre-processing."""

    kind: str | None = None
    category: Category | None = None
    territory: Territory | None = None
    term: str | None = None
    address: str | None = None
    applicant_updates: dict[str, str] = field(default_factory=dict)


# --- helpers --------------------------------------------------------------------------


def _actor_label(actor: Actor, channel: str | None = None) -> str:
    if actor is not None:
        return str(actor)
    return _("Applicant via %(channel)s") % {"channel": Channel(channel).label if channel else "—"}


def _event(
    appeal: Appeal,
    kind: str,
    actor: Actor,
    *,
    from_status: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AppealEvent:
    event = AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor,
        actor_label=_actor_label(actor, appeal.channel),
        created_at=at or now(),
        from_status=from_status,
        to_status=appeal.status,
        comment=comment,
        data=data or {},
    )
    # Peers hear of it in the same transaction (outbox rows; sent after commit).
    exchange_event_recorded(event)
    return event


def _locked(appeal: Appeal) -> Appeal:
    # Re-read under a row lock: two operators pressing buttons at once are serialized
    # here, and the status check below sees the winner's write. Only the appeal row is
    # locked: PostgreSQL refuses FOR UPDATE on the nullable side of the applicant join.
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("applicant", "category")
        .get(pk=appeal.pk)
    )


def _require_status(appeal: Appeal, step: str, action: str) -> None:
    """Refuse unless the appeal's status is one `step` starts from (transitions table)."""
    allowed = LEAD_ACCEPT_STATUSES if step == "lead_accept" else ACTION_STATUSES[step]
    if appeal.status not in allowed:
        raise InvalidTransition(
            _("Cannot %(action)s an appeal in status «%(status)s».")
            % {"action": action, "status": Status(appeal.status).label}
        )


def _require_text(value: str, field_name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, fields={field_name: [message]})
    return value


def _set_status(appeal: Appeal, status: str, **changes: Any) -> str:
    previous = appeal.status
    appeal.status = status
    for name, value in changes.items():
        setattr(appeal, name, value)
    appeal.save()
    return previous


def _lead(appeal: Appeal, states: Iterable[str] = ACTIVE_ASSIGNMENT_STATES) -> Assignment | None:
    return (
        appeal.assignments.select_for_update()
        .filter(role=AssignmentRole.LEAD, state__in=list(states))
        .order_by("-created_at", "-id")
        .first()
    )


def _store_attachments(
    appeal: Appeal, uploads: Sequence[CheckedUpload], actor: Actor, purpose: str
) -> list[Attachment]:
    stored = []
    for upload in uploads:
        attachment = Attachment(
            appeal=appeal,
            purpose=purpose,
            token=secrets.token_hex(16),
            extension=upload.extension,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            created_at=now(),
            uploaded_by=actor,
        )
        attachment.file.save(attachment.token + upload.extension, upload.file, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _applicant_find_or_create(data: ApplicantData, at: datetime) -> Applicant:
    phone = normalize_phone(data.phone)
    email = data.email.strip().lower()
    lookup = {"phone": phone} if phone else {"email": email} if email else None
    if lookup and data.name.strip():
        for candidate in Applicant.objects.filter(kind=data.kind, **lookup).order_by("-id")[:20]:
            if fold(candidate.name) == fold(data.name):
                changed = []
                for name, value in (
                    ("email", email),
                    ("phone", phone),
                    ("address", data.address.strip()),
                    ("preferred_channel", data.preferred_channel),
                ):
                    if value and getattr(candidate, name) != value:
                        setattr(candidate, name, value)
                        changed.append(name)
                if data.consent and candidate.consent_at is None:
                    candidate.consent_at = at
                    changed.append("consent_at")
                if changed:
                    candidate.save(update_fields=changed)
                return candidate
    return Applicant.objects.create(
        kind=data.kind,
        name=data.name.strip(),
        phone=phone,
        email=email,
        address=data.address.strip(),
        consent_at=at if data.consent else None,
        is_privileged=data.is_privileged,
        privilege_note=data.privilege_note.strip(),
        preferred_channel=data.preferred_channel,
    )


def _term_for(kind: str, category: Category) -> str:
    if kind == Kind.SERVICE_REQUEST and category.service_level_hours:
        return Term.SERVICE_LEVEL
    return category.term if category.term != Term.SERVICE_LEVEL else Term.STANDARD


def _due_for(term: str, received_at: datetime, category: Category) -> datetime:
    return due_at(
        term=term, received_at=received_at, service_level_hours=category.service_level_hours
    )


# --- registration ---------------------------------------------------------------------


def appeal_register(
    *,
    actor: Actor,
    kind: str,
    channel: str,
    category: Category,
    text: str,
    address: str = "",
    territory: Territory | None = None,
    applicant: ApplicantData | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    received_at: datetime | None = None,
    urgent: bool = False,
    files: Sequence[UploadedFile] = (),
) -> Appeal:
    """Register an appeal from any channel and give it its number and due time."""
    if actor is None:
        if channel != Channel.WEB:
            raise Forbidden(
                _("Sign in to register appeals from this channel."), status=401, code="unauthorized"
            )
    else:
        require(actor, "register")
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("Choose the kind of the appeal.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if not category.is_active or category.children.exists():
        errors["category"] = [_("Choose a specific category (the last level of the list).")]
    if not (text or "").strip():
        errors["text"] = [_("Describe the essence of the matter.")]
    moment = now()
    if received_at is not None and received_at > moment:
        errors["received_at"] = [_("The time of receipt cannot be in the future.")]
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    if applicant is not None and applicant.preferred_channel not in {"", *ReplyChannel.values}:
        errors["applicant.preferred_channel"] = [_("Choose email or SMS.")]
    if applicant is not None and channel == Channel.WEB and not applicant.consent:
        errors["applicant.consent"] = [_("Consent to the processing of personal data is required.")]
    uploads: list[CheckedUpload] = []
    try:
        uploads = check_uploads(files)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(
            _("The appeal was not registered: check the marked fields."), fields=errors
        )

    received = received_at or moment
    term = _term_for(kind, category)
    with transaction.atomic():
        person = (
            _applicant_find_or_create(applicant, moment)
            if applicant and (applicant.name or applicant.phone or applicant.email)
            else None
        )
        priority = (
            Priority.URGENT
            if urgent
            else Priority.PRIVILEGED
            if person and person.is_privileged
            else Priority.NORMAL
        )
        appeal = Appeal.objects.create(
            number=number_allocate(year=local_date(received).year),
            tracking_token=secrets.token_urlsafe(24),
            applicant=person,
            kind=kind,
            channel=channel,
            category=category,
            territory=territory,
            address=address.strip(),
            address_key=address_key(address),
            latitude=latitude,
            longitude=longitude,
            text=text.strip(),
            search_document=document_for(text=text, address=address),
            priority=priority,
            term=term,
            received_at=received,
            due_at=_due_for(term, received, category),
            created_by=actor,
        )
        _event(appeal, EventKind.REGISTERED, actor, data={"due_at": appeal.due_at.isoformat()})
        _store_attachments(appeal, uploads, actor, AttachmentPurpose.APPEAL)
        notify(
            event="registered", key=f"appeal:{appeal.pk}:registered", appeal=appeal, applicant=True
        )
    return appeal


def appeal_attach(
    *,
    actor: Actor,
    appeal: Appeal,
    files: Sequence[UploadedFile],
    purpose: str = AttachmentPurpose.APPEAL,
) -> list[Attachment]:
    """Attach files to an open appeal (within the per-appeal limit)."""
    require(actor, "attach")
    uploads = check_uploads(files, already=appeal.attachments.count())
    with transaction.atomic():
        appeal = _locked(appeal)
        # An executor's role lets it attach, but only to an appeal its organization works on.
        own = actor.organization_id if actor is not None else None
        if role_of(actor) == Role.EXECUTOR and (
            own is None
            or not appeal.assignments.filter(organization_id=own)
            .exclude(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])
            .exists()
        ):
            raise Forbidden(_("This appeal is assigned to another organization."))
        if not appeal.is_open:
            raise InvalidTransition(_("Files can be attached only to an open appeal."))
        stored = _store_attachments(appeal, uploads, actor, purpose)
        _event(appeal, EventKind.ATTACHMENT_ADDED, actor, data={"count": len(stored)})
    return stored


# --- pre-processing -------------------------------------------------------------------


def appeal_preprocess(
    *, actor: Actor, appeal: Appeal, changes: Preprocessing | None = None
) -> Appeal:
    """Check art. 5, classify, flag a repeated appeal; an anonymous one is closed unconsidered."""
    require(actor, "preprocess")
    changes = changes or Preprocessing()
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "preprocess", _("pre-process"))
        _apply_preprocessing(appeal, changes)
        if checks.is_anonymous(appeal):
            moment = now()
            previous = _set_status(
                appeal,
                Status.REJECTED,
                outcome=Outcome.REJECTED,
                rejection_reason=RejectionReason.ANONYMOUS,
                closed_at=moment,
            )
            _event(
                appeal,
                EventKind.REJECTED,
                actor,
                from_status=previous,
                comment=str(RejectionReason.ANONYMOUS.label),
                data={"reason": RejectionReason.ANONYMOUS},
            )
            return appeal
        problems = checks.art5_problems(appeal)
        if problems:
            raise ValidationFailed(
                _(
                    "The appeal does not meet the requirements of art. 5 of the Law; complete it "
                    "or return it to the applicant with explanations."
                ),
                code="art5_incomplete",
                fields=problems,
            )
        previous = _set_status(appeal, Status.PREPROCESSED)
        _event(
            appeal, EventKind.PREPROCESSED, actor, from_status=previous, data={"term": appeal.term}
        )
        earlier = _decided_same_matter(appeal)
        if earlier is not None:
            appeal.repeated_of = earlier
            appeal.save(update_fields=["repeated_of", "updated_at"])
            _event(appeal, EventKind.FLAGGED_REPEATED, actor, data={"repeats": earlier.number})
    return appeal


def _apply_preprocessing(appeal: Appeal, changes: Preprocessing) -> None:
    if changes.kind is not None:
        if changes.kind not in Kind.values:
            raise ValidationFailed(_("Unknown kind."), fields={"kind": [_("Unknown kind.")]})
        appeal.kind = changes.kind
    if changes.category is not None:
        if changes.category.children.exists() or not changes.category.is_active:
            msg = _("Choose a specific category (the last level of the list).")
            raise ValidationFailed(msg, fields={"category": [msg]})
        appeal.category = changes.category
    if changes.territory is not None:
        appeal.territory = changes.territory
    if changes.address is not None:
        appeal.address = changes.address.strip()
        appeal.address_key = address_key(appeal.address)
        appeal.search_document = document_for(text=appeal.text, address=appeal.address)
    term = changes.term or _term_for(appeal.kind, appeal.category)
    if term not in Term.values or (
        term == Term.SERVICE_LEVEL and not appeal.category.service_level_hours
    ):
        msg = _("This term cannot be applied to this category.")
        raise ValidationFailed(msg, fields={"term": [msg]})
    if term != appeal.term or changes.category is not None:
        appeal.term = term
        appeal.due_at = _due_for(term, appeal.received_at, appeal.category)
    if changes.applicant_updates:
        allowed = {"name", "address", "phone", "email"}
        updates = {k: v.strip() for k, v in changes.applicant_updates.items() if k in allowed}
        if "phone" in updates:
            updates["phone"] = normalize_phone(updates["phone"])
        if appeal.applicant is None:
            appeal.applicant = Applicant.objects.create(**updates)
        else:
            Applicant.objects.filter(pk=appeal.applicant.pk).update(**updates)
            appeal.applicant.refresh_from_db()
    appeal.save()


def _decided_same_matter(appeal: Appeal) -> Appeal | None:
    """The applicant's latest decided appeal in the same category, if any (art. 8)."""
    applicant = appeal.applicant
    if applicant is None:
        return None
    same_person = Appeal.objects.filter(applicant=applicant)
    if applicant.phone:
        same_person = Appeal.objects.filter(applicant__phone=applicant.phone)
    return (
        same_person.filter(
            category=appeal.category,
            status=Status.CLOSED,
            outcome__in=[Outcome.RESOLVED, Outcome.CONSULTED],
        )
        .exclude(pk=appeal.pk)
        .order_by("-closed_at")
        .first()
    )


def appeal_answer_on_spot(*, actor: Actor, appeal: Appeal, answer: str) -> Appeal:
    """A consultation: the operator answers at once and the appeal is closed."""
    require(actor, "answer_on_spot")
    answer = _require_text(answer, "answer", _("Write the answer given to the applicant."))
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "answer_on_spot", _("answer on the spot"))
        moment = now()
        previous = _set_status(
            appeal,
            Status.CLOSED,
            outcome=Outcome.CONSULTED,
            answer=answer,
            answered_at=moment,
            closed_at=moment,
        )
        _event(appeal, EventKind.ANSWERED_ON_SPOT, actor, from_status=previous, comment=answer)
    return appeal


# --- forwarding by competence ---------------------------------------------------------


def appeal_forward(
    *,
    actor: Actor,
    appeal: Appeal,
    organization: Organization | None = None,
    co_executors: Sequence[Organization] = (),
    due: datetime | None = None,
    instruction: str = "",
) -> Appeal:
    """Send the appeal to the competent organization (by the routing rules when none is named)."""
    require(actor, "forward")
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "forward", _("forward"))
        if organization is None:
            organization = route_for(category=appeal.category, territory=appeal.territory)
            # The rules would send a returned appeal straight back to the body that has just
            # said it is not its competence: then the operator must choose the executor.
            if (
                organization is not None
                and appeal.assignments.filter(
                    organization=organization, state=AssignmentState.RETURNED
                ).exists()
            ):
                organization = None
            if organization is None:
                msg = _("No routing rule matches this category and territory: choose the executor.")
                raise ValidationFailed(msg, code="no_route", fields={"organization": [msg]})
        _check_executor(organization, "organization")
        co = list(dict.fromkeys(co_executors))
        for other in co:
            _check_executor(other, "co_executors")
        if organization in co:
            msg = _("The executor cannot also be a co-executor.")
            raise ValidationFailed(msg, fields={"co_executors": [msg]})
        if due is not None and not (now() < due <= appeal.due_at):
            msg = _(
                "The executor's due time must be in the future and not later than the appeal's."
            )
            raise ValidationFailed(msg, fields={"due_at": [msg]})
        moment = now()
        appeal.assignments.filter(state__in=list(ACTIVE_ASSIGNMENT_STATES)).update(
            state=AssignmentState.CANCELLED
        )
        assignments = []
        for org, role in [
            (organization, AssignmentRole.LEAD),
            *((o, AssignmentRole.CO) for o in co),
        ]:
            assignment = Assignment.objects.create(
                appeal=appeal,
                organization=org,
                role=role,
                due_at=due or appeal.due_at,
                instruction=instruction.strip(),
                created_at=moment,
            )
            assignments.append(assignment)
        previous = _set_status(appeal, Status.FORWARDED, executor=organization)
        event = _event(
            appeal,
            EventKind.FORWARDED,
            actor,
            from_status=previous,
            comment=instruction.strip(),
            data={"organization": organization.name, "co_executors": [o.name for o in co]},
        )
        notify(
            event="forwarded",
            key=f"appeal:{appeal.pk}:forwarded:{event.pk}",
            appeal=appeal,
            applicant=True,
            context={"organization": organization.name},
        )
        for assignment in assignments:
            notify(
                event="assignment_new",
                key=f"assignment:{assignment.pk}:new",
                appeal=appeal,
                organizations=[assignment.organization],
                context={
                    "organization": assignment.organization.name,
                    "instruction": assignment.instruction,
                },
            )
    return appeal


def _check_executor(organization: Organization, field_name: str) -> None:
    if organization.is_external:
        msg = _("%(org)s is outside Vikno: send the appeal there by competence instead.") % {
            "org": organization
        }
        raise ValidationFailed(msg, fields={field_name: [msg]})
    if not organization.is_active:
        msg = _("%(org)s no longer accepts appeals.") % {"org": organization}
        raise ValidationFailed(msg, fields={field_name: [msg]})


def appeal_forward_out(
    *, actor: Actor, appeal: Appeal, organization: Organization, note: str = ""
) -> Appeal:
    """Art. 7: send an appeal outside our competence on to the competent body."""
    require(actor, "forward_out")
    if not organization.is_external:
        msg = _("Choose a body outside Vikno; organizations inside get appeals by forwarding.")
        raise ValidationFailed(msg, fields={"organization": [msg]})
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "forward_out", _("send on"))
        moment = now()
        limit = forward_out_limit(appeal.received_at)
        appeal.assignments.filter(state__in=list(ACTIVE_ASSIGNMENT_STATES)).update(
            state=AssignmentState.CANCELLED
        )
        Assignment.objects.create(
            appeal=appeal,
            organization=organization,
            role=AssignmentRole.LEAD,
            state=AssignmentState.TRANSFERRED,
            due_at=appeal.due_at,
            instruction=note.strip(),
            created_at=moment,
        )
        previous = _set_status(
            appeal,
            Status.FORWARDED_OUT,
            outcome=Outcome.FORWARDED_OUT,
            executor=organization,
            closed_at=moment,
        )
        event = _event(
            appeal,
            EventKind.FORWARDED_OUT,
            actor,
            from_status=previous,
            comment=note.strip(),
            data={
                "organization": organization.name,
                "sent_at": moment.isoformat(),
                "limit": limit.isoformat(),
                "late": moment > limit,
            },
        )
        notify(
            event="forwarded_out",
            key=f"appeal:{appeal.pk}:forwarded_out:{event.pk}",
            appeal=appeal,
            applicant=True,
            context={"organization": organization.name},
        )
    return appeal


# --- execution ------------------------------------------------------------------------


def _assignment_for(appeal: Appeal, actor: Actor, organization: Organization | None) -> Assignment:
    """The active assignment the actor acts on: of the named organization, of the actor's
    own organization, or else the lead one."""
    active = appeal.assignments.select_for_update().filter(state__in=list(ACTIVE_ASSIGNMENT_STATES))
    if organization is None and actor is not None and actor.organization_id:
        own = active.filter(organization_id=actor.organization_id).first()
        if own is not None:
            return own
    if organization is not None:
        found = active.filter(organization=organization).first()
    else:
        found = active.filter(role=AssignmentRole.LEAD).first()
    if found is None:
        raise InvalidTransition(
            _("There is no active assignment of this organization for this appeal.")
        )
    return found


@contextmanager
def _assignment_step(
    actor: Actor, appeal: Appeal, organization: Organization | None, action: str, refusal: str
) -> Iterator[tuple[Appeal, Assignment]]:
    """One executor's step: lock the appeal, find the assignment the actor acts on, check
    the role and the assignment's state (transitions table) — then the caller changes them,
    inside the same transaction."""
    with transaction.atomic():
        appeal = _locked(appeal)
        assignment = _assignment_for(appeal, actor, organization)
        require(actor, action, assignment=assignment)
        if assignment.state not in ASSIGNMENT_ACTION_STATES[action]:
            raise InvalidTransition(refusal)
        yield appeal, assignment


def _assignment_event(
    appeal: Appeal, kind: str, actor: Actor, assignment: Assignment, previous: str, **extra: Any
) -> AppealEvent:
    data = {"organization": assignment.organization.name, "role": assignment.role}
    data.update(extra.pop("data", {}))
    return _event(appeal, kind, actor, from_status=previous, data=data, **extra)


def appeal_accept(
    *, actor: Actor, appeal: Appeal, organization: Organization | None = None
) -> Assignment:
    """The executor (or co-executor) takes the appeal into its work."""
    refusal = _("This assignment has already been accepted.")
    with _assignment_step(actor, appeal, organization, "accept", refusal) as (appeal, assignment):
        assignment.state = AssignmentState.ACCEPTED
        assignment.accepted_at = now()
        assignment.official = actor if actor is not None and not actor.is_service_account else None
        assignment.save()
        previous = appeal.status
        if assignment.role == AssignmentRole.LEAD:
            _require_status(appeal, "lead_accept", _("accept"))
            _set_status(appeal, Status.ACCEPTED)
        _assignment_event(appeal, EventKind.ACCEPTED, actor, assignment, previous)
    return assignment


def appeal_return(
    *, actor: Actor, appeal: Appeal, reason: str, organization: Organization | None = None
) -> Assignment:
    """The executor returns the appeal as not within its competence; the operator re-routes it."""
    reason = _require_text(reason, "reason", _("Explain why this is not within your competence."))
    refusal = _("An appeal already in work cannot be returned; ask for a change of executor.")
    with _assignment_step(actor, appeal, organization, "return", refusal) as (appeal, assignment):
        assignment.state = AssignmentState.RETURNED
        assignment.return_reason = reason
        assignment.save()
        previous = appeal.status
        if assignment.role == AssignmentRole.LEAD:
            _set_status(appeal, Status.RETURNED, executor=None)
        _assignment_event(appeal, EventKind.RETURNED, actor, assignment, previous, comment=reason)
        notify(
            event="assignment_returned",
            key=f"assignment:{assignment.pk}:returned",
            appeal=appeal,
            users=operators(),
            context={"organization": assignment.organization.name, "reason": reason},
        )
    return assignment


def appeal_start_work(
    *, actor: Actor, appeal: Appeal, organization: Organization | None = None
) -> Assignment:
    """The executor starts the work it accepted."""
    refusal = _("Accept the appeal before starting work.")
    with _assignment_step(actor, appeal, organization, "start_work", refusal) as (
        appeal,
        assignment,
    ):
        assignment.state = AssignmentState.IN_WORK
        assignment.save()
        previous = appeal.status
        if assignment.role == AssignmentRole.LEAD:
            _set_status(appeal, Status.IN_WORK)
        _assignment_event(appeal, EventKind.WORK_STARTED, actor, assignment, previous)
    return assignment


def appeal_report_execution(
    *,
    actor: Actor,
    appeal: Appeal,
    report: str,
    files: Sequence[UploadedFile] = (),
    organization: Organization | None = None,
) -> Assignment:
    """The executor reports what was done (text and evidence); the lead's report is the answer."""
    report = _require_text(report, "report", _("Describe what was done."))
    uploads = check_uploads(files, already=appeal.attachments.count())
    refusal = _("Only an accepted appeal can be reported as executed.")
    with _assignment_step(actor, appeal, organization, "report_execution", refusal) as (
        appeal,
        assignment,
    ):
        moment = now()
        assignment.state = AssignmentState.EXECUTED
        assignment.report = report
        assignment.executed_at = moment
        assignment.save()
        previous = appeal.status
        if assignment.role == AssignmentRole.LEAD:
            _set_status(appeal, Status.EXECUTED, answer=report, answered_at=moment)
            from vikno.feedback.services import feedback_request_create  # (a cycle otherwise)

            feedback_request_create(appeal=appeal)  # the applicant's "Is it solved?" link
        _store_attachments(appeal, uploads, actor, AttachmentPurpose.REPORT)
        _assignment_event(
            appeal,
            EventKind.EXECUTED,
            actor,
            assignment,
            previous,
            comment=report,
            data={"files": len(uploads)},
        )
    return assignment


def appeal_verify(*, actor: Actor, appeal: Appeal, confirmed: bool, note: str = "") -> Appeal:
    """Verification with the applicant: confirmed closes, not confirmed sends back to work."""
    require(actor, "verify")
    if not confirmed:
        note = _require_text(note, "note", _("Write what the applicant says is not done."))
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "verify", _("verify"))
        if confirmed:
            previous = _set_status(appeal, Status.CLOSED, outcome=Outcome.RESOLVED, closed_at=now())
            event = _event(
                appeal, EventKind.CONFIRMED, actor, from_status=previous, comment=note.strip()
            )
            notify(
                event="closed",
                key=f"appeal:{appeal.pk}:closed:{event.pk}",
                appeal=appeal,
                applicant=True,
            )
        else:
            lead = _lead(appeal, {AssignmentState.EXECUTED})
            if lead is not None:
                lead.state = AssignmentState.IN_WORK
                lead.save(update_fields=["state"])
            previous = _set_status(appeal, Status.IN_WORK)
            _event(appeal, EventKind.NOT_CONFIRMED, actor, from_status=previous, comment=note)
    return appeal


# --- deadlines, rejection, duplicates, re-opening ---------------------------------------


def _check_extension_due(appeal: Appeal, due: datetime) -> None:
    """The same refusals, with the same codes, as appeal_extend gives for this term."""
    limit = extension_limit(appeal.received_at)
    if due > limit:
        msg = _("The term cannot exceed %(days)d days from receipt (until %(limit)s).") % {
            "days": Terms.current().max_days,
            "limit": f"{local_date(limit):%d.%m.%Y}",
        }
        raise ValidationFailed(msg, code="term_exceeds_limit", fields={"due_at": [msg]})
    if due <= appeal.due_at or due <= now():
        msg = _("The new term must be later than the current one and still ahead.")
        raise ValidationFailed(msg, fields={"due_at": [msg]})


def appeal_extend(*, actor: Actor, appeal: Appeal, due: datetime, reason: str) -> Appeal:
    """The head extends the term (art. 20): with a reason, never past 45 days from receipt."""
    require(actor, "extend")
    reason = _require_text(
        reason, "reason", _("Give the reason for the extension; the applicant is told it.")
    )
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "extend", _("extend"))
        _check_extension_due(appeal, due)
        old = appeal.due_at
        appeal.assignments.filter(state__in=list(ACTIVE_ASSIGNMENT_STATES), due_at=old).update(
            due_at=due
        )
        _set_status(appeal, appeal.status, due_at=due)
        event = _event(
            appeal,
            EventKind.EXTENDED,
            actor,
            from_status=appeal.status,
            comment=reason,
            data={"from": old.isoformat(), "to": due.isoformat()},
        )
        notify(
            event="extended",
            key=f"appeal:{appeal.pk}:extended:{event.pk}",
            appeal=appeal,
            applicant=True,
            context={"reason": reason},
        )
    return appeal


def appeal_reject(
    *,
    actor: Actor,
    appeal: Appeal,
    reason: str,
    comment: str = "",
    repeated_of: Appeal | None = None,
) -> Appeal:
    """Leave the appeal without consideration on a legal ground."""
    require(actor, "reject")
    if reason not in RejectionReason.values:
        msg = _("Choose a legal ground.")
        raise ValidationFailed(msg, fields={"reason": [msg]})
    if reason == RejectionReason.INCOMPLETE:
        comment = _require_text(
            comment, "comment", _("Write the explanation returned to the applicant.")
        )
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "reject", _("reject"))
        if reason == RejectionReason.REPEATED:
            earlier = repeated_of or appeal.repeated_of
            if earlier is None or earlier.pk == appeal.pk or earlier.status != Status.CLOSED:
                msg = _("Name the earlier appeal on the same matter that has been decided.")
                raise ValidationFailed(msg, fields={"repeated_of": [msg]})
            appeal.repeated_of = earlier
        if reason == RejectionReason.ANONYMOUS and not checks.is_anonymous(appeal):
            msg = _("The author of this appeal is known; it is not anonymous.")
            raise ValidationFailed(msg, fields={"reason": [msg]})
        appeal.assignments.filter(state__in=list(ACTIVE_ASSIGNMENT_STATES)).update(
            state=AssignmentState.CANCELLED
        )
        previous = _set_status(
            appeal,
            Status.REJECTED,
            outcome=Outcome.REJECTED,
            rejection_reason=reason,
            closed_at=now(),
        )
        _event(
            appeal,
            EventKind.REJECTED,
            actor,
            from_status=previous,
            comment=comment.strip(),
            data={"reason": reason},
        )
    return appeal


def appeal_merge(*, actor: Actor, appeal: Appeal, parent: Appeal) -> Appeal:
    """Merge a duplicate into an open appeal on the same matter; it follows the parent."""
    require(actor, "merge")
    with transaction.atomic():
        # Lock both rows in id order so two merges of the same pair cannot deadlock.
        first, second = sorted([appeal.pk, parent.pk])
        list(Appeal.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk"))
        appeal = _locked(appeal)
        parent = _locked(parent)
        _require_status(appeal, "merge", _("merge"))
        if parent.pk == appeal.pk or not parent.is_open or parent.parent_id is not None:
            msg = _("Merge into another open appeal that is not itself a duplicate.")
            raise ValidationFailed(msg, fields={"parent": [msg]})
        appeal.assignments.filter(state__in=list(ACTIVE_ASSIGNMENT_STATES)).update(
            state=AssignmentState.CANCELLED
        )
        previous = _set_status(
            appeal, Status.MERGED, outcome=Outcome.MERGED, parent=parent, closed_at=now()
        )
        _event(
            appeal, EventKind.MERGED, actor, from_status=previous, data={"parent": parent.number}
        )
    return appeal


def appeal_reopen(*, actor: Actor, appeal: Appeal, reason: str) -> Appeal:
    """Re-open a closed or unconsidered appeal; it is considered anew with a fresh term."""
    require(actor, "reopen")
    reason = _require_text(reason, "reason", _("Give the reason for re-opening."))
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "reopen", _("re-open"))
        moment = now()
        lead = _lead(appeal, {AssignmentState.EXECUTED})
        if lead is not None:
            lead.state = AssignmentState.IN_WORK
            lead.save(update_fields=["state"])
        target = Status.IN_WORK if lead is not None else Status.PREPROCESSED
        term = appeal.term
        previous = _set_status(
            appeal,
            target,
            outcome="",
            rejection_reason="",
            closed_at=None,
            due_at=_due_for(term, moment, appeal.category),
        )
        _event(
            appeal,
            EventKind.REOPENED,
            actor,
            from_status=previous,
            comment=reason,
            data={"due_at": appeal.due_at.isoformat()},
        )
    return appeal


# --- resolutions and notes ------------------------------------------------------------


def appeal_note_add(*, actor: Actor, appeal: Appeal, text: str) -> AppealNote:
    """An internal comment of staff: kept apart from the answer, never shown to the applicant.

    The history records that a comment was added, but not its text (notes stay internal).
    """
    require(actor, "note")
    text = _require_text(text, "text", _("Write the comment."))
    if actor is None or not can_see_appeal(actor, appeal):
        raise Forbidden(_("This appeal is assigned to another organization."))
    with transaction.atomic():
        appeal = _locked(appeal)
        note = AppealNote.objects.create(appeal=appeal, author=actor, created_at=now(), text=text)
        _event(
            appeal, EventKind.NOTE_ADDED, actor, from_status=appeal.status, data={"note": note.pk}
        )
    return note


def _check_assignment_due(due: datetime | None, limit: datetime, field_name: str) -> None:
    if due is not None and not (now() < due <= limit):
        msg = _("The due time must be in the future and not later than %(limit)s.") % {
            "limit": f"{local_date(limit):%d.%m.%Y}"
        }
        raise ValidationFailed(msg, fields={field_name: [msg]})


def _check_in_subtree(actor: Actor, organizations: Iterable[Organization]) -> None:
    """A supervisor bound to an organization resolves only within its subtree."""
    if role_of(actor) != Role.SUPERVISOR or actor is None or actor.organization_id is None:
        return
    own = subtree_ids(Organization, [actor.organization_id])
    for organization in organizations:
        if organization.pk not in own:
            raise Forbidden(
                _("%(org)s is not subordinate to your organization.") % {"org": organization}
            )


def appeal_resolve(
    *,
    actor: Actor,
    appeal: Appeal,
    lead: Organization,
    co_executors: Sequence[tuple[Organization, datetime | None, str]] = (),
    due: datetime | None = None,
    instruction: str = "",
) -> list[Assignment]:
    """A head's resolution: the lead executor and co-executors, each with a due time and an
    instruction. Forwarding writes the assignments (one path); the resolution adds each
    co-executor's own term and instruction and who issued it."""
    require(actor, "resolve")
    co = list(co_executors)
    _check_in_subtree(actor, [lead, *(org for org, _due, _text in co)])
    orgs = [org for org, _due, _text in co]
    if len(set(orgs)) != len(orgs):
        msg = _("Name each co-executor once.")
        raise ValidationFailed(msg, fields={"co_executors": [msg]})
    with transaction.atomic():
        appeal = _locked(appeal)
        for _org, co_due, _text in co:
            _check_assignment_due(co_due, appeal.due_at, "co_executors")
        appeal = appeal_forward(
            actor=actor,
            appeal=appeal,
            organization=lead,
            co_executors=orgs,
            due=due,
            instruction=instruction,
        )
        created = list(
            appeal.assignments.filter(state__in=list(ACTIVE_ASSIGNMENT_STATES)).select_related(
                "organization"
            )
        )
        own = {org.pk: (co_due, text.strip()) for org, co_due, text in co}
        for assignment in created:
            changes: dict[str, Any] = {"assigned_by": actor}
            if assignment.organization_id in own:
                co_due, text = own[assignment.organization_id]
                if co_due is not None:
                    changes["due_at"] = co_due
                if text:
                    changes["instruction"] = text
            Assignment.objects.filter(pk=assignment.pk).update(**changes)
            for name, value in changes.items():
                setattr(assignment, name, value)
        _event(
            appeal,
            EventKind.RESOLUTION,
            actor,
            from_status=appeal.status,
            comment=instruction.strip(),
            data={
                "lead": lead.name,
                "co_executors": [
                    {
                        "organization": a.organization.name,
                        "due_at": a.due_at.isoformat(),
                        "instruction": a.instruction,
                    }
                    for a in created
                    if a.role == AssignmentRole.CO
                ],
            },
        )
    return created


def assignment_delegate(
    *,
    actor: Actor,
    assignment: Assignment,
    organization: Organization,
    due: datetime | None = None,
    instruction: str = "",
) -> Assignment:
    """A head passes an organization's part further down to a subordinate organization.

    Allowed to a supervisor whose organization's subtree holds both the assignment's
    organization and the new one (an administrator: anywhere); the new part is a
    co-executor's assignment under the one passed down, with its own term.
    """
    require(actor, "delegate")
    if role_of(actor) == Role.SUPERVISOR:
        if actor is None or actor.organization_id is None:
            raise Forbidden(_("Your account is not bound to an organization."))
        own = subtree_ids(Organization, [actor.organization_id])
        if assignment.organization_id not in own:
            raise Forbidden(_("This appeal is assigned to another organization."))
        if organization.pk not in own:
            msg = _("%(org)s is not subordinate to your organization.") % {"org": organization}
            raise Forbidden(msg, fields={"organization": [msg]})
    _check_executor(organization, "organization")
    if organization.pk == assignment.organization_id:
        msg = _("Choose another organization than the one passing the part down.")
        raise ValidationFailed(msg, fields={"organization": [msg]})
    with transaction.atomic():
        appeal = _locked(assignment.appeal)
        current = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if not appeal.is_open or current.state not in ACTIVE_ASSIGNMENT_STATES:
            raise InvalidTransition(_("Only an open part of the work can be passed down."))
        if appeal.assignments.filter(
            organization=organization, state__in=list(ACTIVE_ASSIGNMENT_STATES)
        ).exists():
            msg = _("%(org)s already works on this appeal.") % {"org": organization}
            raise ValidationFailed(msg, fields={"organization": [msg]})
        _check_assignment_due(due, current.due_at, "due_at")
        child = Assignment.objects.create(
            appeal=appeal,
            parent=current,
            assigned_by=actor,
            organization=organization,
            role=AssignmentRole.CO,
            due_at=due or current.due_at,
            instruction=instruction.strip(),
            created_at=now(),
        )
        _event(
            appeal,
            EventKind.RESOLUTION,
            actor,
            from_status=appeal.status,
            comment=instruction.strip(),
            data={
                "organization": organization.name,
                "from": current.organization.name,
                "due_at": child.due_at.isoformat(),
                "assignment": child.pk,
                "parent": current.pk,
            },
        )
    return child


# --- extension requests ---------------------------------------------------------------
# An executor asks for a longer term; a head approves (through appeal_extend, the one path
# that extends) or refuses with a note.


def extension_request(
    *,
    actor: User,
    appeal: Appeal,
    due: datetime,
    reason: str,
    organization: Organization | None = None,
) -> ExtensionRequest:
    """An executor asks the head for a longer term for its active assignment (art. 20)."""
    require(actor, "request_extension")
    reason = _require_text(
        reason, "reason", _("Explain why more time is needed; the head decides on it.")
    )
    with transaction.atomic():
        appeal = _locked(appeal)
        _require_status(appeal, "request_extension", _("request an extension for"))
        assignment = _assignment_for(appeal, actor, organization)
        require(actor, "request_extension", assignment=assignment)
        _check_extension_due(appeal, due)
        # Under the appeal lock no second request can slip in between this check and the
        # insert; the partial unique constraint guards the same rule in the database.
        if assignment.extension_requests.filter(state=ExtensionRequestState.PENDING).exists():
            raise InvalidTransition(
                _("An extension has already been requested; wait for the head's decision."),
                code="extension_pending",
            )
        moment = now()
        request = ExtensionRequest.objects.create(
            appeal=appeal,
            assignment=assignment,
            requested_by=actor,
            requested_at=moment,
            due_at=due,
            reason=reason,
        )
        _event(
            appeal,
            EventKind.EXTENSION_REQUESTED,
            actor,
            from_status=appeal.status,
            comment=reason,
            data={
                "request": request.pk,
                "organization": assignment.organization.name,
                "from": appeal.due_at.isoformat(),
                "to": due.astimezone(UTC).isoformat(),
            },
            at=moment,
        )
        notify(
            event="extension_requested",
            key=f"extension_request:{request.pk}",
            appeal=appeal,
            users=organization_heads(assignment.organization),
            context={
                "organization": assignment.organization.name,
                "reason": reason,
                "requested_date": f"{local_date(due):%d.%m.%Y}",
            },
        )
    return request


def extension_decide(
    *, actor: Actor, request: ExtensionRequest, approve: bool, note: str = ""
) -> ExtensionRequest:
    """A head approves (the appeal and its assignments get the requested term) or refuses
    (with a note to the executor) a pending extension request; a decision is final."""
    require(actor, "decide_extension")
    note = (note or "").strip()
    if not approve:
        note = _require_text(note, "note", _("Tell the executor why the extension is refused."))
    with transaction.atomic():
        # The appeal first, as every service locks it, then the request: two heads
        # deciding at once are serialized and the second sees the first decision.
        appeal = _locked(request.appeal)
        request = (
            ExtensionRequest.objects.select_for_update(of=("self",))
            .select_related("assignment__organization")
            .get(pk=request.pk)
        )
        require(actor, "decide_extension", assignment=request.assignment)
        if request.state != ExtensionRequestState.PENDING:
            raise InvalidTransition(
                _("This extension request has already been decided."), code="extension_decided"
            )
        if approve:
            if request.assignment.state not in ACTIVE_ASSIGNMENT_STATES:
                raise InvalidTransition(
                    _("The organization no longer executes this appeal; refuse the request."),
                    code="extension_stale",
                )
            appeal_extend(actor=actor, appeal=appeal, due=request.due_at, reason=request.reason)
            request.state = ExtensionRequestState.APPROVED
        else:
            request.state = ExtensionRequestState.REFUSED
            _event(
                appeal,
                EventKind.EXTENSION_REFUSED,
                actor,
                from_status=appeal.status,
                comment=note,
                data={
                    "request": request.pk,
                    "organization": request.assignment.organization.name,
                    "to": request.due_at.isoformat(),
                },
            )
        request.decided_by = actor
        request.decided_at = now()
        request.decision_note = note
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return request
