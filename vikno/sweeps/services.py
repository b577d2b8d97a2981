"""The periodic deadline sweeps: reminders, escalations and the daily digest.

Each sweep is set-based: one query selects what is due (by time window, "due_at - offset
<= now", never "in the last N minutes", so a worker that was down catches up), in
batches; each batch is written in one transaction together with a DeadlineAlert /
DigestRun row that makes the next run skip it. The outbox keys of
vikno.notifications.services.notify are the second guard: a sweep re-run at the same
time, or killed between the two, never makes a second message.

VIKNO_SWEEP_PAUSE_MS (environment, tests only) sleeps that long between batches, so the
crash test can kill the worker in the middle of a sweep.
"""

import os
import time
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from vikno.accounts.models import User
from vikno.appeals.choices import ACTIVE_ASSIGNMENT_STATES, OPEN_STATUSES
from vikno.appeals.models import Assignment
from vikno.core import clock
from vikno.core.deadlines import Terms
from vikno.notifications.services import (
    Message,
    notify,
    notify_all,
    organization_heads,
    organization_staff,
)
from vikno.reference.models import Organization
from vikno.sweeps.models import AlertKind, DeadlineAlert, DigestRun

REMINDER_EVENT = "deadline_reminder"
OVERDUE_EVENT = "deadline_overdue"
DIGEST_EVENT = "deadline_digest"


def _pause() -> None:
    pause_ms = int(os.environ.get("VIKNO_SWEEP_PAUSE_MS", "0") or 0)
    if pause_ms > 0:
        time.sleep(pause_ms / 1000)


def _batch_size() -> int:
    return max(1, int(settings.VIKNO_SWEEP_BATCH))


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def _active_assignments():
    return Assignment.objects.filter(
        state__in=sorted(ACTIVE_ASSIGNMENT_STATES), appeal__status__in=sorted(OPEN_STATUSES)
    )


def _not_yet(kind: str, hours_before: int) -> Exists:
    return Exists(
        DeadlineAlert.objects.filter(
            assignment=OuterRef("pk"),
            kind=kind,
            due_at=OuterRef("due_at"),
            hours_before=hours_before,
        )
    )


def _staff_by_organization(organization_ids: set[int]) -> dict[int, list[User]]:
    # One query for the whole batch instead of one per notification.
    staff: dict[int, list[User]] = defaultdict(list)
    for user in organization_staff(Organization(pk=pk) for pk in organization_ids):
        staff[user.organization_id].append(user)  # type: ignore[index]
    return staff


def _sweep(queryset, kind: str, hours_before: int, send) -> int:
    """Work through `queryset` (due assignments) batch by batch; returns how many.

    One query selects the ids of everything due (in due order); each batch then reads its
    rows by primary key, the conditions checked again (an assignment executed meanwhile
    drops out). Selecting "the first batch still pending" anew for every batch would scan
    all active assignments each time: quadratic at a million appeals (bench/, scenario 3).
    """
    pending = queryset.exclude(_not_yet(kind, hours_before))
    ids = list(pending.order_by("due_at", "pk").values_list("pk", flat=True))
    size = _batch_size()
    done = 0
    for start in range(0, len(ids), size):
        batch = list(
            pending.filter(pk__in=ids[start : start + size])
            .select_related("appeal", "organization", "official")
            .order_by("due_at", "pk")
        )
        if not batch:
            continue
        moment = clock.now()
        with transaction.atomic():
            DeadlineAlert.objects.bulk_create(
                [
                    DeadlineAlert(
                        assignment=assignment,
                        kind=kind,
                        due_at=assignment.due_at,
                        hours_before=hours_before,
                        created_at=moment,
                    )
                    for assignment in batch
                ],
                ignore_conflicts=True,
            )
            send(batch)
        done += len(batch)
        _pause()
    return done


