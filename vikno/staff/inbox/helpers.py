"""Small pieces the inbox, the control board and the card's extension slot share."""

from datetime import timedelta
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from vikno.core.clock import end_of_local_day, local_date
from vikno.core.deadlines import extension_limit
from vikno.core.errors import ValidationFailed


def form_refusal(form) -> ValidationFailed:
    """A form whose input has the wrong shape (e.g. no date) is refused like a service
    refusal, so one template shows both next to the form."""
    fields = {name: [str(m) for m in errors] for name, errors in form.errors.items()}
    return ValidationFailed(_("Check the marked fields."), fields=fields)


def card_url(number: str) -> str | None:
    """The appeal card's address, if the card is part of this installation."""
    try:
        return reverse("staff:appeal", args=[number])
    except NoReverseMatch:
        return None


def extension_bounds(appeal, moment) -> dict[str, Any]:
    """The dates a request for a longer term may name: after the current term (a term that
    ends at the end of its day needs the next day), not in the past, within the 45-day cap.
    The date inputs use them as min/max; the service is still what decides."""
    due_day = local_date(appeal.due_at)
    if appeal.due_at >= end_of_local_day(due_day):
        due_day += timedelta(days=1)
    bounds = {
        "min": max(due_day, local_date(moment)),
        "max": local_date(extension_limit(appeal.received_at)),
    }
    # Past the cap nothing can be asked for: the form is not offered at all.
    bounds["open"] = bounds["min"] <= bounds["max"]
    return bounds
