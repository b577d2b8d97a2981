"""The public form /appeals/new: what it offers, what it registers, what it refuses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import CategoryFactory
from vikno.appeals.choices import Channel, Kind, Priority, Status
from vikno.appeals.models import Appeal, Applicant, Attachment
from vikno.core.errors import ValidationFailed
from vikno.public.views import SESSION_KEY

NEW = "/appeals/new"


def post(client, data, files=()):
    payload = dict(data)
    if files:
        payload["files"] = list(files)
    return client.post(NEW, payload)


def nothing_registered():
    return (Appeal.objects.count(), Applicant.objects.count(), Attachment.objects.count()) == (
        0,
        0,
        0,
    )


# --- the pages --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", NEW, "/track/"])
def test_public_pages_open(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b'<html lang="uk">' in response.content


def test_category_picker_lists_active_leaves_grouped_by_branch(client, world):
    CategoryFactory(
        code="old-leaf", name="Застаріла категорія", parent=world["housing"], is_active=False
    )
    response = client.get(NEW)
    html = response.content.decode()
    assert '<optgroup label="Житлово-комунальне господарство › Водопостачання">' in html
    assert '<option value="no-cold-water">Відсутність холодної води</option>' in html
    assert '<option value="pothole">Яма на дорозі</option>' in html
    # Branches are not choosable, nor are retired categories.
    assert 'value="housing"' not in html
    assert 'value="water"' not in html
    assert 'value="old-leaf"' not in html
    groups = response.context["form"].categories.groups
    assert groups[0][0] == "Житлово-комунальне господарство › Водопостачання"
    assert groups[0][1] == [("no-cold-water", "Відсутність холодної води")]
    assert groups[-1][1] == [("pothole", "Яма на дорозі")]


def test_form_is_accessible_markup(client, world):
    html = client.get(NEW).content.decode()
    assert '<legend class="field__label">' in html  # the kind radios sit in a fieldset
    for value in Kind.values:
        assert f'value="{value}"' in html
    assert '<label class="field__label" for="id_text">' in html
    assert 'aria-describedby="id_text_helptext"' in html
    assert 'accept="image/jpeg,image/png,image/webp,application/pdf' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "django_htmx/htmx-2.min.js" in html
    assert "js/vikno-public.js" in html


# --- a successful filing ---------------------------------------------------------------


def test_full_submit_with_photo_registers_one_web_appeal(client, world, form_data, photo):
    response = post(client, form_data, [photo])

    assert response.status_code == 302
    assert response["Location"] == reverse("public:appeal_registered")
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WEB
    assert appeal.kind == Kind.SERVICE_REQUEST
    assert appeal.status == Status.REGISTERED
    assert appeal.category == world["no_water"]
    assert appeal.created_by is None
    assert appeal.text == "Третій день немає холодної води в будинку."
    assert appeal.address == "вул. Соборна, 10"
    assert appeal.priority == Priority.NORMAL
    applicant = appeal.applicant
    assert (applicant.kind, applicant.name, applicant.phone, applicant.email) == (
        "citizen",
        "Олена Коваленко",
        "+380671112233",
        "olena@example.org",
    )
    assert applicant.address == "м. Вікно, вул. Соборна, 10, кв. 5"
    assert applicant.consent_at is not None
    attachment = Attachment.objects.get()
    assert attachment.appeal == appeal
    assert (attachment.content_type, attachment.extension, attachment.original_name) == (
        "image/png",
        ".png",
        "yama.png",
    )
    assert attachment.file.read()[:8] == b"\x89PNG\r\n\x1a\n"

    page = client.get(response["Location"])
    assert page.status_code == 200
    link = f"http://testserver/track/{appeal.tracking_token}"
    assert appeal.number in page.content.decode()
    assert f'value="{link}"' in page.content.decode()
    assert f'href="{link}"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    # Refreshing the page after the redirect registers nothing new.
    assert client.get(response["Location"]).status_code == 200
    assert Appeal.objects.count() == 1


def test_privileged_applicant_is_heard_first(client, world, form_data):
    form_data.update(is_privileged="on", privilege_note="особа з інвалідністю I групи")
    assert post(client, form_data).status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.priority == Priority.PRIVILEGED
    assert appeal.applicant.is_privileged is True
    assert appeal.applicant.privilege_note == "особа з інвалідністю I групи"


def test_service_request_needs_no_place_of_residence(client, world, form_data):
    form_data["residence"] = ""
    assert post(client, form_data).status_code == 302
    assert Appeal.objects.get().applicant.address == ""


def test_registered_page_without_a_filing_sends_to_lookup(client, world):
    response = client.get(reverse("public:appeal_registered"))
    assert response.status_code == 302
    assert response["Location"] == "/track/"


# --- refusals: nothing is registered ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("consent", None), ("text", "   "), ("category", ""), ("name", ""), ("kind", None)],
)
def test_missing_required_field_is_refused(client, world, form_data, field, value):
    if value is None:
        del form_data[field]
    else:
        form_data[field] = value
    response = post(client, form_data)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert nothing_registered()
    html = response.content.decode()
    anchor = "id_kind_0" if field == "kind" else f"id_{field}"
    assert f'<a href="#{anchor}">' in html  # the summary links to the field
    assert f'id="id_{field}_error"' in html
    # What was typed is kept.
    if field != "text":
        assert "Третій день немає холодної води в будинку." in html
    if field != "name":
        assert 'value="Олена Коваленко"' in html


def test_unknown_category_is_refused(client, world, form_data):
    form_data["category"] = "housing"  # a branch, not a leaf
    response = post(client, form_data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["category"]
    assert nothing_registered()


def test_residence_is_required_except_for_service_requests(client, world, form_data):
    form_data.update(kind="complaint", residence="")
    response = post(client, form_data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["residence"]
    assert nothing_registered()


def test_a_means_of_reply_is_required(client, world, form_data):
    form_data.update(phone="", email="")
    response = post(client, form_data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phone"]
    assert nothing_registered()


@pytest.mark.parametrize(("field", "value"), [("phone", "12-34"), ("email", "olena-at-example")])
def test_malformed_contacts_are_refused(client, world, form_data, field, value):
    form_data[field] = value
    response = post(client, form_data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert nothing_registered()


def test_privilege_needs_its_ground(client, world, form_data):
    form_data["is_privileged"] = "on"
    response = post(client, form_data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["privilege_note"]
    assert nothing_registered()


def test_program_renamed_as_photo_is_refused(client, world, form_data, photo):
    program = SimpleUploadedFile(
        "photo.jpg",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 8,
        content_type="image/jpeg",
    )
    response = post(client, form_data, [photo, program])

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["files"]
    assert errors["files"][0].startswith("photo.jpg")
    assert response.context["files_lost"] is True
    assert nothing_registered()


def test_too_many_files_are_refused(client, world, form_data, settings, photo):
    settings.VIKNO_ATTACHMENTS = {**settings.VIKNO_ATTACHMENTS, "MAX_FILES": 1}
    second = SimpleUploadedFile("second.png", photo.read(), content_type="image/png")
    photo.seek(0)
    response = post(client, form_data, [photo, second])
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["files"]
    assert nothing_registered()


def test_filled_honeypot_registers_nothing(client, world, form_data):
    form_data["website"] = "http://spam.example"
    response = post(client, form_data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["__all__"]
    assert form.errors.as_data()["__all__"][0].code == "honeypot"
    assert nothing_registered()
    # The trap is not echoed back, so a person whose browser filled it can send again.
    assert "spam.example" not in response.content.decode()
    assert '<input type="text" name="website" id="id_website" value=""' in response.content.decode()


def test_service_refusal_is_shown_next_to_the_fields(client, world, form_data, monkeypatch):
    def refuse(**kwargs):
        raise ValidationFailed(
            "not registered",
            fields={
                "applicant.consent": ["Потрібна згода."],
                "files": ["Файл пошкоджено."],
                "latitude": ["Координати неповні."],
            },
        )

    monkeypatch.setattr("vikno.public.views.appeal_register", refuse)
    response = post(client, form_data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["consent"] == ["Потрібна згода."]
    assert errors["files"] == ["Файл пошкоджено."]
    assert errors["__all__"] == ["Координати неповні."]
    assert nothing_registered()
    assert SESSION_KEY not in client.session


def test_post_without_csrf_token_is_refused(world, form_data):
    client = Client(enforce_csrf_checks=True)
    response = post(client, form_data)
    assert response.status_code == 403
    assert nothing_registered()
