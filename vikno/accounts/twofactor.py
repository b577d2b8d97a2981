"""Who must sign in with a second factor, and whether they have one."""

from django.conf import settings

from vikno.accounts.models import Role


def two_factor_required(user) -> bool:
    """Supervisors and administrators (and every superuser) must use TOTP."""
    if not user.is_authenticated:
        return False
    roles = set(getattr(settings, "VIKNO_TWO_FACTOR_ROLES", [Role.SUPERVISOR, Role.ADMINISTRATOR]))
    return user.is_superuser or user.role in roles


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
