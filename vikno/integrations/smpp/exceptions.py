"""What can go wrong when sending an SMS, split by what the outbox should do about it.

A temporary error (the SMSC is down, busy or throttling us) is worth retrying later; a
permanent error (wrong credentials, an invalid number, a message the SMSC refuses) will
fail the same way every time, so the outbox gives that notification up and moves on.
"""

from smpplib import consts

# command_status values (SMPP 3.4, section 5.1.3) after which the same message may go
# through later: the SMSC or its queue is busy, or we send too fast.
TEMPORARY_STATUSES = frozenset(
    {
        consts.SMPP_ESME_RSYSERR,
        consts.SMPP_ESME_RMSGQFUL,
        consts.SMPP_ESME_RTHROTTLED,
        consts.SMPP_ESME_RSUBMITFAIL,
        consts.SMPP_ESME_RX_T_APPN,
    }
)
AUTH_STATUSES = frozenset(
    {consts.SMPP_ESME_RBINDFAIL, consts.SMPP_ESME_RINVPASWD, consts.SMPP_ESME_RINVSYSID}
)


class SmppError(Exception):
    """Sending failed. `status` is the SMPP command_status when the SMSC gave one."""

    temporary = False

    @property
    def permanent(self) -> bool:
        """True when retrying cannot help (the outbox gives the message up at once)."""
        return not self.temporary

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class SmppTemporaryError(SmppError):
    """Retry later: connection refused or lost, a timeout, throttling, a full queue."""

    temporary = True


class SmppPermanentError(SmppError):
    """Do not retry: the same request will be refused again."""


class SmppAuthError(SmppPermanentError):
    """The SMSC refused the bind: wrong system_id or password (a configuration error)."""


class SmppInvalidDestinationError(SmppPermanentError):
    """The phone number is not one an SMS can go to."""


def error_for_status(status: int, what: str) -> SmppError:
    """The exception for a refusal with SMPP `status` of the request `what`."""
    description = consts.DESCRIPTIONS.get(status, "unknown status")
    message = f"{what} refused by the SMSC: 0x{status:08X} {description}"
    if status in AUTH_STATUSES:
        return SmppAuthError(message, status=status)
    if status in TEMPORARY_STATUSES:
        return SmppTemporaryError(message, status=status)
    if status in (
        consts.SMPP_ESME_RINVDSTADR,
        consts.SMPP_ESME_RINVDSTTON,
        consts.SMPP_ESME_RINVDSTNPI,
    ):
        return SmppInvalidDestinationError(message, status=status)
    return SmppPermanentError(message, status=status)
