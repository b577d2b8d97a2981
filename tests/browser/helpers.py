"""What the browser tests do again and again: sign in, make a real image, check a layout."""

import io
import re
import time

from django.conf import settings
from django.test import Client
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password


def sign_in(page: Page, username: str, password: str = PASSWORD, totp=None) -> None:
    """Sign in through the staff sign-in page, as a person does.

    With `totp` (a pyotp.TOTP on the secret of the person's authenticator) the code is
    typed on the second page, as from the authenticator app.
    """
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if totp is not None:
        code = page.get_by_label("Code", exact=True)
        expect(code).to_be_visible()
        # The server accepts only the current period's code (no tolerance): a code read in
        # the last seconds of its period could be stale when it arrives; wait for the next.
        remaining = totp.interval - time.time() % totp.interval
        if remaining < 5:
            time.sleep(remaining + 0.2)
        code.fill(totp.now())
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/staff/(?!login/|account/)"))


def session_for(context: BrowserContext, user, site: str) -> None:
    """Put a signed-in session of `user` into the browser (for tests about other things)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
    )


def png_bytes(color: str = "steelblue", size: tuple[int, int] = (64, 48)) -> bytes:
    """A real PNG image (the server checks the content, not the name)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def horizontal_overflow(page: Page) -> dict:
    """How wide the document is against the window, and the widest elements sticking out."""
    return page.evaluate(OVERFLOW_JS)


OVERFLOW_JS = """() => {
    const width = window.innerWidth;
    const name = (element) => {
        let text = element.tagName.toLowerCase();
        if (element.id) text += "#" + element.id;
        if (typeof element.className === "string" && element.className.trim()) {
            text += "." + element.className.trim().split(/\\s+/).join(".");
        }
        return text;
    };
    const culprits = [];
    for (const element of document.querySelectorAll("body *")) {
        const box = element.getBoundingClientRect();
        if (box.width && box.right > width + 1) {
            culprits.push(`${name(element)} right=${Math.round(box.right)}`);
        }
    }
    return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: width,
        culprits: culprits.slice(0, 10),
    };
}"""


def header_contrast(page: Page) -> list[dict]:
    """Contrast ratio (WCAG) of the text of every link and button in the site header
    against the background it is drawn on."""
    return page.evaluate(CONTRAST_JS)


CONTRAST_JS = """() => {
    const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const channel = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element) => {
        for (let node = element; node; node = node.parentElement) {
            const color = rgba(getComputedStyle(node).backgroundColor);
            if (color.length === 3 || (color.length === 4 && color[3] >= 0.5)) return color;
        }
        return [255, 255, 255];
    };
    const result = [];
    for (const element of document.querySelectorAll(".site-header a, .site-header button")) {
        if (!element.offsetParent || !element.textContent.trim()) continue;
        const fg = luminance(rgba(getComputedStyle(element).color));
        const bg = luminance(background(element));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        result.push({text: element.textContent.trim(), ratio: Math.round(ratio * 100) / 100});
    }
    return result;
}"""
