"""Reads of the appeals registry: lists, filters, duplicates, the public view."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from vikno.appeals.choices import (
    ACTIVE_ASSIGNMENT_STATES,
    OPEN_STATUSES,
    PUBLIC_EVENT_KINDS,
    AssignmentState,
    Status,
)
from vikno.appeals.models import (
    ACTIVE_CONDITION,
    Appeal,
    AppealEvent,
    Assignment,
    ExtensionRequest,
    ExtensionRequestState,
)
from vikno.appeals.search import text_condition
from vikno.core.clock import now
from vikno.core.deadlines import due_soon_threshold
from vikno.core.paging import CappedCount, capped_counts
from vikno.core.text import address_key, normalize_phone
from vikno.reference.models import Category, Organization, OrganizationKind, Territory
from vikno.reference.selectors import subtree_ids


@dataclass
class AppealFilter:
    status: list[str] | None = None
    category: str | None = None
    organization: str | None = None
    territory: str | None = None
    channel: str | None = None
    kind: str | None = None
    overdue: bool | None = None
    due_soon: bool | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    text: str | None = None


def appeal_list(filters: AppealFilter) -> QuerySet[Appeal]:
    """Appeals matching the filters, newest first with a stable tie-break on id."""
    qs = Appeal.objects.with_card()
    moment = now()
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.category:
        root = Category.objects.filter(code=filters.category).values_list("pk", flat=True)
        qs = qs.filter(category_id__in=subtree_ids(Category, root))
    if filters.organization:
        root = Organization.objects.filter(code=filters.organization).values_list("pk", flat=True)
        qs = qs.filter(executor_id__in=subtree_ids(Organization, root))
    if filters.territory:
        root = Territory.objects.filter(code=filters.territory).values_list("pk", flat=True)
        qs = qs.filter(territory_id__in=subtree_ids(Territory, root))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.overdue is not None:
        overdue = Appeal.objects.overdue(moment).values("pk")
        qs = qs.filter(pk__in=overdue) if filters.overdue else qs.exclude(pk__in=overdue)
    if filters.due_soon:
        qs = qs.filter(
            pk__in=Appeal.objects.due_soon(moment, due_soon_threshold(moment)).values("pk")
        )
    if filters.received_from:
        qs = qs.filter(received_at__gte=filters.received_from)
    if filters.received_to:
        qs = qs.filter(received_at__lt=filters.received_to)
    if filters.text:
        qs = qs.filter(text_condition(filters.text))
    return qs.order_by("-received_at", "-id")


def _in_order(rows, ids: list[int]) -> list:
    """`rows` (read by id) in the order of `ids`: a page is sorted on ids alone, then read."""
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def appeal_rows(ids: list[int]) -> list[Appeal]:
    """These appeals with what a list row shows, in the order given."""
    return _in_order(Appeal.objects.with_card().filter(pk__in=ids), ids)


def appeal_get(number: str) -> Appeal | None:
    return Appeal.objects.with_card().filter(number=number).first()


def appeal_history(appeal: Appeal) -> QuerySet[AppealEvent]:
    return appeal.events.select_related("actor").order_by("created_at", "id")


def appeal_public_history(appeal: Appeal) -> QuerySet[AppealEvent]:
    """What the applicant may see: public steps only, without who did them."""
    return appeal.events.filter(kind__in=PUBLIC_EVENT_KINDS).order_by("created_at", "id")


def appeal_by_tracking_token(token: str) -> Appeal | None:
    return (
        Appeal.objects.select_related("category", "executor", "parent")
        .filter(tracking_token=token)
        .first()
    )


def _open_parents_at(*, category_id: int | None, key: str) -> QuerySet[Appeal]:
    """Open appeals with this address key and category that are not merged elsewhere."""
    if category_id is None or not key:
        return Appeal.objects.none()
    return (
        Appeal.objects.open()
        .filter(address_key=key, category_id=category_id, parent__isnull=True)
        .select_related("category")
        .order_by("received_at", "id")
    )


def duplicate_candidates(appeal: Appeal, limit: int = 20) -> QuerySet[Appeal]:
    """Open appeals on the same address and category: offered to the operator to merge."""
    same_place = _open_parents_at(category_id=appeal.category_id, key=appeal.address_key)
    return same_place.exclude(pk=appeal.pk)[:limit]


def duplicate_candidates_for(
    *, category: Category | None, address: str, limit: int = 20
) -> QuerySet[Appeal]:
    """The same rule as `duplicate_candidates`, for an appeal that does not exist yet (the
    operator is still on the phone)."""
    category_id = category.pk if category is not None else None
    return _open_parents_at(category_id=category_id, key=address_key(address or ""))[:limit]


def appeals_of_phone(phone: str, *, open_only: bool, limit: int = 20) -> QuerySet[Appeal]:
    """A caller's appeals by their phone (any spelling), newest first: open or final ones."""
    normalized = normalize_phone(phone)
    if len(normalized) < 10:
        return Appeal.objects.none()
    qs = Appeal.objects.with_card().filter(applicant__phone=normalized)
    qs = qs.open() if open_only else qs.exclude(status__in=OPEN_STATUSES)
    return qs.order_by("-received_at", "-id")[:limit]


# --- executor inbox and supervisor control ------------------------------------------------

INBOX_STATES = (AssignmentState.PENDING, AssignmentState.ACCEPTED, AssignmentState.IN_WORK)
_ON_AN_OPEN_APPEAL = Q(appeal__status__among=sorted(OPEN_STATUSES))


