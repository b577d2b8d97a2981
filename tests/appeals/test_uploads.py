"""Attachments: the kind is judged by content, size and count are limited, and a refused
batch writes nothing (no appeal, no rows, no files, no number)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import register_appeal
from vikno.appeals import services
from vikno.appeals.choices import AttachmentPurpose, EventKind
from vikno.appeals.models import Appeal, Attachment, NumberSequence
from vikno.appeals.uploads import check_uploads, sniff
from vikno.core.errors import InvalidTransition, ValidationFailed

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 100
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def register(flow, files):
    return register_appeal(actor=flow.operator, category=flow.world["no_water"], files=files)


def test_photos_and_pdf_are_accepted_by_their_content(flow, settings):
    appeal = register(
        flow,
        [
            upload("IMG_0001.JPG", JPEG),
            upload("screenshot.png", PNG),
            upload("довідка.pdf", PDF),
            upload("photo.webp", WEBP),
        ],
    )
    rows = list(
        Attachment.objects.filter(appeal=appeal)
        .order_by("id")
        .values_list("original_name", "content_type", "extension", "size", "purpose")
    )
    assert rows == [
        ("IMG_0001.JPG", "image/jpeg", ".jpg", len(JPEG), AttachmentPurpose.APPEAL),
        ("screenshot.png", "image/png", ".png", len(PNG), AttachmentPurpose.APPEAL),
        ("довідка.pdf", "application/pdf", ".pdf", len(PDF), AttachmentPurpose.APPEAL),
        ("photo.webp", "image/webp", ".webp", len(WEBP), AttachmentPurpose.APPEAL),
    ]
    files = stored_files(settings)
    assert len(files) == 4
    assert sorted(p.read_bytes() for p in files) == sorted([JPEG, PNG, PDF, WEBP])
    for attachment in appeal.attachments.all():
        # The stored name is a random token with the extension of the real kind, under the
        # appeal's number; the user's file name is not part of it.
        assert attachment.file.name.startswith(
            f"appeals/{appeal.received_at:%Y/%m}/{appeal.number}/"
        )
        assert attachment.file.name.endswith(attachment.token + attachment.extension)
        assert attachment.original_name.rsplit(".", 1)[0] not in attachment.file.name


def test_the_kind_comes_from_content_not_the_name(flow):
    appeal = register(flow, [upload("photo.pdf", PNG)])
    attachment = appeal.attachments.get()
    assert (attachment.content_type, attachment.extension) == ("image/png", ".png")


@pytest.mark.parametrize(
    "bad",
    [
        upload("photo.jpg", EXE),
        upload("scan.pdf", b"<html><script>alert(1)</script></html>"),
        upload("image.webp", b"XXXX\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 10),
        upload("empty.png", b""),
    ],
    ids=["renamed-exe", "html-as-pdf", "webp-without-riff", "empty"],
)
def test_other_content_is_refused_and_nothing_is_written(flow, settings, bad):
    with pytest.raises(ValidationFailed) as exc:
        register(flow, [upload("ok.jpg", JPEG), bad])
    assert exc.value.code == "validation_error"
    assert list(exc.value.fields) == ["files"]
    assert len(exc.value.fields["files"]) == 1
    assert Appeal.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert NumberSequence.objects.count() == 0
    assert stored_files(settings) == []


def test_size_limit_is_inclusive(flow, settings):
    settings.VIKNO_ATTACHMENTS = {**settings.VIKNO_ATTACHMENTS, "MAX_BYTES": len(JPEG)}
    with pytest.raises(ValidationFailed) as exc:
        register(flow, [upload("big.jpg", JPEG + b"\x00")])
    assert list(exc.value.fields) == ["files"]
    assert Appeal.objects.count() == 0
    assert stored_files(settings) == []

    appeal = register(flow, [upload("exact.jpg", JPEG)])
    assert appeal.attachments.get().size == len(JPEG)


def test_every_bad_file_is_named(flow, settings):
    settings.VIKNO_ATTACHMENTS = {**settings.VIKNO_ATTACHMENTS, "MAX_BYTES": 200}
    with pytest.raises(ValidationFailed) as exc:
        check_uploads([upload("a.exe", EXE), upload("b.jpg", JPEG * 3), upload("c.png", PNG)])
    messages = exc.value.fields["files"]
    assert len(messages) == 2
    assert "a.exe" in messages[0]
    assert "b.jpg" in messages[1]


def test_too_many_files_are_refused(flow, settings):
    limit = settings.VIKNO_ATTACHMENTS["MAX_FILES"]
    with pytest.raises(ValidationFailed) as exc:
        register(flow, [upload(f"{i}.jpg", JPEG) for i in range(limit + 1)])
    assert list(exc.value.fields) == ["files"]
    assert Appeal.objects.count() == 0
    assert stored_files(settings) == []

    appeal = register(flow, [upload(f"{i}.jpg", JPEG) for i in range(limit)])
    assert appeal.attachments.count() == limit


def test_attach_adds_files_and_an_event(flow, settings):
    appeal = flow.registered()
    stored = services.appeal_attach(
        actor=flow.operator, appeal=appeal, files=[upload("a.jpg", JPEG), upload("b.pdf", PDF)]
    )
    assert [a.content_type for a in stored] == ["image/jpeg", "application/pdf"]
    assert appeal.attachments.count() == 2
    event = appeal.events.order_by("-id").first()
    assert (event.kind, event.actor, event.data) == (
        EventKind.ATTACHMENT_ADDED,
        flow.operator,
        {"count": 2},
    )
    assert len(stored_files(settings)) == 2


def test_attach_counts_the_files_already_there(flow, settings, snapshot):
    limit = settings.VIKNO_ATTACHMENTS["MAX_FILES"]
    appeal = register(flow, [upload(f"{i}.jpg", JPEG) for i in range(limit - 1)])
    before, files_before = snapshot(appeal), stored_files(settings)
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_attach(
            actor=flow.operator, appeal=appeal, files=[upload("x.jpg", JPEG), upload("y.jpg", JPEG)]
        )
    assert list(exc.value.fields) == ["files"]
    assert snapshot(appeal) == before
    assert stored_files(settings) == files_before


def test_attach_refuses_a_bad_file_and_writes_nothing(flow, settings, snapshot):
    appeal = flow.registered()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed):
        services.appeal_attach(
            actor=flow.operator, appeal=appeal, files=[upload("a.jpg", JPEG), upload("b.jpg", EXE)]
        )
    assert snapshot(appeal) == before
    assert stored_files(settings) == []


def test_execution_report_carries_evidence(flow, settings):
    appeal = flow.in_work()
    services.appeal_report_execution(
        actor=flow.executor, appeal=appeal, report="Люк закрито.", files=[upload("after.jpg", JPEG)]
    )
    attachment = appeal.attachments.get()
    assert (attachment.purpose, attachment.uploaded_by) == (AttachmentPurpose.REPORT, flow.executor)
    assert appeal.events.order_by("-id").first().data["files"] == 1


def test_execution_report_with_a_bad_file_changes_nothing(flow, settings, snapshot):
    appeal = flow.in_work()
    before = snapshot(appeal)
    with pytest.raises(ValidationFailed):
        services.appeal_report_execution(
            actor=flow.executor, appeal=appeal, report="Люк закрито.", files=[upload("a.jpg", EXE)]
        )
    assert snapshot(appeal) == before
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (JPEG[:16], ("image/jpeg", ".jpg")),
        (PNG[:16], ("image/png", ".png")),
        (PDF[:16], ("application/pdf", ".pdf")),
        (WEBP[:16], ("image/webp", ".webp")),
        (EXE[:16], None),
        (b"GIF89a" + b"\x00" * 10, None),
        (b"", None),
    ],
)
def test_sniff(head, expected):
    assert sniff(head) == expected


@pytest.mark.parametrize("status", ["closed", "rejected", "merged", "forwarded_out"])
def test_files_are_not_attached_to_a_final_appeal(flow, settings, snapshot, status):
    appeal = flow.at(status)
    before = snapshot(appeal)
    with pytest.raises(InvalidTransition):
        services.appeal_attach(actor=flow.operator, appeal=appeal, files=[upload("a.jpg", JPEG)])
    assert snapshot(appeal) == before
    assert stored_files(settings) == []
