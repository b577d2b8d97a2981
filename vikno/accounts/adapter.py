"""How django-allauth behaves for Vikno's staff: no signup, demo accounts refused without
DEBUG, throttled attempts recorded, and no way for a supervisor to drop their TOTP."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.urls import reverse

from vikno.accounts.backends import demo_allowed
from vikno.accounts.models import SignInFailureReason
from vikno.accounts.signin import signin_failure_record
from vikno.accounts.twofactor import two_factor_required


class StaffAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Staff accounts are made by administrators in the admin.
        return False

    def get_login_redirect_url(self, request) -> str:
        return reverse("staff:home")

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            signin_failure_record(
                request=request,
                username=credentials.get("username", ""),
                reason=SignInFailureReason.THROTTLED,
            )
            raise

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Two-factor pages count a sign-in of the last few minutes as fresh, as a
        re-entered password would be: a supervisor sent to set up TOTP straight from the
        sign-in is not asked for the password twice. Later the password is asked again."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = context.request
        if not required or app != "allauth.mfa" or request is None:
            return required
        user = request.user
        if not user.is_authenticated:
            return required
        records = get_authentication_records(request, user)
        recent = [
            r
            for r in records
            if time.time() - r.get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT
        ]
        return not recent

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        # ViknoBackend already refuses demo accounts; this holds even if another backend
        # is ever added beside it.
        if user is not None and not demo_allowed(user):
            return None
        return user


class StaffMFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user) -> str:
        # The username, not the email: the label is all an authenticator app shows.
        return user.get_username()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and two_factor_required(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
