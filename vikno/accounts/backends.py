"""Password sign-in that refuses demo accounts unless the installation runs in DEBUG.

The role decides, not Django's groups: an active administrator (role) has every model
permission in the admin, like a superuser.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def demo_allowed(user) -> bool:
    return settings.DEBUG or not getattr(user, "is_demo", False)


def _administrator(user_obj) -> bool:
    return (
        user_obj.is_active
        and demo_allowed(user_obj)
        and getattr(user_obj, "role", "") == "administrator"
    )


class ViknoBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and demo_allowed(user)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and demo_allowed(user) else None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return _administrator(user_obj) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return _administrator(user_obj) or super().has_module_perms(user_obj, app_label)
