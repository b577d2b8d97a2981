"""Reads of notifications."""

from django.db.models import QuerySet

from vikno.accounts.models import User
from vikno.notifications.models import Notification, NotificationChannel


def in_app_for(user: User) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    return (
        Notification.objects.filter(recipient_user=user, channel=NotificationChannel.IN_APP)
        .select_related("appeal")
        .order_by("-created_at", "-id")
    )


def unread_count(user: User) -> int:
    return in_app_for(user).filter(read_at__isnull=True).count()
