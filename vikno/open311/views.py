"""The Open311 GeoReport v2 endpoint (docs/open311.md): services, requests, discovery.

Reads are open (public data only, nothing about applicants); POST requests needs an API
key with the "write" scope and registers an ordinary appeal through appeal_register.
"""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from vikno.accounts.models import ApiKeyScope
from vikno.accounts.services import apikey_authenticate
from vikno.appeals.choices import OPEN_STATUSES, PUBLIC_EVENT_KINDS, Channel, Kind
from vikno.appeals.models import Appeal, AppealEvent
from vikno.appeals.services import ApplicantData, appeal_register
from vikno.core.clock import now
from vikno.core.errors import Forbidden, ServiceError, ValidationFailed
from vikno.open311.serializers import (
    iso,
    render,
    render_error,
    request_doc,
    service_doc,
    update_doc,
)
from vikno.reference.models import Category

DEFAULT_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000


class Open311Error(Exception):
    def __init__(self, status: int, *messages: str) -> None:
        super().__init__(messages)
        self.status = status
        self.messages = messages


def _open311(view):
    """Check the jurisdiction and turn refusals into the spec's <errors> documents."""

    def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
        params = request.POST if request.method == "POST" else request.GET
        try:
            jurisdiction = params.get("jurisdiction_id", "").strip()
            if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
                raise Open311Error(404, _("Unknown jurisdiction_id: %s") % jurisdiction)
            return view(request, fmt, **kwargs)
        except Open311Error as exc:
            return render_error(fmt, exc.status, exc.messages)
        except ServiceError as exc:
            status = exc.status if exc.status in (400, 403, 404) else 400
            if isinstance(exc, ValidationFailed):
                status = 400
            messages = [exc.message] + [
                f"{name}: {msg}" for name, msgs in exc.fields.items() for msg in msgs
            ]
            return render_error(fmt, status, messages)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _services():
    return (
        Category.objects.filter(is_active=True, children__isnull=True)
        .select_related("parent")
        .order_by("parent__position", "position", "name")
    )


def _service(code: str) -> Category:
    category = _services().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("Unknown service_code: %s") % code)
    return category


def _appeals():
    # Open311 reads are public (no key). Only city-service requests — a pothole, no water —
    # are public matters; proposals, applications and complaints are a person's own
    # correspondence with the city and never leave Vikno this way.
    return Appeal.objects.filter(kind=Kind.SERVICE_REQUEST).select_related("category", "executor")


@require_GET
@_open311
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    doc = {
        "changeset": "2026-11-23T00:00:00+02:00",
        "contact": settings.DEFAULT_FROM_EMAIL,
        "key_service": _("Ask the contact center administrator for an API key."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-23T00:00:00+02:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, doc, root="discovery", item=None)


@require_GET
@_open311
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    docs = [service_doc(category) for category in _services()]
    return render(fmt, docs, root="services", item="service")


@require_GET
@_open311
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = _service(code)
    doc = {"service_code": category.code, "attributes": []}
    return render(fmt, doc, root="service_definition", item=None)


def _decimal(value: str, name: str, limit: int) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise Open311Error(400, _("%s must be a number.") % name)
    if abs(number) > limit:
        raise Open311Error(
            400,
            _("%(name)s must be between -%(limit)s and %(limit)s.")
            % {"name": name, "limit": limit},
        )
    return number.quantize(Decimal("0.000001"))


def _date(params, name: str) -> datetime | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+"))
    if parsed is None or parsed.tzinfo is None:
        raise Open311Error(400, _("%s must be an ISO 8601 date and time with an offset.") % name)
    return parsed


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_open311
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    qs = _appeals()
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        qs = qs.filter(number__in=ids)
    else:
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        start, end = _date(params, "start_date"), _date(params, "end_date")
        if start is None and end is None:
            start = now() - DEFAULT_WINDOW
        if start is not None:
            qs = qs.filter(received_at__gte=start)
        if end is not None:
            qs = qs.filter(received_at__lte=end)
        status = params.get("status", "").strip()
        if status:
            wanted = set(status.split(","))
            if not wanted <= {"open", "closed"}:
                raise Open311Error(400, _("status must be open or closed."))
            if wanted == {"open"}:
                qs = qs.filter(status__in=OPEN_STATUSES)
            elif wanted == {"closed"}:
                qs = qs.exclude(status__in=OPEN_STATUSES)
    docs = [request_doc(a) for a in qs.order_by("-received_at", "-id")[:MAX_REQUESTS]]
    return render(fmt, docs, root="service_requests", item="request")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    key = apikey_authenticate(params.get("api_key", "").strip())
    if key is None:
        raise Open311Error(403, _("Invalid or missing api_key."))
    if ApiKeyScope.WRITE not in key.scopes:
        raise Forbidden(_("This API key does not have the «write» scope."))
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = _service(code)
    lat, lon = params.get("lat", "").strip(), params.get("long", "").strip()
    address = params.get("address_string", "").strip() or params.get("address_id", "").strip()
    if not (lat and lon) and not address:
        raise Open311Error(400, _("Give lat and long, address_string or address_id."))
    text = params.get("description", "").strip()
    media_url = params.get("media_url", "").strip()
    if media_url:
        text = f"{text}\n\n{media_url}".strip()
    name = " ".join(
        p for p in (params.get("first_name", "").strip(), params.get("last_name", "").strip()) if p
    )
    applicant = ApplicantData(
        name=name, phone=params.get("phone", "").strip(), email=params.get("email", "").strip()
    )
    appeal = appeal_register(
        actor=key.user,
        kind=Kind.SERVICE_REQUEST,
        channel=Channel.OPEN311,
        category=category,
        text=text,
        address=address[:300],
        applicant=applicant,
        latitude=_decimal(lat, "lat", 90) if lat else None,
        longitude=_decimal(lon, "long", 180) if lon else None,
    )
    doc = {
        "service_request_id": appeal.number,
        "service_notice": _("Expected by %s") % iso(appeal.due_at),
    }
    account_id = params.get("account_id", "").strip()
    if account_id:  # echoed back when given (the swagger's account_id is a string)
        doc["account_id"] = account_id
    return render(fmt, [doc], root="service_requests", item="request")


@require_GET
@_open311
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    appeal = _appeals().filter(number=number).first()
    if appeal is None:
        raise Open311Error(404, _("Unknown service_request_id: %s") % number)
    return render(fmt, [request_doc(appeal)], root="service_requests", item="request")


@require_GET
@_open311
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """Requests are registered at once, so a token is the service_request_id itself."""
    if not _appeals().filter(number=token).exists():
        raise Open311Error(404, _("Unknown token: %s") % token)
    doc = {"service_request_id": token, "token": token}
    return render(fmt, [doc], root="service_requests", item="request")


@require_GET
@_open311
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """mySociety's extension: the public steps of appeals as updates, oldest first."""
    start, end = _date(request.GET, "start_date"), _date(request.GET, "end_date")
    if start is None and end is None:
        start = now() - DEFAULT_WINDOW
    qs = AppealEvent.objects.filter(
        kind__in=PUBLIC_EVENT_KINDS, appeal__kind=Kind.SERVICE_REQUEST
    ).select_related("appeal")
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lte=end)
    docs = [update_doc(e) for e in qs.order_by("created_at", "id")[:MAX_REQUESTS]]
    return render(fmt, docs, root="service_request_updates", item="request_update")
