"""Quality indicators over the API: GET /api/v1/indicators (resolution No. 21, para. 9)."""

from datetime import date, timedelta

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from vikno.accounts.models import Role
from vikno.api.auth import actor_of
from vikno.api.errors import ERROR_RESPONSES
from vikno.appeals.permissions import role_of
from vikno.core.clock import local_date, now
from vikno.core.errors import Forbidden, ValidationFailed
from vikno.feedback.selectors import indicators
from vikno.reference.models import Organization
from vikno.reference.selectors import subtree_ids

router = Router()

INDICATOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ANALYST})
DEFAULT_PERIOD_DAYS = 30


class IndicatorFilters(Schema):
    date_from: date | None = None
    date_to: date | None = None
    organization: str | None = None


class IndicatorsOut(Schema):
    date_from: date
    date_to: date
    organization: str | None
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


def _organization_scope(actor, code: str | None) -> tuple[str | None, set[int] | None]:
    """The organization code asked for (or implied) and the ids of its subtree."""
    own = actor.organization if role_of(actor) == Role.SUPERVISOR else None
    if not code and own is None:
        return None, None
    organization = Organization.objects.filter(code=code).first() if code else own
    if organization is None:
        msg = _("There is no organization with this code.")
        raise ValidationFailed(msg, fields={"organization": [msg]})
    ids = subtree_ids(Organization, [organization.pk])
    if own is not None and not ids <= subtree_ids(Organization, [own.pk]):
        raise Forbidden(_("You see the indicators of your own organization and those below it."))
    return organization.code, ids


@router.get("", response={200: IndicatorsOut, **ERROR_RESPONSES})
def indicator_list(request: HttpRequest, filters: Query[IndicatorFilters]):
    """Indicators of the appeals received from `date_from` to `date_to` (local dates, both
    included; by default the last 30 days), of an organization and everything under it (its
    `code`) or of all. Supervisors, administrators and analysts; keys need the read scope.
    Definitions: docs/feedback.md."""
    actor = actor_of(request)
    if role_of(actor) not in INDICATOR_ROLES:
        raise Forbidden(_("Your role does not allow this action."))
    date_to = filters.date_to or local_date(now())
    date_from = filters.date_from or date_to - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if date_from > date_to:
        msg = _("The start of the period must not be after its end.")
        raise ValidationFailed(msg, fields={"date_from": [msg]})
    code, organization_ids = _organization_scope(actor, filters.organization)
    values = indicators(
        date_from=date_from, date_to=date_to, organization_ids=organization_ids, at=now()
    )
    return IndicatorsOut(date_from=date_from, date_to=date_to, organization=code, **values.__dict__)