def reminders_sweep(now: datetime | None = None) -> int:
    """Remind the executing organizations of terms coming up (settings.VIKNO_REMINDERS).

    One selection per (term, hours before): active assignments of open appeals whose
    reminder moment (due_at - hours) has come and whose term has not passed. A reminder
    whose moment came before the assignment was made is not sent. Returns the number of
    reminders made.
    """
    now = now or clock.now()
    total = 0
    for term, offsets in settings.VIKNO_REMINDERS.items():
        for hours in sorted(set(offsets), reverse=True):
            offset = timedelta(hours=hours)
            due = _active_assignments().filter(
                appeal__term=term,
                due_at__gt=now,
                due_at__lte=now + offset,
                created_at__lte=F("due_at") - offset,
            )

            def send(batch: list[Assignment], hours: int = hours) -> None:
                staff = _staff_by_organization({a.organization_id for a in batch})
                notify_all(
                    Message(
                        event=REMINDER_EVENT,
                        key=f"reminder:{assignment.pk}:{int(assignment.due_at.timestamp())}:{hours}h",
                        appeal=assignment.appeal,
                        users=[
                            *staff.get(assignment.organization_id, []),
                            *([assignment.official] if assignment.official is not None else []),
                        ],
                        context={
                            "assignment": assignment,
                            "organization": assignment.organization,
                            "assignment_due": _local(assignment.due_at),
                            "hours_before": hours,
                        },
                    )
                    for assignment in batch
                )

            total += _sweep(due, AlertKind.REMINDER, hours, send)
    return total


def escalations_sweep(now: datetime | None = None) -> int:
    """Tell the supervisors of the executing organization and the heads above it, once per
    term, about every active assignment whose term has passed. Returns how many."""
    now = now or clock.now()
    overdue = _active_assignments().filter(due_at__lt=now)
    heads: dict[int, list[User]] = {}

    def send(batch: list[Assignment]) -> None:
        messages = []
        for assignment in batch:
            if assignment.organization_id not in heads:
                heads[assignment.organization_id] = organization_heads(assignment.organization)
            users = list(heads[assignment.organization_id])
            if assignment.assigned_by is not None and assignment.assigned_by.is_active:
                users.append(assignment.assigned_by)
            messages.append(
                Message(
                    event=OVERDUE_EVENT,
                    key=f"overdue:{assignment.pk}:{int(assignment.due_at.timestamp())}",
                    appeal=assignment.appeal,
                    users=users,
                    context={
                        "assignment": assignment,
                        "organization": assignment.organization,
                        "assignment_due": _local(assignment.due_at),
                    },
                )
            )
        notify_all(messages)

    return _sweep(overdue.select_related("assigned_by"), AlertKind.OVERDUE, 0, send)


def digest_sweep(now: datetime | None = None) -> int:
    """Once a local day, from VIKNO_DIGEST_HOUR on: each organization with active
    assignments due soon or overdue gets how many are due soon and how many overdue.

    One aggregate query over the organizations still without today's digest; returns
    how many digests were made. Run often (it does nothing once the day's are out).
    """
    now = now or clock.now()
    local = timezone.localtime(now)
    if local.hour < settings.VIKNO_DIGEST_HOUR:
        return 0
    day = local.date()
    soon = now + timedelta(hours=Terms.current().due_soon_hours)
    counts = list(
        _active_assignments()
        .exclude(Exists(DigestRun.objects.filter(organization=OuterRef("organization"), day=day)))
        .values("organization")
        .annotate(
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=soon)),
        )
        .filter(Q(overdue__gt=0) | Q(due_soon__gt=0))
        .order_by("organization")
    )
    if not counts:
        return 0
    organizations = Organization.objects.in_bulk([row["organization"] for row in counts])
    staff = _staff_by_organization(set(organizations))
    made = 0
    for row in counts:
        organization = organizations[row["organization"]]
        with transaction.atomic():
            _, created = DigestRun.objects.get_or_create(
                organization=organization, day=day, defaults={"created_at": clock.now()}
            )
            if not created:
                continue
            made += 1
            notify(
                event=DIGEST_EVENT,
                key=f"digest:{organization.pk}:{day:%Y-%m-%d}",
                users=staff.get(organization.pk, []),
                context={
                    "organization": organization,
                    "day": day.strftime("%d.%m.%Y"),
                    "overdue": row["overdue"],
                    "due_soon": row["due_soon"],
                },
            )
    return made
