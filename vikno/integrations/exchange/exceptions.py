"""Failures of a request to a peer contact center."""


class ExchangeError(Exception):
    """A message was not delivered. `retry` says whether sending it again may succeed."""

    retry = True

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class PeerUnavailable(ExchangeError):
    """No answer, a network failure, a 5xx, 401 (e.g. secret rotation) or 429: try later."""


class PeerRefused(ExchangeError):
    """The peer understood the message and refused it (400, 404, 422...): sending the same
    bytes again will not help."""

    retry = False
