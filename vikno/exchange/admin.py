"""Peers (editable, the secret never shown), links and the outbox (read-only)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vikno.exchange.models import ExchangeLink, OutboxMessage, Peer
from vikno.exchange.outbox import message_retry


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "base_url",
        "is_upstream",
        "is_downstream",
        "organization",
        "is_active",
    ]
    list_filter = ["is_active", "is_upstream", "is_downstream"]
    search_fields = ["code", "name"]
    list_select_related = ["organization"]
    # New peers come with their service account: add them with `manage.py exchange_peer
    # add`. The secret is never shown: rotate it with `manage.py exchange_peer secret`.
    exclude = ["secret"]
    readonly_fields = ["account", "last_seq", "delivering_until", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ExchangeLink)
class ExchangeLinkAdmin(admin.ModelAdmin):
    list_display = ["appeal", "peer", "direction", "external_number", "peer_due_at", "created_at"]
    list_filter = ["direction", "peer"]
    search_fields = ["appeal__number", "external_number"]
    list_select_related = ["appeal", "peer"]
    readonly_fields = [field.name for field in ExchangeLink._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "peer",
        "seq",
        "kind",
        "appeal",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
    ]
    list_filter = ["state", "kind", "peer"]
    search_fields = ["appeal__number", "idempotency_key"]
    list_select_related = ["peer", "appeal"]
    actions = ["retry_now"]
    # The payload carries the applicant's data: shown on the row, not in lists.
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again now"))
    def retry_now(self, request, queryset):
        count = message_retry(messages=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again now.",
                "%(count)d messages will be sent again now.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
