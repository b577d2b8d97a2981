"""Reads of the appeals registry: lists, filters, duplicates, the public view."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from vikno.appeals.choices import PUBLIC_EVENT_KINDS, Status
from vikno.appeals.models import Appeal, AppealEvent
from vikno.core.clock import now
from vikno.core.deadlines import due_soon_threshold
from vikno.core.text import address_key, normalize_phone
from vikno.reference.models import Category, Organization, Territory
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
        term = filters.text.strip()
        match = Q(number__iexact=term) | Q(address__icontains=term)
        # SQLite folds case for ASCII only, so "соборна" would not find "Соборна" there:
        # addresses are also matched on their folded key, and the text in the two spellings
        # people type (as is, all lower, capitalized). PostgreSQL needs none of this.
        for variant in dict.fromkeys([term, term.lower(), term.capitalize()]):
            match |= Q(text__icontains=variant)
        key = address_key(term)
        if key:
            match |= Q(address_key__contains=key)
        phone = normalize_phone(term)
        if len(phone) >= 10:
            match |= Q(applicant__phone=phone)
        qs = qs.filter(match)
    return qs.order_by("-received_at", "-id")


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


def duplicate_candidates(appeal: Appeal, limit: int = 20) -> QuerySet[Appeal]:
    """Open appeals on the same address and category: offered to the operator to merge."""
    if not appeal.address_key:
        return Appeal.objects.none()
    return (
        Appeal.objects.open()
        .filter(address_key=appeal.address_key, category_id=appeal.category_id, parent__isnull=True)
        .exclude(pk=appeal.pk)
        .exclude(status=Status.MERGED)
        .select_related("category")
        .order_by("received_at", "id")[:limit]
    )
