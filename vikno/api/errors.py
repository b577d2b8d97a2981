"""One error shape for the whole API: `{"code", "message", "fields"}` with a 4xx status.

Every refusal ends here: a service's ServiceError, ninja's request validation, failed
authentication, an unknown appeal or code, a wrong method, an unknown path.
"""

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from vikno.core.errors import ServiceError

# Where ninja says a value came from, and the names our endpoints give their schema
# parameters; neither is part of the field path a client sees ("applicant.phone").
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_WRAPPERS = {"payload", "filters"}

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
}


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Ukrainian letters as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


ERROR_RESPONSES: dict[int, type[ErrorOut]] = {
    status: ErrorOut for status in (400, 401, 403, 404, 409, 422)
}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, fields), status=status)


def field_path(loc: Any) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in _WRAPPERS:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def field_message(error: dict) -> str:
    """A translatable message for one pydantic error; our own validators' text as is."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind.startswith(("datetime", "date")):
        return _("Enter a date and time in ISO 8601 format, e.g. 2026-03-01T10:00:00+02:00.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind.startswith("int") or kind.startswith("decimal") or kind.startswith("float"):
        return _("Enter a number.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("This field cannot be empty.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Ensure this value is at least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Ensure this value is at most %(n)s.") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind in {"json_invalid", "json_type"}:
        return _("The request body is not valid JSON.")
    if kind.startswith("string"):
        return _("Enter text.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Enter an object.")
    if kind == "list_type":
        return _("Enter a list.")
    return _("Enter a valid value.")


def validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(field_path(error.get("loc", ())), []).append(field_message(error))
    return fields


def _service_error(request: HttpRequest, exc: ServiceError, api: NinjaAPI) -> HttpResponse:
    return error_response(api, request, exc.status, exc.code, exc.message, exc.fields)


def _validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    return error_response(
        api,
        request,
        422,
        "validation_error",
        _("The request is not valid: check the marked fields."),
        validation_fields(exc.errors),
    )


def _authentication_error(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    response = error_response(
        api,
        request,
        401,
        "unauthorized",
        _("Authentication required: send an API key (Authorization: Bearer <key>) or sign in."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="vikno"'
    return response


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    status = exc.status_code
    messages = {
        400: _("The request body could not be read: send valid JSON."),
        403: _("Your role does not allow this action."),
        404: _("Not found."),
        429: _("Too many requests: try again later."),
    }
    message = messages.get(status, _("The request cannot be processed."))
    return error_response(api, request, status, _STATUS_CODES.get(status, "error"), message)


def _not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return error_response(api, request, 404, "not_found", _("Not found."))


def _permission_denied(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return error_response(
        api, request, 403, "forbidden", _("Your role does not allow this action.")
    )


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(ServiceError, partial(_service_error, api=api))
    api.add_exception_handler(ValidationError, partial(_validation_error, api=api))
    api.add_exception_handler(AuthenticationError, partial(_authentication_error, api=api))
    api.add_exception_handler(HttpError, partial(_http_error, api=api))
    api.add_exception_handler(Http404, partial(_not_found, api=api))
    api.add_exception_handler(PermissionDenied, partial(_permission_denied, api=api))
