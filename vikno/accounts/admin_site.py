"""The Django admin for administrators only, signed in through the staff sign-in.

`is_staff` is not enough here: the admin is open to active users with the role
administrator (and superusers), and its login page is the staff two-factor sign-in, so the
second factor cannot be skipped by going to /admin/.
"""

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vikno.accounts.backends import demo_allowed
from vikno.accounts.models import Role


def is_administrator(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and demo_allowed(user)
        and (user.is_superuser or user.role == Role.ADMINISTRATOR)
    )


class ViknoAdminSite(AdminSite):
    site_header = _("Vikno administration")
    site_title = _("Vikno administration")

    def has_permission(self, request) -> bool:
        return is_administrator(request.user)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in, but not an administrator: no second sign-in form here.
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url)
