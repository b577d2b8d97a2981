"""The staff member's own account: sign-in security (password, TOTP, recovery codes)."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vikno.accounts.twofactor import two_factor_required


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    authenticators = {
        a.type: a for a in Authenticator.objects.filter(user_id=request.user.pk).order_by("pk")
    }
    totp = authenticators.get(Authenticator.Type.TOTP)
    recovery = authenticators.get(Authenticator.Type.RECOVERY_CODES)
    unused_codes = len(recovery.wrap().get_unused_codes()) if recovery else 0
    return render(
        request,
        "account/security.html",
        {
            "totp": totp,
            "recovery": recovery,
            "unused_codes": unused_codes,
            "two_factor_required": two_factor_required(request.user),
        },
    )


def password_reset_by_administrator(request: HttpRequest) -> HttpResponse:
    return render(request, "account/password_reset_by_administrator.html")
