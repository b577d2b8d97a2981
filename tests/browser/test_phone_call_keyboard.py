"""A phone call registered with the keyboard alone, as an operator with a headset does.

The telephony opens /staff/calls/new?phone=…; from there on only page.keyboard is used
(type, Enter, Tab, arrows, Ctrl+Enter, Alt+O): no clicks, no fill(). Every step checks
where the focus is, so a field that the keyboard cannot reach fails the test.
"""

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import session_for
from vikno.accounts.models import Role
from vikno.appeals.choices import ApplicantKind, Channel, EventKind, Kind, Status
from vikno.appeals.models import Appeal
from vikno.core.text import normalize_phone

CALLER = "+380501234567"
NAME = "Петро Іваненко"
RESIDENCE = "вул. Ярослава Мудрого, 7, кв. 12"
ADDRESS = "вул. Ярослава Мудрого, 7"
TEXT = "З учорашнього вечора немає холодної води в усьому будинку."


def focused(page: Page) -> str:
    """The id of the element that has the focus."""
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_phone_call_registered_with_the_keyboard_alone(new_context, site, world):
    context = new_context()
    session_for(context, world["users"]["operator"], site)
    page = context.new_page()
    page.goto(f"{reverse('staff:call_new')}?phone={CALLER}")  # not URL-encoded
    keyboard = page.keyboard

    # The number came from the telephony (a literal "+" in the query, as documented; a
    # URL decoder reads it as a space); a new caller: the name has the focus.
    assert normalize_phone(page.get_by_label("Caller's number").input_value()) == CALLER
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    keyboard.type(NAME)
    keyboard.press("Enter")  # Enter in a one-line field: the next field
    expect(page.get_by_label("Place of residence")).to_be_focused()
    keyboard.type(RESIDENCE)
    keyboard.press("Enter")
    expect(page.get_by_label("Applicant", exact=True)).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_label("Entitled to be heard first")).to_be_focused()
    keyboard.press("Tab")
    consent = page.get_by_label("Agreed to the processing of personal data")
    expect(consent).to_be_focused()
    expect(consent).to_be_checked()

    # Kind: Tab enters the radio group at the chosen one (service request, the
    # default); the left arrow moves to "complaint".
    keyboard.press("Tab")
    expect(page.locator("input[name=kind][value=service_request]")).to_be_focused()
    keyboard.press("ArrowLeft")
    expect(page.locator("input[name=kind][value=complaint]")).to_be_checked()

    # Category: Tab to the search, type a word, Enter picks the first match and moves on.
    keyboard.press("Tab")
    expect(page.get_by_label(re.compile(r"^Find a category"))).to_be_focused()
    keyboard.type("холодн")
    expect(page.locator("#category-results [name=category]").first).to_have_value("no-cold-water")
    keyboard.press("Enter")
    expect(page.locator("#cat-no-cold-water")).to_be_checked()
    expect(page.get_by_label("Address of the matter")).to_be_focused()
    keyboard.type(ADDRESS)
    keyboard.press("Enter")
    expect(page.get_by_label("Essence of the appeal")).to_be_focused()
    keyboard.type(TEXT)

    # Ctrl+Enter registers the call from the text field.
    keyboard.press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/staff/calls/new\?done=\d{4}-\d{7}$"))
    number = re.search(r"done=(\S+)$", page.url).group(1)
    expect(page.locator("[data-done]")).to_have_attribute("data-done", number)

    appeal = Appeal.objects.select_related("applicant", "category", "created_by").get()
    assert appeal.number == number
    assert (appeal.channel, appeal.kind, appeal.status) == (
        Channel.PHONE,
        Kind.COMPLAINT,
        Status.REGISTERED,
    )
    assert (appeal.category.code, appeal.address, appeal.text) == ("no-cold-water", ADDRESS, TEXT)
    assert (appeal.created_by.username, appeal.created_by.role) == ("operator", Role.OPERATOR)
    applicant = appeal.applicant
    assert (applicant.name, applicant.phone, applicant.address, applicant.kind) == (
        NAME,
        CALLER,
        RESIDENCE,
        ApplicantKind.CITIZEN,
    )
    assert applicant.consent_at is not None
    assert list(appeal.events.values_list("kind", flat=True)) == [EventKind.REGISTERED]

    # Alt+O opens the card of the appeal just registered.
    keyboard.press("Alt+KeyO")
    expect(page).to_have_url(re.compile(rf"/staff/appeals/{number}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
