"""Feedback in the admin: the links sent and the ratings given, read-only for
administrators (they are the applicants' words; changes go through the services)."""

from django.contrib import admin

from vikno.feedback.models import FeedbackRequest, Rating
from vikno.privacy.admin import ReadOnlyLogAdmin


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(ReadOnlyLogAdmin):
    list_display = ["appeal", "created_at", "answered_at", "confirmed", "auto_closed"]
    list_filter = ["confirmed", "auto_closed", "created_at"]
    list_select_related = ["appeal"]
    search_fields = ["appeal__number"]
    date_hierarchy = "created_at"
    fields = [
        "appeal",
        "created_at",
        "answered_at",
        "confirmed",
        "comment",
        "auto_closed",
        "superseded_at",
    ]
    readonly_fields = fields


@admin.register(Rating)
class RatingAdmin(ReadOnlyLogAdmin):
    list_display = ["appeal", "score", "is_complaint_about_handling", "created_at"]
    list_filter = ["score", "is_complaint_about_handling", "created_at"]
    list_select_related = ["appeal"]
    search_fields = ["appeal__number", "comment"]
    date_hierarchy = "created_at"
    fields = ["appeal", "score", "is_complaint_about_handling", "comment", "created_at"]
    readonly_fields = fields
