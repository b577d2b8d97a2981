"""Staff sign-in (django-allauth: password, then TOTP or a recovery code) and account pages.

/staff/login/ and /staff/logout/ keep their names (staff_login, staff_logout); allauth's
pages live under /staff/account/ (account_*, mfa_*), with "my account / security" at its
root. Public signup is closed by the adapter; a forgotten password is reset by an
administrator, so allauth's email-based reset and email management are shadowed here.
"""

from allauth.account import views as allauth_views
from django.urls import include, path
from django.views.generic import RedirectView

from vikno.accounts import views

urlpatterns = [
    path("login/", allauth_views.login, name="staff_login"),
    path("logout/", allauth_views.logout, name="staff_logout"),
    path("account/", views.account_security, name="staff_account"),
    path("account/password/reset/", views.password_reset_by_administrator),
    path("account/email/", RedirectView.as_view(pattern_name="staff_account")),
    path("account/", include("allauth.urls")),
]
