"""What the periodic deadline sweeps have already done (vikno.sweeps.services).

A row is written in the same transaction as the notifications it stands for, so a sweep
that is re-run, or killed and restarted, selects only what is still to do. The
notifications' own unique keys are the second guard: nothing is ever sent twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    REMINDER = "reminder", _("reminder before the term")
    OVERDUE = "overdue", _("escalation of an overdue assignment")


class DeadlineAlert(models.Model):
    """One reminder (N hours before) or one escalation of one assignment's term.

    The term is part of the key: when it is extended, the new term gets its own reminders.
    """

    assignment = models.ForeignKey(
        "appeals.Assignment", on_delete=models.CASCADE, related_name="deadline_alerts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AlertKind.choices)
    due_at = models.DateTimeField(_("term"))
    hours_before = models.PositiveIntegerField(_("hours before the term"), default=0)
    created_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "due_at", "hours_before"], name="deadline_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.assignment_id}:{self.due_at:%Y-%m-%d %H:%M}:{self.hours_before}"


class DigestRun(models.Model):
    """The daily digest of one organization for one local day."""

    organization = models.ForeignKey(
        "reference.Organization", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}:{self.day}"
