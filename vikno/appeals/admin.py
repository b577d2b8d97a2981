"""Appeals are read-only in the admin: every change goes through the workflow (services),
so that nothing escapes the history."""

from django.contrib import admin

from vikno.appeals.models import Appeal, AppealEvent, Assignment, Attachment


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["organization", "role", "state", "due_at", "official", "accepted_at", "executed_at"]


class EventInline(ReadOnlyInline):
    model = AppealEvent
    fields = ["created_at", "kind", "actor_label", "from_status", "to_status", "comment"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "purpose", "content_type", "size", "created_at"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "channel",
        "category",
        "status",
        "executor",
        "received_at",
        "due_at",
    ]
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["category", "executor"]
    search_fields = ["number", "address"]
    date_hierarchy = "received_at"
    inlines = [AssignmentInline, AttachmentInline, EventInline]
    exclude = ["applicant", "tracking_token", "address_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
