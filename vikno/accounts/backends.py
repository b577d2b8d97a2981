"""Password sign-in that refuses demo accounts unless the installation runs in DEBUG."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def demo_allowed(user) -> bool:
    return settings.DEBUG or not getattr(user, "is_demo", False)


class ViknoBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and demo_allowed(user)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and demo_allowed(user) else None
