"""The "sms" channel of the notifications outbox (vikno.notifications.channels).

The sender gets an outbox row whose address is the applicant's phone and whose body_text
is the rendered Ukrainian template, and returns the SMSC's message ids. A temporary error
becomes DeliveryError (the outbox retries with backoff); a permanent one is raised as it
is, with `permanent` set, so the outbox can give that row up at once.
"""

from typing import TYPE_CHECKING

from vikno.integrations.smpp.client import send_sms
from vikno.integrations.smpp.exceptions import SmppError

if TYPE_CHECKING:
    from vikno.notifications.models import Notification


def send_sms_notification(notification: "Notification") -> str:
    """Send one outbox row as an SMS; the provider id is the parts' ids, comma-separated."""
    # Imported here: vikno.notifications.channels registers this sender when it loads.
    from vikno.notifications.channels import DeliveryError

    try:
        message_ids = send_sms(to=notification.address, text=notification.body_text)
    except SmppError as error:
        if error.temporary:
            raise DeliveryError(str(error)) from error
        raise
    return ",".join(message_ids)[:200]
