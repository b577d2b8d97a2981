"""The interface is Ukrainian first, whatever language the browser prefers."""

import pytest


@pytest.mark.django_db
def test_english_browser_still_gets_ukrainian(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="uk">' in response.content.decode()


@pytest.mark.django_db
def test_chosen_language_is_kept(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_unknown_page_is_a_ukrainian_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="uk">' in response.content.decode()
