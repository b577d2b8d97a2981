"""Checks of attached files: kind by content (not by name), size and count limits."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from vikno.core.errors import ValidationFailed

# Leading bytes of the formats Vikno accepts: photos and documents people send.
SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"WEBP", 8, "image/webp", ".webp"),
    (b"%PDF-", 0, "application/pdf", ".pdf"),
]


@dataclass
class CheckedUpload:
    file: UploadedFile
    name: str
    content_type: str
    extension: str
    size: int


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, offset, content_type, extension in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return content_type, extension
    return None


def check_uploads(files: Sequence[UploadedFile], *, already: int = 0) -> list[CheckedUpload]:
    """Refuse the whole batch if any file is of a wrong kind or too large, or if too many."""
    limits = settings.VIKNO_ATTACHMENTS
    files = [f for f in files if f]
    if already + len(files) > limits["MAX_FILES"]:
        msg = _("No more than %(n)d files can be attached to an appeal.") % {
            "n": limits["MAX_FILES"]
        }
        raise ValidationFailed(msg, fields={"files": [msg]})
    checked, errors = [], []
    for upload in files:
        name = (upload.name or "file").rsplit("/", 1)[-1][:200]
        if upload.size > limits["MAX_BYTES"]:
            errors.append(
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(limits["MAX_BYTES"])}
            )
            continue
        upload.seek(0)
        kind = sniff(upload.read(16))
        upload.seek(0)
        if kind is None:
            errors.append(
                _("%(name)s: only photos (JPEG, PNG, WebP) and PDF documents are accepted.")
                % {"name": name}
            )
            continue
        checked.append(CheckedUpload(upload, name, kind[0], kind[1], upload.size))
    if errors:
        raise ValidationFailed(errors[0], fields={"files": errors})
    return checked
