"""Sign-in and sign-out of staff (replaced by the two-factor flow)."""

from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path(
        "login/", auth_views.LoginView.as_view(template_name="staff/login.html"), name="staff_login"
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="staff_logout"),
]
