"""Receivers that record failed sign-ins (derived data only: no workflow here)."""

from allauth.mfa.signals import authentication_failed
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from vikno.accounts.models import SignInFailureReason
from vikno.accounts.signin import signin_failure_record


@receiver(user_login_failed, dispatch_uid="vikno_signin_failed")
def on_user_login_failed(sender, credentials, request=None, **kwargs):
    signin_failure_record(
        request=request,
        username=str(credentials.get("username", "")),
        reason=SignInFailureReason.WRONG_CREDENTIALS,
    )


@receiver(authentication_failed, dispatch_uid="vikno_second_factor_failed")
def on_second_factor_failed(sender, request, user, **kwargs):
    signin_failure_record(
        request=request,
        username=user.get_username(),
        reason=SignInFailureReason.WRONG_CODE,
        user=user,
    )
