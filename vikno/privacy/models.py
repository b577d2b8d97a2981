"""The log of access to personal data (Law of Ukraine "On personal data protection").

Every time a member of staff opens an applicant's card or unmasks a contact, one row is
written here: who, when, which applicant (and appeal), what and why. Rows are only ever
added (see `vikno.privacy.services.access_record`); nobody edits or deletes them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessWhat(models.TextChoices):
    CARD_OPENED = "card_opened", _("appeal card opened")
    APPLICANT_OPENED = "applicant_opened", _("applicant's card opened")
    CONTACT_UNMASKED = "contact_unmasked", _("contact unmasked")
    CALLER_LOOKUP = "caller_lookup", _("applicant found by phone")
    EXPORT = "export", _("personal data exported")


class AccessRecord(models.Model):
    """One access to an applicant's personal data: who, when, what, why, from where."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="access_records",
    )
    applicant = models.ForeignKey(
        "appeals.Applicant",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="access_records",
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_records",
    )
    what = models.CharField(_("what"), max_length=30, choices=AccessWhat.choices)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("personal data access log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["applicant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.what}"
