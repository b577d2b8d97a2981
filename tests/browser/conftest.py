"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser download (`playwright install`) is never used: the tests launch
the system Chromium (bin/test installs it with apt when it is missing; VIKNO_CHROMIUM
points elsewhere). One Chromium serves the whole tests/browser package; every test gets a
fresh browser context (no cookies), so tests do not see each other's sessions.

Pages are opened in English (the language cookie) so that the tests find fields by their
English msgids, which do not change when the Ukrainian catalog is filled in; the layout
tests open them in Ukrainian, the real interface, whose words are longer.

When a test fails, a screenshot of each of its pages is saved to
var/screenshots/failures/ (var/ is not committed).

Every test here is marked `browser`: `pytest -m browser` runs only them, and
`pytest -m "not browser"` everything else; `make test` runs them all.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

CHROMIUM = os.environ.get("VIKNO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 812}

expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio event loop in this thread; Django refuses
    # database calls from a thread with a running loop unless told it is safe (it is: the
    # loop only drives the browser). Package scope: the loop is gone before other tests run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(transactional_db, live_server, settings):
    """The live server's base URL. Over plain http the cookies cannot be Secure."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return live_server.url


@pytest.fixture
def new_context(browser, site, request) -> Iterator[Callable[..., BrowserContext]]:
    """Open a fresh browser context: new_context(language="en", viewport=DESKTOP)."""
    contexts: list[BrowserContext] = []

    def make(language: str = "en", viewport: dict | None = None) -> BrowserContext:
        context = browser.new_context(
            base_url=site, viewport=viewport or DESKTOP, locale="uk-UA", timezone_id="Europe/Kyiv"
        )
        context.set_default_timeout(10_000)
        context.add_cookies(
            [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site}]
        )
        contexts.append(context)
        return context

    yield make

    call = getattr(request.node, "report_call", None)
    failed = call is not None and call.failed
    for index, context in enumerate(contexts):
        if failed:
            folder = SCREENSHOTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            for number, page in enumerate(context.pages):
                page.screenshot(path=folder / f"{name}-{index}-{number}.png", full_page=True)
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()