def _active_assignments() -> QuerySet[Assignment]:
    """Assignments someone still owes work on: active, on an appeal that is still open."""
    return Assignment.objects.filter(ACTIVE_CONDITION, _ON_AN_OPEN_APPEAL)


def inbox_assignments(organization_id: int, state: str | None = None) -> QuerySet[Assignment]:
    """An organization's open work, most urgent first, with what each row shows.

    `pending_extension_due` is the term asked for and not yet decided; `refused_note` the
    note of the latest refused request (the executor sees why).
    """
    qs = _active_assignments().filter(organization_id=organization_id)
    if state:
        qs = qs.filter(state=state)
    return _inbox_rows(qs).order_by("due_at", "id")


def inbox_rows(organization_id: int, ids: list[int]) -> list[Assignment]:
    """These rows of the inbox (ids of `inbox_assignments`), in the order given."""
    rows = _inbox_rows(Assignment.objects.filter(organization_id=organization_id, pk__in=ids))
    return _in_order(rows, ids)


def inbox_assignment(organization_id: int, pk: int) -> Assignment | None:
    """One row of the inbox (active or not: after an action the row shows what became of it)."""
    return _inbox_rows(Assignment.objects.filter(organization_id=organization_id, pk=pk)).first()


def _inbox_rows(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    requests = ExtensionRequest.objects.filter(assignment=OuterRef("pk"))
    return qs.select_related(
        "appeal", "appeal__category", "appeal__territory", "organization"
    ).annotate(
        pending_extension_due=Subquery(
            requests.filter(state=ExtensionRequestState.PENDING).values("due_at")[:1]
        ),
        refused_note=Subquery(
            requests.filter(state=ExtensionRequestState.REFUSED)
            .order_by("-decided_at", "-id")
            .values("decision_note")[:1]
        ),
    )


def inbox_counts(organization_id: int, at: datetime) -> dict[str, CappedCount]:
    """How many of an organization's open assignments are in each state, and overdue, up to
    the cap (vikno.core.paging): one capped COUNT each, so the inbox costs the same with a
    backlog of 400 as of 40,000. One query."""
    active = _active_assignments().filter(organization_id=organization_id)
    # A state's count reads that state's rows only (the index on organization and state).
    in_state = Assignment.objects.filter(_ON_AN_OPEN_APPEAL, organization_id=organization_id)
    return capped_counts(
        {
            "all": active,
            "pending": in_state.filter(state=AssignmentState.PENDING),
            "accepted": in_state.filter(state=AssignmentState.ACCEPTED),
            "in_work": in_state.filter(state=AssignmentState.IN_WORK),
            "overdue": active.filter(due_at__lt=at),
        }
    )


def control_board(organization_ids: set[int] | None, at: datetime) -> QuerySet[Organization]:
    """Organizations (all, or these) with their open, due-soon and overdue assignments.

    One query: the counts are conditional aggregates over one join, never a query per
    organization. Due soon = not overdue yet, due before the due-soon threshold.
    """
    soon = due_soon_threshold(at)
    active = Q(
        assignments__state__in=list(ACTIVE_ASSIGNMENT_STATES),
        assignments__appeal__status__in=list(OPEN_STATUSES),
    )
    qs = Organization.objects.exclude(kind=OrganizationKind.EXTERNAL)
    if organization_ids is not None:
        qs = qs.filter(pk__in=organization_ids)
    return qs.annotate(
        open_count=Count("assignments", filter=active),
        due_soon_count=Count(
            "assignments",
            filter=active & Q(assignments__due_at__gte=at, assignments__due_at__lt=soon),
        ),
        overdue_count=Count("assignments", filter=active & Q(assignments__due_at__lt=at)),
    ).order_by("-overdue_count", "-due_soon_count", "-open_count", "name", "id")


def control_assignments(organization_id: int, which: str, at: datetime) -> QuerySet[Assignment]:
    """The list behind one number of the board: "overdue", "due_soon" or "open"."""
    qs = _active_assignments().filter(organization_id=organization_id)
    if which == "overdue":
        qs = qs.filter(due_at__lt=at)
    elif which == "due_soon":
        qs = qs.filter(due_at__gte=at, due_at__lt=due_soon_threshold(at))
    return qs.select_related("appeal", "appeal__category", "organization").order_by("due_at", "id")


def pending_extension_requests(organization_ids: set[int] | None) -> QuerySet[ExtensionRequest]:
    """Requests waiting for a head's decision, of these organizations (None: all), oldest first."""
    qs = ExtensionRequest.objects.filter(state=ExtensionRequestState.PENDING)
    if organization_ids is not None:
        qs = qs.filter(assignment__organization_id__in=organization_ids)
    return qs.select_related(
        "appeal", "appeal__category", "assignment__organization", "requested_by"
    ).order_by("requested_at", "id")


def awaiting_verification(organization_ids: set[int] | None) -> QuerySet[Appeal]:
    """Executed appeals (of these lead organizations; None: all) to verify with the applicant."""
    qs = Appeal.objects.filter(status=Status.EXECUTED)
    if organization_ids is not None:
        qs = qs.filter(executor_id__in=organization_ids)
    return qs.select_related("category", "executor").order_by("answered_at", "id")


def appeal_pending_extensions(appeal: Appeal) -> QuerySet[ExtensionRequest]:
    """The appeal's extension requests awaiting a decision (for the appeal card)."""
    return (
        appeal.extension_requests.filter(state=ExtensionRequestState.PENDING)
        .select_related("assignment__organization", "requested_by")
        .order_by("requested_at", "id")
    )
