"""The appeals API's input and output schemas (one input schema per operation)."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from vikno.appeals.choices import ApplicantKind, Channel, Kind, RejectionReason, Status
from vikno.core.deadlines import Term
from vikno.core.text import normalize_phone


def _aware(value: datetime | None) -> datetime | None:
    # A time without a zone is read as local (Kyiv) time, as people write it.
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_current_timezone())
    return value


def _phone(value: str | None) -> str | None:
    if not value:
        return value
    digits = normalize_phone(value)
    if set(value) - set("+0123456789 ()-") or not 11 <= len(digits) <= 16:
        raise ValueError(_("Enter a phone number such as +380671234567."))
    return value


def _email(value: str | None) -> str | None:
    if not value:
        return value
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError(_("Enter a valid email address.")) from None
    return value


# --- input ------------------------------------------------------------------------------


class ApplicantIn(Schema):
    kind: ApplicantKind = ApplicantKind.CITIZEN
    name: str = Field("", max_length=300)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    consent: bool = False
    is_privileged: bool = False
    privilege_note: str = Field("", max_length=200)
    preferred_channel: Literal["", "email", "sms"] = Field(
        "", description="How to send messages: email or sms; empty: email when given, else SMS"
    )

    _check_phone = field_validator("phone")(_phone)
    _check_email = field_validator("email")(_email)


class AppealRegisterIn(Schema):
    kind: Kind
    channel: Channel
    category: str = Field(description="Code of a leaf category, see GET /categories")
    text: str = Field(max_length=20000)
    address: str = Field("", max_length=300)
    territory: str | None = Field(None, description="Territory code")
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    received_at: datetime | None = None
    urgent: bool = False
    applicant: ApplicantIn | None = None

    _received_aware = field_validator("received_at")(_aware)


class ApplicantCorrectionIn(Schema):
    name: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=300)

    _check_phone = field_validator("phone")(_phone)
    _check_email = field_validator("email")(_email)


class PreprocessIn(Schema):
    kind: Kind | None = None
    category: str | None = None
    territory: str | None = None
    term: Term | None = None
    address: str | None = Field(None, max_length=300)
    applicant: ApplicantCorrectionIn | None = None


class AnswerOnSpotIn(Schema):
    answer: str = Field(max_length=20000)


class ForwardIn(Schema):
    organization: str | None = Field(None, description="Executor's code; empty: by routing rules")
    co_executors: list[str] = Field(default_factory=list, description="Codes of co-executors")
    due_at: datetime | None = Field(None, description="The executor's own due time")
    instruction: str = Field("", max_length=5000)

    _due_aware = field_validator("due_at")(_aware)


class ForwardOutIn(Schema):
    organization: str = Field(description="Code of a body outside Vikno")
    note: str = Field("", max_length=5000)


class ExecutorIn(Schema):
    organization: str | None = Field(
        None, description="Code of the organization acting (default: the caller's own or the lead)"
    )


class ReturnIn(ExecutorIn):
    reason: str = Field(max_length=5000)


class ReportIn(ExecutorIn):
    report: str = Field(max_length=20000)


class VerifyIn(Schema):
    confirmed: bool
    note: str = Field("", max_length=5000)


class ExtendIn(Schema):
    due_at: datetime
    reason: str = Field(max_length=5000)

    _due_aware = field_validator("due_at")(_aware)


class RejectIn(Schema):
    reason: RejectionReason
    comment: str = Field("", max_length=5000)
    repeated_of: str | None = Field(None, description="Number of the decided appeal it repeats")


class MergeIn(Schema):
    parent: str = Field(description="Number of the appeal to merge into")


class ReopenIn(Schema):
    reason: str = Field(max_length=5000)


class AppealFilterIn(Schema):
    status: list[Status] | None = Field(None, description="Repeat for several statuses")
    category: str | None = Field(None, description="Category code (its subtree included)")
    organization: str | None = Field(None, description="Executor code (its subtree included)")
    territory: str | None = Field(None, description="Territory code (its subtree included)")
    channel: Channel | None = None
    kind: Kind | None = None
    overdue: bool | None = None
    due_soon: bool | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    q: str | None = Field(None, max_length=200, description="Number, text, address or phone")
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0)

    _from_aware = field_validator("received_from", "received_to")(_aware)


# --- output -----------------------------------------------------------------------------


class Ref(Schema):
    code: str
    name: str


class ApplicantOut(Schema):
    kind: str
    name: str
    phone: str
    email: str
    address: str
    consent: bool
    is_privileged: bool
    privilege_note: str
    preferred_channel: str


class AppealOut(Schema):
    number: str
    status: Status
    kind: Kind
    channel: Channel
    category: Ref
    territory: Ref | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    text: str
    priority: int
    urgent: bool
    term: str
    received_at: datetime
    due_at: datetime
    closed_at: datetime | None
    is_overdue: bool
    executor: Ref | None
    outcome: str
    rejection_reason: str
    answer: str
    answered_at: datetime | None
    parent: str | None = Field(description="Number of the appeal this one was merged into")
    repeated_of: str | None = Field(description="Number of the decided appeal this one repeats")
    applicant: ApplicantOut | None = Field(
        description="Shown to operators, supervisors and administrators, and to executors of "
        "appeals assigned to their organization; null for everyone else"
    )


class EventOut(Schema):
    kind: str
    at: datetime
    actor: str
    from_status: str
    to_status: str
    comment: str
    data: dict


class AssignmentOut(Schema):
    organization: Ref
    role: str
    state: str
    due_at: datetime
    instruction: str
    official: str | None
    report: str
    return_reason: str
    created_at: datetime
    accepted_at: datetime | None
    executed_at: datetime | None


class AttachmentOut(Schema):
    id: int
    purpose: str
    name: str
    content_type: str
    size: int
    url: str
    created_at: datetime


class DuplicateOut(Schema):
    number: str
    status: Status
    received_at: datetime
    address: str
    category: Ref


class AppealDetailOut(AppealOut):
    events: list[EventOut]
    assignments: list[AssignmentOut]
    attachments: list[AttachmentOut]
    duplicate_candidates: list[DuplicateOut]


class AppealPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AppealOut]
