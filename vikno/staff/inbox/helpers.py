"""Small pieces the inbox, the control board and the card's extension slot share."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

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
