"""Error pages are in the site's style, lead home, and leak nothing."""

import pytest
from django.test import override_settings
from django.urls import path

from quizzes.urls import urlpatterns as app_patterns


def boom(request):
    raise RuntimeError("secret internals")


urlpatterns = [*app_patterns, path("boom", boom)]


@pytest.mark.django_db
def test_404_page_offers_a_way_home(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'href="/"' in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_500_page_leaks_nothing(client):
    client.raise_request_exception = False
    response = client.get("/boom")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html
    assert "Traceback" not in html
