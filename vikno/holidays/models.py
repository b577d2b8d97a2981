"""The calendar of Ukrainian public holidays and transferred days, as data.

Working-day terms (e-petitions, administrative services) skip Saturdays, Sundays and the
days listed here; a transferred working Saturday counts as a working day. Appeals are
counted in calendar days and never look here (vikno.core.deadlines).

Martial law: Law No. 2136-IX (art. 6) suspends art. 67 and 73 of the Labour Code while
martial law is in force, so holidays are working days and nothing is transferred. The
setting VIKNO_HOLIDAYS_ARE_DAYS_OFF decides whether this calendar is applied at all.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

HELP_MARTIAL_LAW = _(
    "Under martial law (Law No. 2136-IX) public holidays are working days and days are not "
    "transferred. Whether this calendar is applied is decided by the setting "
    "VIKNO_HOLIDAYS_ARE_DAYS_OFF (on by default; turn it off while martial law is in force)."
)


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday (a day off)")
    TRANSFERRED_DAY_OFF = "transferred_day_off", _("transferred day off")
    WORKING_SATURDAY = "working_saturday", _("working Saturday (a transferred working day)")


class Holiday(models.Model):
    """One day of the calendar that differs from the ordinary Monday-to-Friday week."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=HolidayKind.choices,
        default=HolidayKind.HOLIDAY,
        help_text=HELP_MARTIAL_LAW,
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar of holidays and transfers")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=HolidayKind.values), name="holiday_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.name}"
