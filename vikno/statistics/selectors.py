"""Reads of the daily tallies: sums over days instead of scans over appeals."""

from datetime import date

from django.db.models import Sum

from vikno.statistics.models import DailyTally, Dimension
from vikno.statistics.services import tallies_refresh

SUMS = (
    "received",
    "complaints",
    "closed_late",
    "ratings",
    "rating_sum",
    "feedback_answered",
    "feedback_confirmed",
)


def tally_sums(
    *, date_from: date, date_to: date, organization_ids: set[int] | None
) -> dict[str, int]:
    """The tallies of the appeals received from `date_from` to `date_to` (local dates,
    both included), of the executing organizations given or of all: {sum: value}."""
    tallies_refresh()
    rows = DailyTally.objects.filter(
        dimension=Dimension.EXECUTOR, day__gte=date_from, day__lte=date_to
    )
    if organization_ids is not None:
        rows = rows.filter(key__in=organization_ids)
    sums = rows.aggregate(**{name: Sum(name) for name in SUMS})
    return {name: sums[name] or 0 for name in SUMS}


def appeal_counts(*, date_from: date, date_to: date, by: str) -> list[tuple[int | None, int]]:
    """How many appeals were received from `date_from` to `date_to` (local dates, both
    included) per category, executing organization or territory (`by`), as (id or None,
    count), the most frequent first."""
    dimension = Dimension(by)
    tallies_refresh()
    rows = (
        DailyTally.objects.filter(dimension=dimension, day__gte=date_from, day__lte=date_to)
        .values("key")
        .annotate(count=Sum("received"))
        .filter(count__gt=0)
        .values_list("key", "count")
    )
    counted = [(key or None, count) for key, count in rows]
    return sorted(counted, key=lambda row: (-row[1], row[0] is None, row[0] or 0))
