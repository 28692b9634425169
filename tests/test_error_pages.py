"""Error pages are in the site's style, lead home, and leak nothing."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils.html import escape

from psoasquiz import urls as project_urls
from quizzes.urls import urlpatterns as app_patterns
from quizzes.views.errors import CSRF_FAILED, CSRF_FAILED_TITLE


def boom(request):
    raise RuntimeError("secret internals")


def suspicious(request):
    raise SuspiciousOperation("secret internals")


def denied(request):
    raise PermissionDenied("secret internals")


urlpatterns = [
    *app_patterns,
    path("boom", boom),
    path("suspicious", suspicious),
    path("denied", denied),
]
handler500 = project_urls.handler500


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


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/suspicious", 400, "That request could not be understood"),
        ("/denied", 403, "You do not have access to this page"),
        ("/no-such-page", 404, "We could not find that page"),
        ("/boom", 500, "Something went wrong on our side"),
    ],
)
def test_error_pages_without_debug_say_what_happened_and_nothing_more(client, url, status, heading):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert 'href="/"' in html
    for leak in ("secret internals", "Traceback", "SuspiciousOperation", "PermissionDenied"):
        assert leak not in html


def test_the_project_uses_the_500_handler_that_allows_its_styles():
    assert project_urls.handler500 == "quizzes.views.errors.server_error"


@pytest.mark.django_db
def test_a_csrf_failure_gets_a_friendly_page_with_a_way_back():
    client = Client(enforce_csrf_checks=True)
    form = client.get(reverse("login"))
    assert form.status_code == 200
    response = client.post(
        reverse("login"),
        {"username": "asha", "password": "x"},
        HTTP_REFERER="http://testserver/accounts/login/",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert escape(CSRF_FAILED_TITLE) in html
    assert escape(CSRF_FAILED) in html
    assert "open too long" in CSRF_FAILED and "cookies" in CSRF_FAILED
    assert 'href="http://testserver/accounts/login/"' in html
    assert 'href="/"' in html
    assert 'class="site-header"' in html, "in the site's style"
    assert "CSRF token" not in html, "Django's reason stays in the log"


@pytest.mark.django_db
def test_a_csrf_failure_never_links_back_to_another_site():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "a"}, HTTP_REFERER="https://evil.example/form"
    )
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
