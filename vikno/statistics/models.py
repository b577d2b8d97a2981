"""Daily tallies of appeals: what the indicators and the counts sum instead of scanning a
year of appeals (bench/, scenario 4: 1.26 s at 1M appeals by the scan).

One row per local day of receipt, dimension (the executing organization, the category or
the territory) and key (its id, or 0 where the appeal has none: NULL would not be
unique). Kept exact by vikno.statistics.services.tallies_refresh.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    EXECUTOR = "executor", _("executor")
    CATEGORY = "category", _("category")
    TERRITORY = "territory", _("territory")


class DailyTally(models.Model):
    day = models.DateField(_("day of receipt"))
    dimension = models.CharField(_("by"), max_length=16, choices=Dimension.choices)
    key = models.BigIntegerField(_("id"), default=0)
    received = models.PositiveIntegerField(_("appeals received"), default=0)
    complaints = models.PositiveIntegerField(_("complaints"), default=0)
    closed_late = models.PositiveIntegerField(_("answered after the term"), default=0)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    rating_sum = models.PositiveIntegerField(_("sum of the scores"), default=0)
    feedback_answered = models.PositiveIntegerField(_("feedback answered"), default=0)
    feedback_confirmed = models.PositiveIntegerField(_("feedback confirmed"), default=0)

    class Meta:
        verbose_name = _("daily tally")
        verbose_name_plural = _("daily tallies")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "day", "key"], name="tally_one_row")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension} {self.key}: {self.received}"


class TallyMark(models.Model):
    """The one row that says up to when the tallies were refreshed (wall-clock time of
    the appeals' `updated_at`)."""

    refreshed_at = models.DateTimeField(_("refreshed"), null=True, blank=True)

    def __str__(self) -> str:
        return f"tallies refreshed at {self.refreshed_at}"
