"""Reads of feedback: a link by its token, and the quality indicators."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, F, Q

from vikno.appeals.choices import FINAL_STATUSES, OPEN_STATUSES, Kind
from vikno.appeals.models import Appeal
from vikno.core.clock import start_of_local_day
from vikno.feedback.models import FeedbackRequest, Rating

MAX_TOKEN_LENGTH = 64


def request_by_token(token: str) -> FeedbackRequest | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        FeedbackRequest.objects.select_related("appeal", "appeal__rating")
        .filter(token=token)
        .first()
    )


@dataclass(frozen=True)
class Indicators:
    total: int
    answered_late: int
    answered_late_share: float | None
    complaints: int
    complaints_per_1000: float | None
    ratings: int
    average_rating: float | None
    feedback_answered: int
    feedback_confirmed: int
    confirmation_rate: float | None


def _ratio(part: int, whole: int, scale: int = 1) -> float | None:
    return round(part * scale / whole, 4) if whole else None


def indicators(
    *, date_from: date, date_to: date, organization_ids: set[int] | None, at: datetime
) -> Indicators:
    """Quality indicators of the appeals received from `date_from` to `date_to` (local
    dates, both included), of the organizations given (their `executor`), or of all.
    Three aggregate queries; definitions in docs/feedback.md."""
    appeals = Appeal.objects.filter(
        received_at__gte=start_of_local_day(date_from),
        received_at__lt=start_of_local_day(date_to + timedelta(days=1)),
    )
    if organization_ids is not None:
        appeals = appeals.filter(executor_id__in=organization_ids)
    late = Q(status__in=list(FINAL_STATUSES), closed_at__gt=F("due_at")) | Q(
        status__in=list(OPEN_STATUSES), due_at__lt=at
    )
    counts = appeals.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=late),
        complaints=Count("pk", filter=Q(kind=Kind.COMPLAINT)),
    )
    ratings = Rating.objects.filter(appeal__in=appeals.values("pk")).aggregate(
        count=Count("pk"), average=Avg("score")
    )
    feedback = FeedbackRequest.objects.filter(
        appeal__in=appeals.values("pk"), answered_at__isnull=False
    ).aggregate(answered=Count("pk"), confirmed=Count("pk", filter=Q(confirmed=True)))
    total = counts["total"]
    return Indicators(
        total=total,
        answered_late=counts["late"],
        answered_late_share=_ratio(counts["late"], total),
        complaints=counts["complaints"],
        complaints_per_1000=_ratio(counts["complaints"], total, 1000),
        ratings=ratings["count"],
        average_rating=round(ratings["average"], 2) if ratings["average"] is not None else None,
        feedback_answered=feedback["answered"],
        feedback_confirmed=feedback["confirmed"],
        confirmation_rate=_ratio(feedback["confirmed"], feedback["answered"]),
    )
