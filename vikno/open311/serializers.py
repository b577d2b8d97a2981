"""Open311 GeoReport v2 documents as plain dicts, rendered to JSON or to the spec's XML."""

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

from vikno.appeals.choices import OPEN_STATUSES
from vikno.appeals.models import Appeal, AppealEvent
from vikno.reference.models import Category

CONTENT_TYPES = {"json": "application/json", "xml": "text/xml; charset=utf-8"}


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the local offset, as the spec wants (2026-11-23T10:15:00+02:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def service_doc(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": False,
        "type": "realtime",
        "keywords": category.parent.code if category.parent else None,
        "group": category.parent.name if category.parent else None,
    }


def request_doc(appeal: Appeal) -> dict[str, Any]:
    """One appeal as a GeoReport request: nothing about the applicant."""
    closed = appeal.status not in OPEN_STATUSES
    return {
        "service_request_id": appeal.number,
        "status": "closed" if closed else "open",
        "status_notes": appeal.answer or None,
        "service_name": appeal.category.name,
        "service_code": appeal.category.code,
        "description": appeal.text[:4000],
        "agency_responsible": appeal.executor.name if appeal.executor else None,
        "service_notice": None,
        "requested_datetime": iso(appeal.received_at),
        "updated_datetime": iso(
            appeal.closed_at if closed and appeal.closed_at else appeal.updated_at
        ),
        "expected_datetime": iso(appeal.due_at),
        "address": appeal.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": float(appeal.latitude) if appeal.latitude is not None else None,
        "long": float(appeal.longitude) if appeal.longitude is not None else None,
        "media_url": None,
    }


def update_doc(event: AppealEvent) -> dict[str, Any]:
    """A public step of an appeal (mySociety's servicerequestupdates): no names, no comments."""
    status = event.to_status or event.appeal.status
    return {
        "update_id": str(event.pk),
        "service_request_id": event.appeal.number,
        "status": "open" if status in OPEN_STATUSES else "closed",
        "updated_datetime": iso(event.created_at),
        "description": str(event.get_kind_display()),
        "media_url": None,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, doc: dict[str, Any]) -> None:
    for key, value in doc.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            # A list is written as repeated elements named after its singular item.
            item_name = key[:-1] if key.endswith("s") else "item"
            for item in value:
                node = ET.SubElement(child, item_name)
                if isinstance(item, dict):
                    _fill(node, item)
                else:
                    node.text = _text(item)
        else:
            child.text = _text(value)


def to_xml(root: str, item: str | None, payload: Any) -> bytes:
    """`<root><item>…</item>…</root>` for a list, `<root>…</root>` for one document."""
    element = ET.Element(root)
    if item is None:
        _fill(element, payload)
    else:
        for doc in payload:
            _fill(ET.SubElement(element, item), doc)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def render(
    fmt: str, payload: Any, *, root: str, item: str | None, status: int = 200
) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(root, item, payload)
    else:
        body = json.dumps(payload, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_error(fmt: str, status: int, messages: Iterable[str]) -> HttpResponse:
    errors = [{"code": status, "description": message} for message in messages]
    return render(fmt, errors, root="errors", item="error", status=status)
