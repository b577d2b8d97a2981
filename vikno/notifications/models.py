"""The notifications outbox and the editable message templates.

Rows are written by vikno.notifications.services.notify inside the transaction of the
change they tell about, and sent after commit by deliver_due (the durable queue).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("email")
    SMS = "sms", _("SMS")
    IN_APP = "in_app", _("in the staff workspace")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class NotificationTemplate(models.Model):
    """The text of one event on one channel: Django template syntax, written in Ukrainian.

    Administrators edit them; the defaults come from a data migration.
    """

    event = models.CharField(_("event"), max_length=50)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="notification_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel}"


class Notification(models.Model):
    """One message to one recipient on one channel (the outbox).

    `key` is the idempotency key: a retried service or a re-run sweep that makes the same
    key inserts nothing, so nobody gets the same message twice.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=50)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
            models.Index(
                fields=["recipient_user", "channel", "created_at"], name="notification_inbox"
            ),
        ]

    def __str__(self) -> str:
        return self.key
