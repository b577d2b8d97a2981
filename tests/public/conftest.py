"""Fixtures of the public-site tests: a browser-like client and a valid filled-in form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes() -> bytes:
    """A real (tiny) PNG image, as a phone would send a photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), color=(200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def photo():
    return SimpleUploadedFile("yama.png", png_bytes(), content_type="image/png")


@pytest.fixture
def form_data(world):
    """What a resident types into /appeals/new, complete and valid."""
    return {
        "kind": "service_request",
        "category": world["no_water"].code,
        "address": "вул. Соборна, 10",
        "text": "Третій день немає холодної води в будинку.",
        "applicant_kind": "citizen",
        "name": "Олена Коваленко",
        "residence": "м. Вікно, вул. Соборна, 10, кв. 5",
        "phone": "067 111 22 33",
        "email": "olena@example.org",
        "consent": "on",
        "privilege_note": "",
        "website": "",
    }
