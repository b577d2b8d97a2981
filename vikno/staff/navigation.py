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
    ("staff_account", _("My account"), set(Role.values)),  # password, two-factor sign-in
]


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
        count = None
        if name == "staff:queues":
            # One aggregate query: the appeals waiting to be pre-processed.
            from vikno.staff.queues.counts import queue_counts

            count = (queue_counts(request.user) or {}).get("preprocess")
        items.append(
            {"url": url, "label": label, "current": request.path.startswith(url), "count": count}
        )
    return {"staff_nav": items}
