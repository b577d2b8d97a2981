"""The outbox (read-only: what was sent, what failed and why) and the editable templates."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vikno.notifications.models import Notification, NotificationTemplate
from vikno.notifications.services import notification_retry_now


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "channel",
        "appeal",
        "recipient_user",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["state", "channel", "event"]
    search_fields = ["key", "appeal__number", "recipient_user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["appeal", "recipient_user"]
    actions = ["retry_now"]
    # Addresses are personal data: an administrator sees them on the row, not in lists.
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again now"))
    def retry_now(self, request, queryset):
        count = notification_retry_now(notifications=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be sent again now.",
                "%(count)d notifications will be sent again now.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = ["event", "channel", "subject"]
    list_filter = ["channel", "event"]
    search_fields = ["event", "subject", "body"]
