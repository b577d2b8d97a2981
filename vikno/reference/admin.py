"""Reference data is managed in the Django admin (categories, organizations, territories,
routing rules)."""

from django.contrib import admin

from vikno.reference.models import Category, Organization, RoutingRule, Territory


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ["territory", "organization"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "parent",
        "term",
        "service_level_hours",
        "default_executor",
        "is_active",
    ]
    list_filter = ["term", "is_active", "parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "default_executor"]
    inlines = [RoutingRuleInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "territory", "organization"]
    list_select_related = ["category", "territory", "organization"]
    autocomplete_fields = ["category", "territory", "organization"]
