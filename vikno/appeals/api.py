"""The appeals API: register, list, detail, and one POST per lifecycle transition.

Endpoints are thin: they turn codes and numbers into objects, call the service function
(which checks the role and the status and records the event) and answer the appeal.
Every POST runs in one transaction and honours `Idempotency-Key` (vikno.api.idempotency).
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from vikno.accounts.models import User
from vikno.api.auth import actor_of
from vikno.api.errors import ERROR_RESPONSES
from vikno.api.idempotency import idempotent
from vikno.appeals import selectors, services
from vikno.appeals.choices import AttachmentPurpose, Priority
from vikno.appeals.models import Appeal, Applicant, Attachment
from vikno.appeals.permissions import personal_data_visible, require, visible_appeals
from vikno.appeals.schemas import (
    AnswerOnSpotIn,
    AppealDetailOut,
    AppealFilterIn,
    AppealOut,
    AppealPage,
    AppealRegisterIn,
    ApplicantOut,
    AssignmentOut,
    AttachmentOut,
    DuplicateOut,
    EventOut,
    ExecutorIn,
    ExtendIn,
    ForwardIn,
    ForwardOutIn,
    MergeIn,
    PreprocessIn,
    Ref,
    RejectIn,
    ReopenIn,
    ReportIn,
    ReturnIn,
    VerifyIn,
)
from vikno.core.clock import now
from vikno.core.errors import NotFound
from vikno.reference.models import Category, Organization, Territory

router = Router()
router.add_decorator(idempotent)

DETAIL = {200: AppealDetailOut, **ERROR_RESPONSES}


# --- lookups ----------------------------------------------------------------------------


def _appeal(number: str, field: str | None = None) -> Appeal:
    appeal = selectors.appeal_get(number)
    if appeal is None:
        msg = _("There is no appeal number %(number)s.") % {"number": number}
        raise NotFound(msg, fields={field: [msg]} if field else None)
    return appeal


def _by_code(model, code: str, field: str):
    found = model.objects.filter(code=code).first()
    if found is None:
        msg = _("Unknown code «%(code)s».") % {"code": code}
        raise NotFound(msg, fields={field: [msg]})
    return found


def _optional(model, code: str | None, field: str):
    return _by_code(model, code, field) if code else None


# --- output -----------------------------------------------------------------------------


def _ref(obj) -> Ref | None:
    return Ref(code=obj.code, name=obj.name) if obj is not None else None


def _applicant_out(applicant: Applicant | None) -> ApplicantOut | None:
    if applicant is None:
        return None
    return ApplicantOut(
        kind=applicant.kind,
        name=applicant.name,
        phone=applicant.phone,
        email=applicant.email,
        address=applicant.address,
        consent=applicant.consent_at is not None,
        is_privileged=applicant.is_privileged,
        privilege_note=applicant.privilege_note,
        preferred_channel=applicant.preferred_channel,
    )


def _appeal_fields(appeal: Appeal, *, show_applicant: bool, moment) -> dict:
    return {
        "number": appeal.number,
        "status": appeal.status,
        "kind": appeal.kind,
        "channel": appeal.channel,
        "category": _ref(appeal.category),
        "territory": _ref(appeal.territory),
        "address": appeal.address,
        "latitude": appeal.latitude,
        "longitude": appeal.longitude,
        "text": appeal.text,
        "priority": appeal.priority,
        "urgent": appeal.priority == Priority.URGENT,
        "term": appeal.term,
        "received_at": appeal.received_at,
        "due_at": appeal.due_at,
        "closed_at": appeal.closed_at,
        "is_overdue": appeal.is_open and appeal.due_at < moment,
        "executor": _ref(appeal.executor),
        "outcome": appeal.outcome,
        "rejection_reason": appeal.rejection_reason,
        "answer": appeal.answer,
        "answered_at": appeal.answered_at,
        "parent": appeal.parent.number if appeal.parent_id else None,
        "repeated_of": appeal.repeated_of.number if appeal.repeated_of_id else None,
        "applicant": _applicant_out(appeal.applicant) if show_applicant else None,
    }


def _attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk,
        purpose=attachment.purpose,
        name=attachment.original_name,
        content_type=attachment.content_type,
        size=attachment.size,
        url=attachment.file.url,
        created_at=attachment.created_at,
    )


def appeal_detail_out(actor: User, number: str) -> AppealDetailOut:
    """The appeal with its history, assignments, files and duplicate candidates."""
    appeal = (
        visible_appeals(actor, Appeal.objects.with_card())
        .select_related("parent", "repeated_of")
        .filter(number=number)
        .first()
    )
    if appeal is None:
        raise NotFound(_("There is no appeal number %(number)s.") % {"number": number})
    assignments = list(
        appeal.assignments.select_related("organization", "official").order_by("created_at", "id")
    )
    show = appeal.pk in personal_data_visible(actor, [appeal.pk])
    return AppealDetailOut(
        **_appeal_fields(appeal, show_applicant=show, moment=now()),
        events=[
            EventOut(
                kind=e.kind,
                at=e.created_at,
                actor=e.actor_label,
                from_status=e.from_status,
                to_status=e.to_status,
                comment=e.comment,
                data=e.data,
            )
            for e in selectors.appeal_history(appeal)
        ],
        assignments=[
            AssignmentOut(
                organization=_ref(a.organization),
                role=a.role,
                state=a.state,
                due_at=a.due_at,
                instruction=a.instruction,
                official=str(a.official) if a.official else None,
                report=a.report,
                return_reason=a.return_reason,
                created_at=a.created_at,
                accepted_at=a.accepted_at,
                executed_at=a.executed_at,
            )
            for a in assignments
        ],
        attachments=[_attachment_out(f) for f in appeal.attachments.order_by("created_at", "id")],
        duplicate_candidates=[
            DuplicateOut(
                number=d.number,
                status=d.status,
                received_at=d.received_at,
                address=d.address,
                category=_ref(d.category),
            )
            for d in selectors.duplicate_candidates(appeal)
        ],
    )


def _answer(request: HttpRequest, appeal: Appeal, status: int = 200) -> Status:
    return Status(status, appeal_detail_out(actor_of(request), appeal.number))


# --- reads ------------------------------------------------------------------------------


@router.get("", response={200: AppealPage, **ERROR_RESPONSES}, summary="List appeals")
def appeal_list(request: HttpRequest, filters: Query[AppealFilterIn]):
    """Appeals matching the filters, newest received first (ties broken by id)."""
    actor = actor_of(request)
    require(actor, "view")
    for model, code, field in (
        (Category, filters.category, "category"),
        (Organization, filters.organization, "organization"),
        (Territory, filters.territory, "territory"),
    ):
        _optional(model, code, field)
    qs = selectors.appeal_list(
        selectors.AppealFilter(
            status=[str(s) for s in filters.status] if filters.status else None,
            category=filters.category,
            organization=filters.organization,
            territory=filters.territory,
            channel=filters.channel,
            kind=filters.kind,
            overdue=filters.overdue,
            due_soon=filters.due_soon,
            received_from=filters.received_from,
            received_to=filters.received_to,
            text=filters.q,
        )
    ).select_related("parent", "repeated_of")
    qs = visible_appeals(actor, qs)
    count = qs.count()
    page = list(qs[filters.offset : filters.offset + filters.limit])
    shown = personal_data_visible(actor, [a.pk for a in page])
    moment = now()
    return AppealPage(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        items=[
            AppealOut(**_appeal_fields(a, show_applicant=a.pk in shown, moment=moment))
            for a in page
        ],
    )


@router.get("/{number}", response=DETAIL, summary="One appeal with its history")
def appeal_detail(request: HttpRequest, number: str):
    actor = actor_of(request)
    require(actor, "view")
    return appeal_detail_out(actor, number)


# --- registration and files -------------------------------------------------------------


@router.post("", response={201: AppealDetailOut, **ERROR_RESPONSES}, summary="Register an appeal")
def appeal_register(request: HttpRequest, payload: AppealRegisterIn):
    """Register an appeal; answers 201 with its number, status and due time."""
    category = _by_code(Category, payload.category, "category")
    territory = _optional(Territory, payload.territory, "territory")
    applicant = None
    if payload.applicant is not None:
        applicant = services.ApplicantData(**payload.applicant.model_dump())
    appeal = services.appeal_register(
        actor=actor_of(request),
        kind=payload.kind,
        channel=payload.channel,
        category=category,
        text=payload.text,
        address=payload.address,
        territory=territory,
        applicant=applicant,
        latitude=payload.latitude,
        longitude=payload.longitude,
        received_at=payload.received_at,
        urgent=payload.urgent,
    )
    return _answer(request, appeal, 201)


@router.post(
    "/{number}/attachments",
    response={201: list[AttachmentOut], **ERROR_RESPONSES},
    summary="Attach files (multipart)",
)
def appeal_attach(
    request: HttpRequest,
    number: str,
    files: File[list[UploadedFile]],
    purpose: Form[AttachmentPurpose] = AttachmentPurpose.APPEAL,
):
    """Attach photos (JPEG, PNG, WebP) or PDF documents; `purpose=report` for evidence of
    execution. Send them as multipart form-data under the name `files`."""
    stored = services.appeal_attach(
        actor=actor_of(request), appeal=_appeal(number), files=files, purpose=purpose
    )
    return Status(201, [_attachment_out(a) for a in stored])


# --- transitions ------------------------------------------------------------------------


@router.post("/{number}/preprocess", response=DETAIL, summary="Pre-process (check, classify)")
def appeal_preprocess(request: HttpRequest, number: str, payload: PreprocessIn):
    appeal = _appeal(number)
    changes = services.Preprocessing(
        kind=payload.kind,
        category=_optional(Category, payload.category, "category"),
        territory=_optional(Territory, payload.territory, "territory"),
        term=payload.term,
        address=payload.address,
        applicant_updates=payload.applicant.model_dump(exclude_none=True)
        if payload.applicant
        else {},
    )
    appeal = services.appeal_preprocess(actor=actor_of(request), appeal=appeal, changes=changes)
    return _answer(request, appeal)


@router.post("/{number}/answer-on-spot", response=DETAIL, summary="Answer on the spot")
def appeal_answer_on_spot(request: HttpRequest, number: str, payload: AnswerOnSpotIn):
    appeal = services.appeal_answer_on_spot(
        actor=actor_of(request), appeal=_appeal(number), answer=payload.answer
    )
    return _answer(request, appeal)


@router.post("/{number}/forward", response=DETAIL, summary="Forward by competence")
def appeal_forward(request: HttpRequest, number: str, payload: ForwardIn):
    """Forward to the organization named, or by the routing rules when none is named."""
    appeal = _appeal(number)
    appeal = services.appeal_forward(
        actor=actor_of(request),
        appeal=appeal,
        organization=_optional(Organization, payload.organization, "organization"),
        co_executors=[_by_code(Organization, c, "co_executors") for c in payload.co_executors],
        due=payload.due_at,
        instruction=payload.instruction,
    )
    return _answer(request, appeal)


@router.post("/{number}/forward-out", response=DETAIL, summary="Send to a body outside Vikno")
def appeal_forward_out(request: HttpRequest, number: str, payload: ForwardOutIn):
    appeal = _appeal(number)
    appeal = services.appeal_forward_out(
        actor=actor_of(request),
        appeal=appeal,
        organization=_by_code(Organization, payload.organization, "organization"),
        note=payload.note,
    )
    return _answer(request, appeal)


@router.post("/{number}/accept", response=DETAIL, summary="Accept (executor)")
def appeal_accept(request: HttpRequest, number: str, payload: ExecutorIn | None = None):
    appeal = _appeal(number)
    organization = _optional(
        Organization, payload.organization if payload else None, "organization"
    )
    services.appeal_accept(actor=actor_of(request), appeal=appeal, organization=organization)
    return _answer(request, appeal)


@router.post("/{number}/return", response=DETAIL, summary="Return: not our competence")
def appeal_return(request: HttpRequest, number: str, payload: ReturnIn):
    appeal = _appeal(number)
    organization = _optional(Organization, payload.organization, "organization")
    services.appeal_return(
        actor=actor_of(request), appeal=appeal, reason=payload.reason, organization=organization
    )
    return _answer(request, appeal)


@router.post("/{number}/start-work", response=DETAIL, summary="Start work (executor)")
def appeal_start_work(request: HttpRequest, number: str, payload: ExecutorIn | None = None):
    appeal = _appeal(number)
    organization = _optional(
        Organization, payload.organization if payload else None, "organization"
    )
    services.appeal_start_work(actor=actor_of(request), appeal=appeal, organization=organization)
    return _answer(request, appeal)


@router.post("/{number}/report", response=DETAIL, summary="Report execution (executor)")
def appeal_report(request: HttpRequest, number: str, payload: ReportIn):
    """The report text; attach evidence first with POST /appeals/{number}/attachments
    (`purpose=report`). The lead executor's report becomes the answer."""
    appeal = _appeal(number)
    organization = _optional(Organization, payload.organization, "organization")
    services.appeal_report_execution(
        actor=actor_of(request), appeal=appeal, report=payload.report, organization=organization
    )
    return _answer(request, appeal)


