"""Staff accounts and API keys in the admin. Keys are created with `manage.py apikey create`
(the secret is shown once); here they can be seen and revoked."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vikno.accounts.models import ApiKey, SignInFailure, User
from vikno.accounts.services import apikey_revoke
from vikno.accounts.signin import username_hash
from vikno.privacy.admin import ReadOnlyLogAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organization", "is_active"]
    list_filter = ["role", "is_active", "is_service_account", "is_demo"]
    autocomplete_fields = ["organization"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Work in Vikno"), {"fields": ("role", "organization", "is_service_account", "is_demo")}),
    )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "scopes", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = [
        "name",
        "prefix",
        "user",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            apikey_revoke(name=key.name)


@admin.register(SignInFailure)
class SignInFailureAdmin(ReadOnlyLogAdmin):
    """Failed sign-ins. Search by a username: it is hashed the way the log hashes it."""

    list_display = ["created_at", "reason", "username_hash", "user", "ip"]
    list_filter = ["reason", "created_at"]
    list_select_related = ["user"]
    search_fields = ["username_hash"]
    date_hierarchy = "created_at"
    fields = ["created_at", "reason", "username_hash", "user", "ip"]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(username_hash=username_hash(term)) | Q(username_hash=term)), False
