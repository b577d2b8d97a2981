"""How a message leaves Vikno: one sender per channel.

A sender takes a Notification and returns the provider's message id, or raises
DeliveryError (or any exception) when the message was not accepted; an exception whose
`permanent` attribute is true makes the outbox give the message up at once. The SMS
sender lives in vikno.integrations.smpp; `register(channel, sender)` replaces a channel's
sender (tests put stand-ins there).
"""

from collections.abc import Callable
from email.utils import make_msgid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.utils.translation import gettext as _

from vikno.integrations.smpp.channel import send_sms_notification

if TYPE_CHECKING:
    from vikno.notifications.models import Notification

Sender = Callable[["Notification"], str]


class DeliveryError(Exception):
    """The channel did not take the message; delivery is retried later."""


_senders: dict[str, Sender] = {}


def register(channel: str, sender: Sender) -> None:
    """Make `sender` the way `channel` sends (the last registration wins)."""
    _senders[channel] = sender


def unregister(channel: str) -> None:
    _senders.pop(channel, None)


def sender_for(channel: str) -> Sender:
    try:
        return _senders[channel]
    except KeyError:
        raise DeliveryError(_("No sender is configured for channel «%s».") % channel) from None


def send(notification: "Notification") -> str:
    """Send one notification through its channel; returns the provider's message id."""
    return sender_for(notification.channel)(notification)


def send_email(notification: "Notification") -> str:
    """Email through Django's mail backend (SMTP from the EMAIL_* settings)."""
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        connection=get_connection(fail_silently=False),
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    # The outbox key in a header lets a mail log be matched with the row.
    message_id = make_msgid(domain=DNS_NAME)
    message.extra_headers["Message-ID"] = message_id
    message.extra_headers["X-Vikno-Notification"] = notification.key
    message.send(fail_silently=False)
    return message_id


def send_in_app(notification: "Notification") -> str:
    """In-app notifications are the outbox row itself: shown on /staff/notifications/."""
    return ""


register("email", send_email)
register("in_app", send_in_app)
register("sms", send_sms_notification)
