"""The workspace menu: what each role sees in the header (context processor)."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from vikno.accounts.models import Role
from vikno.appeals.permissions import role_of

# (url name, label, roles that see it)
MENU = [
    (
        "staff:queues",
        _("Queues"),
        {Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ANALYST},
    ),
    ("staff:call_new", _("New call"), {Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR}),
    ("staff:inbox", _("My organization"), {Role.EXECUTOR, Role.SUPERVISOR}),
    ("staff:control", _("Control"), {Role.SUPERVISOR, Role.ADMINISTRATOR}),
    ("staff:notifications", _("Notifications"), set(Role.values)),
    ("staff_account", _("My account"), set(Role.values)),  # password, two-factor sign-in
]


def _count(name: str, user) -> int | None:
    """The badge beside a menu item: one aggregate query each."""
    if name == "staff:queues":
        from vikno.staff.queues.counts import queue_count

        return queue_count(user, "preprocess")
    if name == "staff:notifications":
        from vikno.notifications.selectors import unread_count

        return unread_count(user) or None
    return None


def staff_nav(request):
    if not request.path.startswith("/staff/") or not request.user.is_authenticated:
        return {}
    role = role_of(request.user)
    items = []
    for name, label, roles in MENU:
        if role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # an area not built yet
            continue
        items.append(
            {
                "url": url,
                "label": label,
                "current": request.path.startswith(url),
                "count": _count(name, request.user),
            }
        )
    return {"staff_nav": items}
