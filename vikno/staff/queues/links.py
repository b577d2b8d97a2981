"""Links from the operator's screens to the appeal card (built in vikno.staff.card)."""

from django.urls import NoReverseMatch, reverse


def appeal_card_url(number: str) -> str:
    """The appeal card's address; the plain path while the card's URL is not wired yet."""
    try:
        return reverse("staff:appeal", args=[number])
    except NoReverseMatch:
        return f"/staff/appeals/{number}/"
