"""The appeals registry: applicants, appeals, assignments, history, attachments.

Nothing here writes on its own: every change goes through vikno.appeals.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vikno.appeals.choices import (
    ACTIVE_ASSIGNMENT_STATES,
    OPEN_STATUSES,
    ApplicantKind,
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
from vikno.core import lookups  # noqa: F401 - registers __among, used below
from vikno.core.deadlines import Term

# "The appeal is still being considered" and "someone still owes work on the assignment",
# each written one way, as literals (vikno.core.lookups): a partial index on open work is
# used only where the query's condition is recognisably the index's.
OPEN_CONDITION = Q(status__among=sorted(OPEN_STATUSES))
ACTIVE_CONDITION = Q(state__among=sorted(ACTIVE_ASSIGNMENT_STATES))


class Applicant(models.Model):
    """The person or body who wrote: a citizen, a legal entity, a sole proprietor (ФОП)
    or a local self-government body. Personal data: shown only to roles that need it."""

    kind = models.CharField(
        _("applicant kind"), max_length=20, choices=ApplicantKind.choices, default="citizen"
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    address = models.CharField(_("place of residence"), max_length=300, blank=True)
    consent_at = models.DateTimeField(_("consent to personal data processing"), null=True)
    preferred_channel = models.CharField(
        _("preferred channel of messages"),
        max_length=10,
        choices=ReplyChannel.choices,
        blank=True,
        help_text=_("Empty: email when given, else SMS."),
    )
    is_privileged = models.BooleanField(
        _("entitled to be heard first"),
        default=False,
        help_text=_(
            "People whom the law lets be heard first (e.g. veterans, people with disabilities)."
        ),
    )
    privilege_note = models.CharField(_("ground of the privilege"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return self.name or str(_("anonymous"))


class AppealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(OPEN_CONDITION)

    def overdue(self, at):
        return self.open().filter(due_at__lt=at)

    def due_soon(self, at, until):
        return self.open().filter(due_at__gte=at, due_at__lt=until)

    def for_organization(self, organization_ids):
        return self.filter(assignments__organization_id__in=organization_ids).distinct()

    def with_card(self):
        return self.select_related("category", "territory", "executor", "applicant")


class Appeal(models.Model):
    """A citizen's appeal (звернення) from its registration to its closing."""

    number = models.CharField(_("registration number"), max_length=20, unique=True)
    tracking_token = models.CharField(max_length=64, unique=True)
    applicant = models.ForeignKey(
        Applicant,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        "reference.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    territory = models.ForeignKey(
        "reference.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    address = models.CharField(_("address of the matter"), max_length=300, blank=True)
    address_key = models.CharField(max_length=300, blank=True, db_index=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    text = models.TextField(_("essence of the appeal"))
    # Stems of the text and address (vikno.appeals.search.document_for), indexed by the
    # database itself: FTS5 on SQLite, GIN on PostgreSQL (migration 0004).
    search_document = models.TextField(blank=True, default="", editable=False)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    rejection_reason = models.CharField(
        _("ground for not considering"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    term = models.CharField(_("term"), max_length=20, choices=Term.choices)
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("due"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    executor = models.ForeignKey(
        "reference.Organization",
        verbose_name=_("executor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,  # appeal_merged_into below: merged appeals only
    )
    repeated_of = models.ForeignKey(
        "self",
        verbose_name=_("repeats"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="appeal_status_due"),
            models.Index(fields=["executor", "status"], name="appeal_executor_status"),
            models.Index(fields=["category", "status"], name="appeal_category_status"),
            models.Index(fields=["received_at", "id"], name="appeal_received"),
            models.Index(fields=["address_key", "category"], name="appeal_address_category"),
            # Only the few merged appeals: a full index on parent made SQLite's planner take
            # it for "parent IS NULL" (ANALYZE counts no NULLs) and scan nearly every appeal
            # to offer duplicates: 0.5 s per registration at 1M appeals (bench/, scenario 1).
            models.Index(
                fields=["parent"], name="appeal_merged_into", condition=Q(parent__isnull=False)
            ),
            # Open appeals only, in the queues' two orders: a page of a queue (filtered or
            # not) walks these and stops after its 25 rows, however many appeals are open or
            # closed (bench/, scenario 2). The status list is the queues' (sorted), so both
            # SQLite and PostgreSQL see that a queue's condition implies the index's.
            models.Index(fields=["due_at", "id"], name="appeal_open_due", condition=OPEN_CONDITION),
            models.Index(
                fields=["received_at", "id"],
                name="appeal_open_received",
                condition=OPEN_CONDITION,
            ),
            # What changed since the daily tallies were last refreshed (vikno.statistics).
            models.Index(fields=["updated_at"], name="appeal_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("received_at")), name="appeal_due_after_receipt"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.MERGED) | Q(parent__isnull=False),
                name="appeal_merged_has_parent",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.REJECTED) | ~Q(rejection_reason=""),
                name="appeal_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class NumberSequence(models.Model):
    """The last registration number given out in a year (see vikno.appeals.numbering)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Assignment(models.Model):
    """An organization's part in executing an appeal: the lead executor or a co-executor."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="assignments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("passed down from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The assignment whose head passed this part further down (resolution tree)."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolution by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "reference.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=AssignmentState.choices, default=AssignmentState.PENDING
    )
    due_at = models.DateTimeField(_("due"))
    instruction = models.TextField(_("instruction"), blank=True)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    report = models.TextField(_("report"), blank=True)
    return_reason = models.TextField(_("reason of return"), blank=True)
    created_at = models.DateTimeField(_("assigned"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "state"], name="assignment_org_state"),
            # An organization's open work by due time (the inbox): a page and its counts
            # read only the active assignments (bench/, scenario 2).
            models.Index(
                fields=["organization", "due_at", "id"],
                name="assignment_active_due",
                condition=ACTIVE_CONDITION,
            ),
        ]
        constraints = [
            # One lead executor at a time; a returned or cancelled one makes room.
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(role=AssignmentRole.LEAD, state__in=sorted(ACTIVE_ASSIGNMENT_STATES)),
                name="assignment_one_active_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.organization_id} ({self.role})"


class AppealEvent(models.Model):
    """One line of an appeal's history: append-only, written by the service that made the change."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"))
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("history event")
        verbose_name_plural = _("history")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["appeal", "created_at"], name="event_appeal_time")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never carries the user's file name (it may hold personal data).
    appeal = instance.appeal
    folder = f"appeals/{appeal.received_at:%Y/%m}/{appeal.number}"
    return f"{folder}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    """A photo or document attached by the applicant or to an execution report."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    purpose = models.CharField(
        max_length=10, choices=AttachmentPurpose.choices, default=AttachmentPurpose.APPEAL
    )
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequestState(models.TextChoices):
    PENDING = "pending", _("awaiting decision")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ExtensionRequest(models.Model):
    """An executor asks for a longer term; a head approves (extending the appeal) or refuses."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extension_requests")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    due_at = models.DateTimeField(_("requested term"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ExtensionRequestState.choices,
        default=ExtensionRequestState.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["requested_at", "id"]
        constraints = [
            # One open request per assignment: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(state="pending"),
                name="extension_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.due_at:%Y-%m-%d} ({self.state})"


class AppealNote(models.Model):
    """An internal comment of staff on an appeal: never shown to the applicant."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("when"))
    text = models.TextField(_("internal comment"))

    class Meta:
        verbose_name = _("internal comment")
        verbose_name_plural = _("internal comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["appeal", "created_at"], name="note_appeal_time")]

    def __str__(self) -> str:
        return f"{self.appeal_id} note {self.pk}"
