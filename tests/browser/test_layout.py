"""The main screens at a phone's width (375 px) and a laptop's (1440 px), in Ukrainian.

Each screen must answer 200, show its one main heading inside the window, never be
wider than the window (no sideways scrolling), and keep the links and buttons of its
header readable (text against background at least 4.5:1). A full-page screenshot of
each is saved to var/screenshots/<screen>-<width>.png for a person to look at.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.helpers import header_contrast, horizontal_overflow, session_for
from tests.factories import register_appeal
from vikno.appeals.choices import Channel
from vikno.appeals.services import appeal_forward, appeal_preprocess

CALLER = "+380671112233"


@pytest.fixture
def appeals(world):
    """One appeal waiting for pre-processing, one forwarded to the water utility."""
    operator = world["users"]["operator"]
    waiting = register_appeal(actor=operator, category=world["pothole"])
    forwarded = register_appeal(
        actor=None,
        channel=Channel.WEB,
        category=world["no_water"],
        text="Третій день немає холодної води в будинку на Соборній, 10. Дуже просимо "
        "розібратися: у будинку літні люди й маленькі діти.",
    )
    appeal_preprocess(actor=operator, appeal=forwarded)
    appeal_forward(actor=operator, appeal=forwarded)
    return {"waiting": waiting, "forwarded": forwarded}


# screen → (who looks at it, how to reach it)
SCREENS = {
    "public-form": (None, lambda appeals: "/appeals/new"),
    "status-page": (None, lambda appeals: f"/track/{appeals['forwarded'].tracking_token}"),
    "staff-sign-in": (None, lambda appeals: reverse("staff_login")),
    "operator-console": ("operator", lambda appeals: f"{reverse('staff:call_new')}?phone={CALLER}"),
    "queues": ("operator", lambda appeals: reverse("staff:queues")),
    "appeal-card": ("operator", lambda appeals: f"/staff/appeals/{appeals['forwarded'].number}/"),
    "executor-inbox": ("executor", lambda appeals: reverse("staff:inbox")),
    "control-board": ("supervisor", lambda appeals: reverse("staff:control")),
}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1440"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_fits_the_width(new_context, site, world, appeals, screen, viewport):
    role, url = SCREENS[screen]
    context = new_context(language="uk", viewport=viewport)
    if role is not None:
        session_for(context, world["users"][role], site)
    page = context.new_page()

    response = page.goto(url(appeals))

    assert response is not None
    assert response.status == 200, page.url
    heading = page.locator("main h1")
    expect(heading).to_have_count(1)
    expect(heading).to_be_visible()
    box = heading.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{screen}-{viewport['width']}.png", full_page=True)
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= overflow["innerWidth"], overflow
    # Every link and button of the header is readable (WCAG AA: 4.5:1).
    contrast = header_contrast(page)
    assert contrast, "no links in the header"
    assert [item for item in contrast if not item["ratio"] >= 4.5] == []
