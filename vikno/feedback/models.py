"""Feedback of applicants: the confirmation link after execution and the rating after closing.

Nothing here writes on its own: every change goes through vikno.feedback.services.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FeedbackRequest(models.Model):
    """A link sent to the applicant when the appeal is executed: "Is the problem solved?".

    Answered once (`answered_at`, `confirmed`, `comment`); or, with no answer in
    VIKNO_FEEDBACK_AUTO_CONFIRM_DAYS, the appeal is closed as confirmed by default
    (`auto_closed`); or superseded by a newer request when the appeal is executed again.
    The same token opens the rating page once the appeal is closed.
    """

    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        on_delete=models.CASCADE,
        related_name="feedback_requests",
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent"), db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    confirmed = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("applicant's comment"), blank=True)
    auto_closed = models.BooleanField(_("closed without an answer"), default=False)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(confirmed__isnull=False),
                name="feedback_answer_has_verdict",
            ),
            models.CheckConstraint(
                condition=~(Q(auto_closed=True) & Q(answered_at__isnull=False)),
                name="feedback_auto_closed_unanswered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal} {self.created_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.answered_at is None and not self.auto_closed and self.superseded_at is None


class Rating(models.Model):
    """The applicant's rating of a closed appeal (1 to 5), once per appeal."""

    appeal = models.OneToOneField(
        "appeals.Appeal", verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    is_complaint_about_handling = models.BooleanField(
        _("complaint about the handling"), default=False
    )
    created_at = models.DateTimeField(_("rated"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal} {self.score}"
