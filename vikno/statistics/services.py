"""Keeping the daily tallies exact: `tallies_refresh` before every read, every minute in
the worker, and `manage.py tallies_rebuild`.

Nothing else needs to know about the tallies. Every write that changes what they count —
registration, a new executor or category, closing, a rating, a feedback answer — saves
the appeal, so its `updated_at` moves (rating_create saves the appeal for this). A refresh
recomputes the days of receipt of the appeals updated since the last refresh: on a read
only those (usually today and a few more, nothing to write when nothing changed); in the
worker with a margin, so a transaction that stamped `updated_at` before a refresh began
but committed after it is counted within a minute.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from vikno.appeals.choices import FINAL_STATUSES, Kind
from vikno.appeals.models import Appeal
from vikno.core.clock import start_of_local_day
from vikno.feedback.models import FeedbackRequest
from vikno.statistics.models import DailyTally, Dimension, TallyMark

# Longer than any transaction that writes appeals (a sweep's batch takes well under this).
MARGIN = timedelta(minutes=10)
COLUMNS = {
    Dimension.EXECUTOR: "executor_id",
    Dimension.CATEGORY: "category_id",
    Dimension.TERRITORY: "territory_id",
}


def _changed_since(mark: TallyMark | None, margin: timedelta):
    if mark is None or mark.refreshed_at is None:
        return Appeal.objects.all()
    return Appeal.objects.filter(updated_at__gte=mark.refreshed_at - margin)


def tallies_refresh(*, margin: timedelta = timedelta(0)) -> int:
    """Bring the tallies up to date; returns how many days were recomputed. With nothing
    changed it only reads (the index on updated_at): no write lock on a report's read."""
    if not _changed_since(TallyMark.objects.filter(pk=1).first(), margin).exists():
        return 0
    with transaction.atomic():
        mark, _created = TallyMark.objects.select_for_update().get_or_create(pk=1)
        started = timezone.now()
        days = set(
            _changed_since(mark, margin)
            .annotate(day=TruncDate("received_at"))
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        )
        _recompute(days, everything=mark.refreshed_at is None)
        mark.refreshed_at = started
        mark.save(update_fields=["refreshed_at"])
    return len(days)


def tallies_rebuild() -> int:
    """Recompute every day from the appeals (after a restore, or a bulk load)."""
    with transaction.atomic():
        TallyMark.objects.filter(pk=1).delete()
        return tallies_refresh()


def _runs(days: set[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs: one range query per run."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _recompute(days: set[date], *, everything: bool) -> None:
    if everything:
        DailyTally.objects.all().delete()
    rows: dict[tuple[str, date, int], DailyTally] = {}
    for first, last in _runs(days):
        if not everything:
            DailyTally.objects.filter(day__range=(first, last)).delete()
        received = Q(
            received_at__gte=start_of_local_day(first),
            received_at__lt=start_of_local_day(last + timedelta(days=1)),
        )
        for dimension, column in COLUMNS.items():
            for tally in _appeal_sums(received, column):
                key = (dimension, tally.pop("day"), tally.pop(column) or 0)
                rows[key] = DailyTally(dimension=dimension, day=key[1], key=key[2], **tally)
        for answer in _feedback_sums(received):
            key = (Dimension.EXECUTOR, answer.pop("day"), answer.pop("appeal__executor_id") or 0)
            row = rows.setdefault(key, DailyTally(dimension=key[0], day=key[1], key=key[2]))
            row.feedback_answered = answer["answered"]
            row.feedback_confirmed = answer["confirmed"]
    DailyTally.objects.bulk_create(rows.values(), batch_size=2000)


def _appeal_sums(received: Q, column: str):
    late = Q(status__in=sorted(FINAL_STATUSES), closed_at__gt=F("due_at"))
    return (
        Appeal.objects.filter(received)
        .annotate(day=TruncDate("received_at"))
        .order_by()
        .values("day", column)
        .annotate(
            received=Count("pk"),
            complaints=Count("pk", filter=Q(kind=Kind.COMPLAINT)),
            closed_late=Count("pk", filter=late),
            ratings=Count("rating"),
            rating_sum=Coalesce(Sum("rating__score"), 0),
        )
    )


def _feedback_sums(received: Q):
    answered = FeedbackRequest.objects.filter(
        answered_at__isnull=False, appeal__in=Appeal.objects.filter(received).values("pk")
    )
    return (
        answered.annotate(day=TruncDate("appeal__received_at"))
        .order_by()
        .values("day", "appeal__executor_id")
        .annotate(answered=Count("pk"), confirmed=Count("pk", filter=Q(confirmed=True)))
    )
