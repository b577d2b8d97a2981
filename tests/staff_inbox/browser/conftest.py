"""The inbox and control board in a real browser: the browser-test fixtures of
tests/browser (system Chromium through Playwright, the live server), scoped to this folder."""

from pathlib import Path

import pytest

from tests.browser.conftest import browser, new_context, site  # noqa: F401


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
