"""The vocabulary of appeals: kinds, channels, statuses, outcomes (values from the glossary)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    LEGAL_ENTITY = "legal_entity", _("legal entity")
    SOLE_PROPRIETOR = "sole_proprietor", _("sole proprietor")
    SELF_GOVERNMENT = "self_government", _("local self-government body")


class ReplyChannel(models.TextChoices):
    """How the applicant wants to hear about their appeal."""

    EMAIL = "email", _("by email")
    SMS = "sms", _("by SMS")


class Kind(models.TextChoices):
    PROPOSAL = "proposal", _("proposal (remark)")
    APPLICATION = "application", _("application (request)")
    COMPLAINT = "complaint", _("complaint")
    SERVICE_REQUEST = "service_request", _("service request")


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    WEB = "web", _("web site")
    EMAIL = "email", _("email")
    CHAT = "chat", _("chat")
    IN_PERSON = "in_person", _("in person")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")
    UPSTREAM = "upstream", _("upstream contact center")


ELECTRONIC_CHANNELS = {Channel.WEB, Channel.EMAIL, Channel.CHAT, Channel.OPEN311, Channel.API}


class Priority(models.IntegerChoices):
    NORMAL = 0, _("normal")
    PRIVILEGED = 1, _("privileged applicant")
    URGENT = 2, _("urgent")


class Status(models.TextChoices):
    REGISTERED = "registered", _("registered")
    PREPROCESSED = "preprocessed", _("pre-processed")
    FORWARDED = "forwarded", _("forwarded to the executor")
    RETURNED = "returned", _("returned by the executor")
    ACCEPTED = "accepted", _("accepted by the executor")
    IN_WORK = "in_work", _("in work")
    EXECUTED = "executed", _("executed, awaiting verification")
    FORWARDED_OUT = "forwarded_out", _("sent to another body by competence")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("not considered")
    MERGED = "merged", _("merged into another appeal")


OPEN_STATUSES = frozenset(
    {
        Status.REGISTERED,
        Status.PREPROCESSED,
        Status.FORWARDED,
        Status.RETURNED,
        Status.ACCEPTED,
        Status.IN_WORK,
        Status.EXECUTED,
    }
)
FINAL_STATUSES = frozenset(set(Status) - OPEN_STATUSES)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("resolved, confirmed by the applicant")
    CONSULTED = "consulted", _("answered on the spot")
    FORWARDED_OUT = "forwarded_out", _("sent to the competent body")
    REJECTED = "rejected", _("not considered")
    MERGED = "merged", _("merged as a duplicate")


class RejectionReason(models.TextChoices):
    """Legal grounds to leave an appeal without consideration (art. 5, 7, 8 of the Law)."""

    ANONYMOUS = "anonymous", _("anonymous: the author cannot be established (art. 8)")
    REPEATED = "repeated", _("repeated: the matter has already been decided (art. 8)")
    NO_COMPETENCE = "no_competence", _("not within the competence of any body reached (art. 7)")
    INCOMPLETE = "incomplete", _("does not meet art. 5 requirements, returned to the applicant")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("executor")
    CO = "co", _("co-executor")


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("awaiting acceptance")
    ACCEPTED = "accepted", _("accepted")
    IN_WORK = "in_work", _("in work")
    EXECUTED = "executed", _("executed")
    RETURNED = "returned", _("returned: not our competence")
    TRANSFERRED = "transferred", _("sent outside Vikno")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_ASSIGNMENT_STATES = frozenset(
    {AssignmentState.PENDING, AssignmentState.ACCEPTED, AssignmentState.IN_WORK}
)


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("registered")
    PREPROCESSED = "preprocessed", _("pre-processed")
    FLAGGED_REPEATED = "flagged_repeated", _("marked as repeated")
    ANSWERED_ON_SPOT = "answered_on_spot", _("answered on the spot")
    FORWARDED = "forwarded", _("forwarded by competence")
    FORWARDED_OUT = "forwarded_out", _("sent to another body by competence")
    ACCEPTED = "accepted", _("accepted by the executor")
    RETURNED = "returned", _("returned: not our competence")
    WORK_STARTED = "work_started", _("work started")
    EXECUTED = "executed", _("execution reported")
    CONFIRMED = "confirmed", _("completion confirmed by the applicant")
    NOT_CONFIRMED = "not_confirmed", _("completion not confirmed, back to work")
    EXTENDED = "extended", _("term extended")
    REJECTED = "rejected", _("left without consideration")
    MERGED = "merged", _("merged into another appeal")
    REOPENED = "reopened", _("re-opened")
    ATTACHMENT_ADDED = "attachment_added", _("file attached")
    RESOLUTION = "resolution", _("resolution issued")
    EXTENSION_REQUESTED = "extension_requested", _("extension requested")
    EXTENSION_REFUSED = "extension_refused", _("extension refused")
    NOTE_ADDED = "note_added", _("internal comment added")


# What the applicant sees on the status page; the rest is internal work.
PUBLIC_EVENT_KINDS = frozenset(
    {
        EventKind.REGISTERED,
        EventKind.ANSWERED_ON_SPOT,
        EventKind.FORWARDED,
        EventKind.FORWARDED_OUT,
        EventKind.ACCEPTED,
        EventKind.WORK_STARTED,
        EventKind.EXECUTED,
        EventKind.CONFIRMED,
        EventKind.NOT_CONFIRMED,
        EventKind.EXTENDED,
        EventKind.REJECTED,
        EventKind.MERGED,
        EventKind.REOPENED,
    }
)


class AttachmentPurpose(models.TextChoices):
    APPEAL = "appeal", _("from the applicant")
    REPORT = "report", _("execution report")
