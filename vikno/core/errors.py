"""Errors that service functions raise; every interface turns them into its own shape.

The API answers `{"code", "message", "fields"}` with the status; the web pages show the
message. Messages are Ukrainian through gettext.
"""

from typing import Any


class ServiceError(Exception):
    """A refusal: the request was understood and nothing was changed."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: Any,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_error"


class InvalidTransition(ServiceError):
    status = 409
    code = "invalid_transition"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"
