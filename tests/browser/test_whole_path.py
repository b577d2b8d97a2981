"""The whole path of an appeal, clicked through in Chromium by the people who work it.

A resident files on the public site and keeps the private link; an operator signs in,
finds the appeal in the queue, pre-processes and forwards it; the water utility's
executor accepts it, starts work and reports with a photo; a supervisor (password and a
TOTP code) verifies with the resident; the resident's status page shows the answer and
that the appeal is closed.
"""

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import png_bytes, sign_in
from vikno.appeals.choices import AttachmentPurpose, Channel, EventKind, Outcome, Status
from vikno.appeals.models import Appeal

TEXT = "Третій день немає холодної води в під'їзді № 2. Просимо перевірити засувку."
REPORT = "Замінено засувку на вводі в будинок, тиск відновлено 24.11 о 14:00."


@pytest.fixture
def totp_secret(world):
    """The supervisor's authenticator app: the same secret on the server and in the test
    (a fresh one, whatever authenticator the factory may have given)."""
    supervisor = world["users"]["supervisor"]
    Authenticator.objects.filter(user=supervisor, type=Authenticator.Type.TOTP).delete()
    secret = pyotp.random_base32()
    TOTP.activate(supervisor, secret)
    return secret


def file_an_appeal(page: Page) -> tuple[str, str]:
    """The resident's part: fill in the public form; returns (number, tracking link)."""
    page.goto("/appeals/new")
    page.get_by_role("radio", name=re.compile(r"^Complaint")).check()
    page.get_by_label("Category", exact=True).select_option(label="Відсутність холодної води")
    page.get_by_label("Address of the matter").fill("вул. Соборна, 10")
    page.get_by_label("Essence of the appeal").fill(TEXT)
    page.get_by_label("Full name").fill("Олена Коваленко")
    page.get_by_label("Place of residence").fill("вул. Соборна, 10, кв. 5")
    page.get_by_label("Phone").fill("+380 67 111 22 33")
    page.get_by_label(re.compile(r"^I agree to the processing of my personal data")).check()
    page.get_by_role("button", name="Send the appeal").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your appeal is registered")
    number = page.locator(".big-number").inner_text().strip()
    link = page.get_by_label("Link to the status page").input_value()
    assert re.fullmatch(r"\d{4}-\d{7}", number), number
    return number, link


def act(page: Page, action: str, label: str) -> None:
    """Open one action of the appeal card and send its form with the button `label`."""
    section = page.locator(f"#action-{action}")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    section.get_by_role("button", name=label, exact=True).click()


def expect_status(page: Page, status: str) -> None:
    expect(page.locator("#appeal-card .status-badge")).to_have_class(
        re.compile(rf"\bstatus-badge--{status}\b")
    )


def test_whole_path_from_the_public_form_to_the_answer(new_context, world, totp_secret):
    # 1. The resident files on the public site and gets the number and the private link.
    resident = new_context().new_page()
    number, link = file_an_appeal(resident)
    appeal = Appeal.objects.get(number=number)
    assert (appeal.channel, appeal.status, appeal.category) == (
        Channel.WEB,
        Status.REGISTERED,
        world["no_water"],
    )
    assert link.endswith(f"/track/{appeal.tracking_token}")

    # 2. The operator signs in (no second factor), finds it in the queue, opens the card,
    #    pre-processes and forwards it by the routing rules (water → the water utility).
    operator = new_context().new_page()
    sign_in(operator, "operator")
    operator.goto(reverse("staff:queues"))
    operator.get_by_role("link", name=number, exact=True).click()
    expect(operator).to_have_url(re.compile(rf"/staff/appeals/{number}/$"))
    expect(operator.get_by_role("heading", level=1)).to_contain_text(number)
    expect_status(operator, Status.REGISTERED)
    act(operator, "preprocess", "Pre-process")
    expect_status(operator, Status.PREPROCESSED)
    act(operator, "forward", "Forward by competence")
    expect_status(operator, Status.FORWARDED)
    appeal.refresh_from_db()
    assert appeal.status == Status.FORWARDED
    assert appeal.executor == world["water"]

    # 3. The executor of the water utility finds it in the inbox, accepts it, starts work
    #    and reports with a photo (a real PNG).
    executor = new_context().new_page()
    sign_in(executor, "executor")
    executor.goto(reverse("staff:inbox"))
    executor.get_by_role("link", name=number, exact=True).click()
    expect(executor).to_have_url(re.compile(rf"/staff/appeals/{number}/$"))
    act(executor, "accept", "Accept")
    expect_status(executor, Status.ACCEPTED)
    act(executor, "start_work", "Start work")
    expect_status(executor, Status.IN_WORK)
    report = executor.locator("#action-report_execution")
    report.locator("summary").click()
    report.get_by_label("What was done").fill(REPORT)
    report.get_by_label(re.compile(r"^Photos or documents")).set_input_files(
        files=[{"name": "zasuvka.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    report.get_by_role("button", name="Report execution", exact=True).click()
    expect_status(executor, Status.EXECUTED)
    photo = appeal.attachments.get()
    assert (photo.purpose, photo.original_name) == (AttachmentPurpose.REPORT, "zasuvka.png")

    # 4. The supervisor signs in with password and TOTP code and records the resident's
    #    confirmation.
    supervisor = new_context().new_page()
    sign_in(supervisor, "supervisor", totp=pyotp.TOTP(totp_secret))
    supervisor.goto(f"/staff/appeals/{number}/")
    # The executor's photo is on the card as a preview that really loads (64×48 px).
    preview = supervisor.get_by_role("img", name="Photo: zasuvka.png")
    preview.scroll_into_view_if_needed()
    expect(preview).to_be_visible()
    preview.evaluate("image => image.decode()")
    assert preview.evaluate("image => [image.naturalWidth, image.naturalHeight]") == [64, 48]
    verify = supervisor.locator("#action-verify")
    verify.locator("summary").click()
    verify.get_by_label("done: confirmed").check()
    verify.get_by_label(re.compile(r"^Note")).fill("Заявниця підтвердила по телефону.")
    verify.get_by_role("button", name="Verify with the applicant", exact=True).click()
    expect_status(supervisor, Status.CLOSED)

    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.answer) == (
        Status.CLOSED,
        Outcome.RESOLVED,
        REPORT,
    )
    assert list(appeal.events.order_by("pk").values_list("kind", flat=True)) == [
        EventKind.REGISTERED,
        EventKind.PREPROCESSED,
        EventKind.FORWARDED,
        EventKind.ACCEPTED,
        EventKind.WORK_STARTED,
        EventKind.EXECUTED,
        EventKind.CONFIRMED,
    ]

    # 5. The resident opens the private link: the answer, and the appeal is closed.
    resident.goto(link)
    expect(resident.locator("#appeal-status .panel--status")).to_have_class(
        re.compile(r"\bstatus--closed\b")
    )
    expect(resident.locator(".answer__text")).to_have_text(REPORT)
    # Never the resident's personal data on that page.
    expect(resident.locator("body")).not_to_contain_text("Коваленко")
    expect(resident.locator("body")).not_to_contain_text("111 22 33")
