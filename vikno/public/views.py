"""The public site: the home page, the appeal form, and the private status page.

Views are thin: forms check what was typed, vikno.appeals.services registers the appeal,
vikno.public.status says what the applicant may see. No page here shows personal data.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vikno.appeals.choices import Channel
from vikno.appeals.selectors import appeal_by_tracking_token
from vikno.appeals.services import appeal_register
from vikno.core.errors import ServiceError
from vikno.public.forms import AppealForm, TrackLookupForm
from vikno.public.status import public_status

# The tracking token of the appeal just filed in this browser session: the page after
# the redirect (Post/Redirect/Get) shows its number and private link.
SESSION_KEY = "public_registered_token"
MAX_TOKEN_LENGTH = 64  # Appeal.tracking_token's column


def _private(response: HttpResponse) -> HttpResponse:
    """Pages reached by a private link: not cached, not indexed, not leaked as referrer."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"lookup": TrackLookupForm()})


@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                appeal = appeal_register(
                    actor=None, channel=Channel.WEB, **form.register_arguments()
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                request.session[SESSION_KEY] = appeal.tracking_token
                return redirect("public:appeal_registered")
        files_lost = bool(request.FILES)
    else:
        form = AppealForm()
        files_lost = False
    return render(request, "public/appeal_new.html", {"form": form, "files_lost": files_lost})


@require_GET
def appeal_registered(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SESSION_KEY)
    appeal = appeal_by_tracking_token(token) if token else None
    if appeal is None:
        return redirect("public:track_lookup")
    link = request.build_absolute_uri(reverse("public:track", args=[appeal.tracking_token]))
    return _private(
        render(request, "public/appeal_registered.html", {"appeal": appeal, "link": link})
    )


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        token = form.cleaned_data["code"]
        if appeal_by_tracking_token(token) is not None:
            return redirect("public:track", token=token)
        form.add_error(
            "code", _("No appeal has this tracking code. Check that it is copied in full.")
        )
    return _private(render(request, "public/track_lookup.html", {"form": form}))


@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    appeal = appeal_by_tracking_token(token) if len(token) <= MAX_TOKEN_LENGTH else None
    if appeal is None:
        response = render(request, "public/track_not_found.html", status=404)
        return _private(response)
    context = {"status": public_status(appeal), "token": token}
    # htmx asks every minute for the status block only (see _status.html).
    template = "public/_status.html" if request.htmx else "public/track.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return _private(response)
