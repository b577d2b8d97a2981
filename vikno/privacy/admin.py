"""The personal-data access log in the admin: read-only, for administrators only."""

from django.contrib import admin

from vikno.accounts.admin_site import is_administrator
from vikno.privacy.models import AccessRecord


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """A log is read, never written, changed or deleted through the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def has_module_permission(self, request) -> bool:
        return is_administrator(request.user)


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyLogAdmin):
    list_display = ["created_at", "actor", "what", "applicant", "appeal", "reason", "ip"]
    list_filter = [("actor", admin.RelatedOnlyFieldListFilter), "what", "created_at"]
    list_select_related = ["actor", "applicant", "appeal"]
    search_fields = ["appeal__number", "reason"]
    date_hierarchy = "created_at"
    fields = ["created_at", "actor", "what", "applicant", "appeal", "reason", "ip"]
    readonly_fields = fields
