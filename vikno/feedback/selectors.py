"""Reads of feedback: a link by its token, and the quality indicators."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from vikno.appeals.models import OPEN_CONDITION, Appeal
from vikno.core.clock import start_of_local_day
from vikno.feedback.models import FeedbackRequest
from vikno.statistics.selectors import tally_sums

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
    Definitions in docs/feedback.md. Sums of the daily tallies (vikno.statistics), plus the
    one part that depends on the moment `at`: open appeals already past their term."""
    sums = tally_sums(date_from=date_from, date_to=date_to, organization_ids=organization_ids)
    open_late = Appeal.objects.filter(
        OPEN_CONDITION,
        due_at__lt=at,
        received_at__gte=start_of_local_day(date_from),
        received_at__lt=start_of_local_day(date_to + timedelta(days=1)),
    )
    if organization_ids is not None:
        open_late = open_late.filter(executor_id__in=organization_ids)
    total = sums["received"]
    late = sums["closed_late"] + open_late.count()
    ratings = sums["ratings"]
    answered, confirmed = sums["feedback_answered"], sums["feedback_confirmed"]
    return Indicators(
        total=total,
        answered_late=late,
        answered_late_share=_ratio(late, total),
        complaints=sums["complaints"],
        complaints_per_1000=_ratio(sums["complaints"], total, 1000),
        ratings=ratings,
        average_rating=round(sums["rating_sum"] / ratings, 2) if ratings else None,
        feedback_answered=answered,
        feedback_confirmed=confirmed,
        confirmation_rate=_ratio(confirmed, answered),
    )
