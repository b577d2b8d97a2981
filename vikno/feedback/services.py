"""Feedback of applicants: the confirmation link after execution, the applicant's answer,
the automatic confirmation of unanswered links, and the rating after closing.

The applicant has no account. Their answer moves the appeal through the appeal services
(appeal_verify), acting as one system user, "system-feedback": an inactive service
account with the operator role (the role that verifies completion with applicants), so
that the role check, the row lock and the history event are exactly those of an operator
who called the applicant. It cannot sign in (inactive, no password); the history names it
"Заявник (за посиланням)".
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vikno.accounts.models import Role, User
from vikno.appeals.choices import Status
from vikno.appeals.models import Appeal
from vikno.appeals.services import appeal_verify
from vikno.core import clock
from vikno.core.errors import InvalidTransition, NotFound, ValidationFailed
from vikno.feedback.models import FeedbackRequest, Rating

SYSTEM_USERNAME = "system-feedback"
MAX_TOKEN_LENGTH = 64
MAX_COMMENT_LENGTH = 2000


def feedback_url(token: str) -> str:
    return f"{settings.VIKNO_PUBLIC_URL.rstrip('/')}/feedback/{token}"


def rating_url(token: str) -> str:
    return f"{feedback_url(token)}/rate"


def system_actor() -> User:
    """The service account the applicant's answers act as (see the module docstring)."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "first_name": "Заявник",
            "last_name": "(за посиланням)",
            "role": Role.OPERATOR,
            "is_active": False,
            "is_service_account": True,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _notify(*, event: str, key: str, appeal: Appeal, token: str) -> None:
    from vikno.notifications.services import notify

    notify(
        event=event,
        key=key,
        appeal=appeal,
        applicant=True,
        context={"feedback_url": feedback_url(token), "rating_url": rating_url(token)},
    )


def feedback_request_create(*, appeal: Appeal) -> FeedbackRequest:
    """A new link "Is the problem solved?" for an appeal just executed, sent to the applicant.

    Called inside the transaction of appeal_report_execution (the lead's report). A link
    still waiting from an earlier execution is superseded: only the newest one answers.
    """
    with transaction.atomic():
        moment = clock.now()
        FeedbackRequest.objects.filter(
            appeal=appeal, answered_at__isnull=True, auto_closed=False, superseded_at__isnull=True
        ).update(superseded_at=moment)
        request = FeedbackRequest.objects.create(
            appeal=appeal, token=secrets.token_urlsafe(32), created_at=moment
        )
        _notify(
            event="feedback_requested",
            key=f"feedback_requested:{request.pk}",
            appeal=appeal,
            token=request.token,
        )
    return request


def _request_for_update(token: str) -> FeedbackRequest:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound(_("This link does not lead to any appeal."))
    try:
        return FeedbackRequest.objects.select_for_update().get(token=token)
    except FeedbackRequest.DoesNotExist:
        raise NotFound(_("This link does not lead to any appeal.")) from None


def appeal_confirm_by_applicant(*, token: str, confirmed: bool, comment: str = "") -> Appeal:
    """The applicant's answer through the link: "yes" closes the appeal as resolved, "no"
    sends it back to work with their words as the note of the history event."""
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        msg = _("Ensure this value has at most %(n)s characters.") % {"n": MAX_COMMENT_LENGTH}
        raise ValidationFailed(msg, fields={"comment": [msg]})
    if not confirmed and not comment:
        msg = _("Tell us what is still not done: the executor will read it.")
        raise ValidationFailed(msg, fields={"comment": [msg]})
    with transaction.atomic():
        request = _request_for_update(token)
        if not request.is_pending:
            raise InvalidTransition(
                _("This link has already been used."), code="feedback_already_answered"
            )
        if request.appeal.status != Status.EXECUTED:
            raise InvalidTransition(
                _("The completion of this appeal has already been verified."),
                code="feedback_closed",
            )
        appeal = appeal_verify(
            actor=system_actor(), appeal=request.appeal, confirmed=confirmed, note=comment
        )
        request.answered_at = clock.now()
        request.confirmed = confirmed
        request.comment = comment
        request.save(update_fields=["answered_at", "confirmed", "comment"])
        if confirmed:
            _notify(
                event="rating_requested",
                key=f"rating_requested:{request.pk}",
                appeal=appeal,
                token=request.token,
            )
    return appeal


def feedback_auto_confirm_sweep(now: datetime | None = None) -> int:
    """Close as confirmed the executed appeals whose applicant did not answer the link in
    VIKNO_FEEDBACK_AUTO_CONFIRM_DAYS; returns how many were closed.

    One query selects the stale links; each appeal is then closed by appeal_verify in its
    own transaction under the row lock, so a re-run (or a run beside an applicant's late
    answer) closes nothing twice.
    """
    moment = now or clock.now()
    cutoff = moment - timedelta(days=settings.VIKNO_FEEDBACK_AUTO_CONFIRM_DAYS)
    stale = list(
        FeedbackRequest.objects.filter(
            answered_at__isnull=True,
            auto_closed=False,
            superseded_at__isnull=True,
            created_at__lte=cutoff,
            appeal__status=Status.EXECUTED,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in stale:
        with transaction.atomic():
            request = FeedbackRequest.objects.select_for_update().get(pk=pk)
            if not request.is_pending:
                continue
            try:
                appeal = appeal_verify(
                    actor=system_actor(),
                    appeal=request.appeal,
                    confirmed=True,
                    note=_(
                        "Closed as confirmed: the applicant did not answer within %(days)d days."
                    )
                    % {"days": settings.VIKNO_FEEDBACK_AUTO_CONFIRM_DAYS},
                )
            except InvalidTransition:
                continue  # verified by staff meanwhile
            request.auto_closed = True
            request.save(update_fields=["auto_closed"])
            _notify(
                event="rating_requested",
                key=f"rating_requested:{request.pk}",
                appeal=appeal,
                token=request.token,
            )
            closed += 1
    return closed


def rating_create(
    *,
    token: str,
    score: int,
    comment: str = "",
    is_complaint_about_handling: bool = False,
) -> Rating:
    """The applicant rates a closed appeal 1 to 5, once, through any of its feedback links."""
    comment = (comment or "").strip()
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        msg = _("Choose a score from 1 to 5.")
        raise ValidationFailed(msg, fields={"score": [msg]})
    if len(comment) > MAX_COMMENT_LENGTH:
        msg = _("Ensure this value has at most %(n)s characters.") % {"n": MAX_COMMENT_LENGTH}
        raise ValidationFailed(msg, fields={"comment": [msg]})
    if is_complaint_about_handling and not comment:
        msg = _("Tell us what was wrong with how your appeal was handled.")
        raise ValidationFailed(msg, fields={"comment": [msg]})
    with transaction.atomic():
        request = _request_for_update(token)
        appeal = Appeal.objects.select_for_update().get(pk=request.appeal_id)
        if appeal.status != Status.CLOSED:
            raise InvalidTransition(
                _("An appeal can be rated once it is closed."), code="rating_not_closed"
            )
        if Rating.objects.filter(appeal=appeal).exists():
            raise InvalidTransition(_("This appeal has already been rated."), code="already_rated")
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    appeal=appeal,
                    score=score,
                    comment=comment,
                    is_complaint_about_handling=is_complaint_about_handling,
                    created_at=clock.now(),
                )
                # The rating is part of the appeal's record: its updated_at moves, so the
                # daily tallies (vikno.statistics) count the new score.
                appeal.save(update_fields=["updated_at"])
                return rating
        except IntegrityError:
            raise InvalidTransition(
                _("This appeal has already been rated."), code="already_rated"
            ) from None
