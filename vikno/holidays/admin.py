"""The calendar in the admin: administrators add holidays and transfers each year."""

from django.contrib import admin

from vikno.holidays.models import HELP_MARTIAL_LAW, Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
    ordering = ["date"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": HELP_MARTIAL_LAW}
        return super().changelist_view(request, extra_context=extra_context)
