"""What the deadline sweeps have done (read-only): which reminders, escalations and digests
went out, and when. The messages themselves are in the notifications outbox."""

from django.contrib import admin

from vikno.sweeps.models import DeadlineAlert, DigestRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineAlert)
class DeadlineAlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "assignment", "due_at", "hours_before"]
    list_filter = ["kind", "hours_before"]
    search_fields = ["assignment__appeal__number"]
    date_hierarchy = "created_at"
    list_select_related = ["assignment"]


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "organization", "created_at"]
    list_filter = ["day"]
    list_select_related = ["organization"]
