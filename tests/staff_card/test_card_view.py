"""The appeal card: who sees it, what it shows, masking and the personal-data access log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.staff_card.conftest import png_bytes, url
from vikno.appeals import services
from vikno.appeals.models import AppealEvent
from vikno.privacy.models import AccessRecord

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("operator", 200),
        ("supervisor", 200),
        ("administrator", 200),
        ("analyst", 200),
        ("executor", 200),  # the water utility's executor: its assignment
        ("roads_executor", 404),  # another organization
        ("city_head", 200),  # the water utility is under the city
        ("water_head", 200),
    ],
)
def test_card_visible_by_role_and_scope(client, card_world, forwarded, username, status):
    client.force_login(card_world["users"][username])
    response = client.get(url(forwarded))
    assert response.status_code == status


def test_card_of_an_unforwarded_appeal_is_404_to_executors(client, card_world, registered):
    client.force_login(card_world["users"]["executor"])
    assert client.get(url(registered)).status_code == 404


def test_card_needs_sign_in(client, card_world, registered):
    response = client.get(url(registered))
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_unknown_number_is_404(client, card_world):
    client.force_login(card_world["users"]["operator"])
    assert client.get("/staff/appeals/2026-9999999/").status_code == 404


def test_card_shows_the_fields(client, card_world, forwarded):
    client.force_login(card_world["users"]["operator"])
    html = client.get(url(forwarded)).content.decode()
    assert forwarded.number in html
    assert "Житлово-комунальне господарство › Водопостачання › Відсутність холодної води" in html
    assert "вул. Соборна, 10" in html
    assert "Третій день немає холодної води в будинку." in html
    assert "КП «Водоканал»" in html
    assert 'class="due due--' in html


def test_applicant_is_masked_by_default_and_opening_is_logged(client, card_world, registered):
    operator = card_world["users"]["operator"]
    client.force_login(operator)
    html = client.get(url(registered)).content.decode()
    assert "+380 67 *** ** 33" in html
    assert "o***@example.org" in html
    assert "О. К." in html
    for secret in ("+380671112233", "olena@example.org", "Олена Коваленко", "кв. 5"):
        assert secret not in html
    records = list(
        AccessRecord.objects.values_list("actor_id", "applicant_id", "appeal_id", "what")
    )
    assert records == [(operator.pk, registered.applicant_id, registered.pk, "card_opened")]


def test_unmask_shows_contacts_and_writes_one_record_with_the_reason(
    client, card_world, registered
):
    operator = card_world["users"]["operator"]
    client.force_login(operator)
    response = client.post(
        url(registered, "contacts/"),
        {"reason": "Дзвінок заявниці щодо уточнення адреси"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "+380671112233" in html
    assert "olena@example.org" in html
    assert "Олена Коваленко" in html
    assert list(AccessRecord.objects.values_list("actor_id", "applicant_id", "what", "reason")) == [
        (
            operator.pk,
            registered.applicant_id,
            "contact_unmasked",
            "Дзвінок заявниці щодо уточнення адреси",
        )
    ]


def test_unmask_without_a_reason_is_refused_and_logs_nothing(client, card_world, registered):
    client.force_login(card_world["users"]["operator"])
    response = client.post(url(registered, "contacts/"), {"reason": "  "})
    assert response.status_code == 400
    assert "+380671112233" not in response.content.decode()
    assert AccessRecord.objects.filter(what="contact_unmasked").count() == 0


def test_analyst_sees_no_name_nor_contacts_and_cannot_unmask(client, card_world, forwarded):
    client.force_login(card_world["users"]["analyst"])
    html = client.get(url(forwarded)).content.decode()
    for shown in ("+380 67 *** ** 33", "o***@example.org", "О. К.", "Олена Коваленко"):
        assert shown not in html
    assert url(forwarded, "contacts/") not in html
    assert AccessRecord.objects.count() == 0
    response = client.post(url(forwarded, "contacts/"), {"reason": "цікаво"})
    assert response.status_code == 404
    assert AccessRecord.objects.count() == 0


def test_supervisor_sees_masked_contacts_and_the_opening_is_logged(client, card_world, forwarded):
    client.force_login(card_world["users"]["water_head"])
    html = client.get(url(forwarded)).content.decode()
    assert "+380 67 *** ** 33" in html
    assert "+380671112233" not in html
    assert AccessRecord.objects.filter(what="card_opened").count() == 1


def test_attachment_is_served_only_with_card_access(client, card_world, forwarded):
    stored = services.appeal_attach(
        actor=card_world["users"]["operator"],
        appeal=forwarded,
        files=[SimpleUploadedFile("фото.png", png_bytes(), content_type="image/png")],
    )[0]
    file_url = url(forwarded, f"files/{stored.token}")

    client.force_login(card_world["users"]["roads_executor"])
    assert client.get(file_url).status_code == 404

    client.force_login(card_world["users"]["executor"])
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    html = client.get(url(forwarded)).content.decode()
    assert f'src="{file_url}" loading="lazy"' in html

    assert client.get(url(forwarded, "files/nosuchtoken")).status_code == 404


def test_history_shows_every_event_with_actor_and_status_change(client, card_world, forwarded):
    client.force_login(card_world["users"]["operator"])
    html = client.get(url(forwarded)).content.decode()
    kinds = list(forwarded.events.values_list("kind", flat=True))
    assert kinds == ["registered", "preprocessed", "forwarded"]
    for kind in kinds:
        assert f"timeline__item--{kind}" in html
    assert html.count(str(card_world["users"]["operator"])) >= 3


def test_card_page_query_count_is_bounded(
    client, card_world, forwarded, django_assert_max_num_queries
):
    operator = card_world["users"]["operator"]
    client.force_login(operator)
    client.get(url(forwarded))  # warm the session and the content types
    with django_assert_max_num_queries(30) as small:
        client.get(url(forwarded))
    for i in range(15):
        services.appeal_note_add(actor=operator, appeal=forwarded, text=f"нотатка {i}")
    services.appeal_attach(
        actor=operator,
        appeal=forwarded,
        files=[SimpleUploadedFile(f"{i}.png", png_bytes()) for i in range(3)],
    )
    assert AppealEvent.objects.filter(appeal=forwarded).count() == 19
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(forwarded))


def test_pdf_is_a_link_and_images_are_lazy_thumbnails(client, card_world, forwarded):
    operator = card_world["users"]["operator"]
    pdf, image = services.appeal_attach(
        actor=operator,
        appeal=forwarded,
        files=[
            SimpleUploadedFile("акт.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
            SimpleUploadedFile("фото.png", png_bytes(), content_type="image/png"),
        ],
    )
    client.force_login(operator)
    html = client.get(url(forwarded)).content.decode()
    pdf_url = url(forwarded, f"files/{pdf.token}")
    image_url = url(forwarded, f"files/{image.token}")
    assert f'<a href="{pdf_url}" class="attachment__doc">акт.pdf</a>' in html
    assert f'<img src="{pdf_url}"' not in html
    assert f'<img src="{image_url}" loading="lazy"' in html
    response = client.get(pdf_url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Cache-Control"] == "private, max-age=3600"
