"""On a phone (375 px): the executor works the inbox with its inline (htmx) buttons, a
photo report included; the supervisor opens a number of the board, approves the
extension and records the applicant's confirmation, without leaving the board."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.appeals.conftest import Flow, reload
from tests.browser.conftest import PHONE
from tests.browser.helpers import horizontal_overflow, png_bytes, session_for
from vikno.appeals.choices import AttachmentPurpose, Status
from vikno.appeals.models import Assignment, ExtensionRequest, ExtensionRequestState
from vikno.core.clock import end_of_local_day, local_date


def lead(appeal) -> Assignment:
    return Assignment.objects.filter(appeal=appeal, role="lead").order_by("-id").first()


def test_inbox_and_control_on_a_phone(new_context, site, world):
    flow = Flow(world)
    report_it = flow.forwarded()
    extend_it = flow.in_work()
    report_row = f"#assignment-{lead(report_it).pk}"
    extend_row = f"#assignment-{lead(extend_it).pk}"

    executor = new_context(viewport=PHONE)
    session_for(executor, world["users"]["executor"], site)
    page = executor.new_page()
    page.goto("/staff/inbox/")
    expect(page.locator("#inbox-tabs [data-state=pending] .badge")).to_have_text("1")

    row = page.locator(report_row)
    row.get_by_role("button", name="Accept", exact=True).click()
    expect(row.locator("[data-assignment-state]")).to_have_attribute(
        "data-assignment-state", "accepted"
    )
    # The counts in the tabs follow (out-of-band swap).
    expect(page.locator("#inbox-tabs [data-state=pending] .badge")).to_have_text("0")
    expect(page.locator("#inbox-tabs [data-state=accepted] .badge")).to_have_text("1")

    row.get_by_role("button", name="Start work", exact=True).click()
    expect(row.locator("[data-assignment-state]")).to_have_attribute(
        "data-assignment-state", "in_work"
    )
    row.locator("summary", has_text="Report execution").click()
    row.get_by_label("What was done").fill("Замінено засувку, воду подано.")
    row.get_by_label("Or choose photos and documents").set_input_files(
        files=[{"name": "zasuvka.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    row.get_by_role("button", name="Send the report", exact=True).click()
    expect(row.locator(".assignment__gone")).to_be_visible()
    report_it = reload(report_it)
    assert report_it.status == Status.EXECUTED
    photo = report_it.attachments.get()
    assert (photo.purpose, photo.original_name) == (AttachmentPurpose.REPORT, "zasuvka.png")

    day = local_date(extend_it.due_at) + timedelta(days=4)
    row = page.locator(extend_row)
    row.locator("summary", has_text="Request extension").click()
    row.get_by_label("New term (date)").fill(f"{day:%Y-%m-%d}")
    row.get_by_label("Why more time is needed").fill("Чекаємо на деталь.")
    row.get_by_role("button", name="Ask the head", exact=True).click()
    expect(row.locator(".notice")).to_contain_text(f"{day:%d.%m.%Y}")
    request = ExtensionRequest.objects.get()
    assert (request.due_at, request.state) == (end_of_local_day(day), "pending")
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= overflow["innerWidth"], overflow

    supervisor = new_context(viewport=PHONE)
    session_for(supervisor, world["users"]["supervisor"], site)
    page = supervisor.new_page()
    page.goto("/staff/control/")
    page.locator("tr[data-organization=vodokanal] a[data-which=open]").click()
    expect(page.locator("#control-list [data-assignment]")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"organization=vodokanal&which=open$"))

    item = page.locator(f"#extension-request-{request.pk}")
    item.get_by_role("button", name=re.compile(r"^Approve")).click()
    expect(page.locator(f"#extension-request-{request.pk}")).to_have_attribute(
        "data-request-state", "approved"
    )
    request.refresh_from_db()
    assert request.state == ExtensionRequestState.APPROVED
    assert reload(extend_it).due_at == request.due_at

    item = page.locator(f"#verify-{report_it.number}")
    item.get_by_role("button", name="Confirmed by the applicant", exact=True).click()
    expect(page.locator(f"#verify-{report_it.number}")).to_have_attribute("data-status", "closed")
    assert reload(report_it).status == Status.CLOSED
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= overflow["innerWidth"], overflow
