"""In-app notifications in the staff workspace (included from vikno.staff.urls)."""

from django.urls import path

from vikno.notifications import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_read, name="notifications_read"),
]