@router.post("/{number}/verify", response=DETAIL, summary="Verify with the applicant")
def appeal_verify(request: HttpRequest, number: str, payload: VerifyIn):
    """Confirmed closes the appeal; not confirmed (with a note) sends it back to work."""
    appeal = services.appeal_verify(
        actor=actor_of(request),
        appeal=_appeal(number),
        confirmed=payload.confirmed,
        note=payload.note,
    )
    return _answer(request, appeal)


@router.post("/{number}/extend", response=DETAIL, summary="Extend the term (head)")
def appeal_extend(request: HttpRequest, number: str, payload: ExtendIn):
    appeal = services.appeal_extend(
        actor=actor_of(request), appeal=_appeal(number), due=payload.due_at, reason=payload.reason
    )
    return _answer(request, appeal)


@router.post("/{number}/reject", response=DETAIL, summary="Leave without consideration")
def appeal_reject(request: HttpRequest, number: str, payload: RejectIn):
    appeal = _appeal(number)
    repeated_of = _appeal(payload.repeated_of, "repeated_of") if payload.repeated_of else None
    appeal = services.appeal_reject(
        actor=actor_of(request),
        appeal=appeal,
        reason=payload.reason,
        comment=payload.comment,
        repeated_of=repeated_of,
    )
    return _answer(request, appeal)


@router.post("/{number}/merge", response=DETAIL, summary="Merge into another appeal")
def appeal_merge(request: HttpRequest, number: str, payload: MergeIn):
    appeal = _appeal(number)
    parent = _appeal(payload.parent, "parent")
    appeal = services.appeal_merge(actor=actor_of(request), appeal=appeal, parent=parent)
    return _answer(request, appeal)


@router.post("/{number}/reopen", response=DETAIL, summary="Re-open (head)")
def appeal_reopen(request: HttpRequest, number: str, payload: ReopenIn):
    appeal = services.appeal_reopen(
        actor=actor_of(request), appeal=_appeal(number), reason=payload.reason
    )
    return _answer(request, appeal)
