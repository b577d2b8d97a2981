"""Supervisors and administrators cannot work until they have set up TOTP."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from vikno.accounts.twofactor import has_totp, two_factor_required

PROTECTED_PREFIXES = ("/staff/", "/admin/", "/api/")


class RequireTwoFactorMiddleware:
    """Send a signed-in supervisor or administrator without TOTP to set it up.

    Every page under /staff/ and /admin/ redirects there (the API answers 403), except
    the account pages themselves (/staff/account/: the TOTP setup, sign-out).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "two_factor_required",
                        "message": _("Set up two-factor authentication first."),
                    },
                    status=403,
                )
            url = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            messages.warning(
                request, _("Your role requires two-factor authentication: set it up to go on.")
            )
            return redirect(url)
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        path = request.path
        if not path.startswith(PROTECTED_PREFIXES):
            return False
        exempt = (reverse("staff_account"), reverse("staff_logout"))
        if path.startswith(exempt):
            return False
        user = request.user
        return two_factor_required(user) and not has_totp(user)
