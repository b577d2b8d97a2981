"""The REST API: one NinjaAPI, routers from each domain.

Served at /api/v1/ with the OpenAPI schema at /api/v1/openapi.json and interactive docs at
/api/v1/docs (Swagger UI from ninja's own static files: no CDN). Every answer that is not
a success has the shape of vikno.api.errors.ErrorOut, including a wrong method (405) and
an unknown path under /api/v1/ (404).
"""

from functools import wraps

from django.http import HttpRequest, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger

from vikno.api.auth import api_auth
from vikno.api.errors import UnicodeJSONRenderer, error_response, install_error_handlers
from vikno.appeals.api import router as appeals_router
from vikno.exchange.api import router as exchange_router
from vikno.feedback.api import router as feedback_router
from vikno.reference.api import router as reference_router

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": "Retrying with the same key returns the first answer instead of acting "
    "again; the same key with a different request is refused (idempotency_key_reused).",
}


class ViknoAPI(NinjaAPI):
    """NinjaAPI whose 405 and unknown-path answers use the API's error shape, and whose
    schema documents the Idempotency-Key header of every POST."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            if "post" in operations:
                operations["post"].setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
        return schema

    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_not_allowed(pattern.callback)
        patterns.append(re_path(r"^.*$", self._unknown_path, name="unknown-path"))
        return patterns

    def _json_not_allowed(self, view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = error_response(
                    self,
                    request,
                    405,
                    "method_not_allowed",
                    _("Method %(method)s is not allowed here; use %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                )
                response["Allow"] = allowed
            return response

        return wrapper

    def _unknown_path(self, request: HttpRequest):
        return error_response(self, request, 404, "not_found", _("There is no such API endpoint."))


api = ViknoAPI(
    title="Vikno API",
    version="1",
    description=(
        "Appeals of citizens: registration, the lifecycle one transition per endpoint, "
        "reference data. Authenticate with `Authorization: Bearer <key>` or `X-API-Key`. "
        "Errors: `{code, message, fields}`. See docs/api.md."
    ),
    urls_namespace="api-v1",
    auth=api_auth,
    renderer=UnicodeJSONRenderer(),
    # validatorUrl: Swagger UI would otherwise fetch a badge from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
)
install_error_handlers(api)
api.add_router("/appeals", appeals_router, tags=["appeals"])
api.add_router("/", reference_router, tags=["reference"])
api.add_router("/indicators", feedback_router, tags=["indicators"])
api.add_router("/exchange", exchange_router, tags=["exchange"])
