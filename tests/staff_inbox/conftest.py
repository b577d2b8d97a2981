"""Fixtures of the inbox and control tests: the foundation's `flow` (an appeal driven to
any status through the services), a fixed clock, and a snapshot that also holds the
extension requests, to prove that a refusal changed nothing."""

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.appeals.conftest import Flow, take_snapshot
from vikno.appeals.models import Appeal, ExtensionRequest
from vikno.core.clock import travel

# 11:00 in Kyiv (winter time, UTC+2) on Monday 2 March 2026.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    """Freeze "now" at T0 for the whole test."""
    with travel(T0):
        yield T0


@pytest.fixture
def flow(world, clock) -> Flow:
    return Flow(world)


def snapshot(appeal: Appeal) -> dict[str, Any]:
    state = take_snapshot(appeal)
    state["extension_requests"] = list(ExtensionRequest.objects.values().order_by("id"))
    return state


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    """A real PNG image made with Pillow, as a phone camera would send (in PNG)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
