"""The staff workspace at /staff/: one module per area of work."""

from django.urls import include, path

from vikno.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("vikno.staff.queues.urls")),
    path("", include("vikno.staff.console.urls")),
    path("", include("vikno.staff.card.urls")),
    path("", include("vikno.staff.inbox.urls")),
    path("", include("vikno.staff.control.urls")),
    path("", include("vikno.notifications.urls")),
]
