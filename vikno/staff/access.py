"""Who may open which staff page: signed-in staff with a role, by role."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from vikno.appeals.permissions import role_of


def staff_view(roles: Iterable[str] | None = None) -> Callable:
    """Require a signed-in member of staff, and (if given) one of `roles`.

    Anonymous → sign-in page; a role that may not open the page → 403.
    """
    allowed = frozenset(roles) if roles is not None else None

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            role = role_of(request.user)
            if role is None or (allowed is not None and role not in allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
