"""Every response carries the site's Content Security Policy, written in one place."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.views.decorators.clickjacking import xframe_options_exempt

from quizzes import csp
from quizzes.urls import urlpatterns as app_patterns
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    return csp.directives(response["Content-Security-Policy"])


def boom(request):
    raise RuntimeError("secret internals")


@xframe_options_exempt
def frameable(request):
    return HttpResponse("ok")


def with_extra(request):
    response = HttpResponse("ok")
    csp.allow(response, "form-action", csp.origin("https://lms.example.org/return?x=1"))
    return response


urlpatterns = [
    *app_patterns,
    path("boom", boom),
    path("frameable", frameable),
    path("extra", with_extra),
]
handler500 = "quizzes.views.errors.server_error"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/no-such-page"])
def test_anonymous_pages_get_the_whole_policy(client, url):
    assert policy(client.get(url)) == EXPECTED


@pytest.mark.django_db
def test_signed_in_pages_and_the_api_get_it_too(client):
    client.force_login(f.StudentFactory())
    assert policy(client.get("/")) == EXPECTED
    assert policy(client.get("/api/v1/me/")) == EXPECTED
    assert policy(client.get("/api/docs/")) == EXPECTED


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_view_adds_a_source_for_its_own_response_only(client):
    assert policy(client.get("/extra"))["form-action"] == "'self' https://lms.example.org"
    assert policy(client.get("/"))["form-action"] == "'self'"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_view_exempt_from_x_frame_options_may_be_framed(client):
    response = client.get("/frameable")
    assert "X-Frame-Options" not in response
    assert "frame-ancestors" not in policy(response)
    assert policy(response)["script-src"] == "'self'"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_500_page_may_use_exactly_its_own_inline_styles(client):
    client.raise_request_exception = False
    response = client.get("/boom")
    assert response.status_code == 500
    html = response.content.decode()
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert policy(response)["style-src"] == f"'self' {csp.sha256_source(style)}"
    assert policy(client.get("/"))["style-src"] == "'self'"


def test_unknown_directives_are_refused():
    with pytest.raises(ValueError):
        csp.allow(HttpResponse(), "script-src-elem", "'unsafe-inline'")


def test_origin_of_urls():
    assert csp.origin("https://lms.example.org:8443/mod/lti/x.php?a=1") == (
        "https://lms.example.org:8443"
    )
    assert csp.origin("javascript:alert(1)") == ""
    assert csp.origin("/relative") == ""


TEMPLATE_HAZARDS = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style", re.I), "a <style> element"),
]
# The 500 page stands alone on purpose (its styles are allowed by hash, tested above).
STANDALONE = {"500.html"}


def test_no_template_needs_unsafe_inline():
    problems = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        name = str(template.relative_to(ROOT / "templates"))
        if name in STANDALONE:
            continue
        text = template.read_text()
        for pattern, what in TEMPLATE_HAZARDS:
            if pattern.search(text):
                problems.append(f"{name}: {what}")
    assert problems == []


def test_no_script_writes_style_attributes_or_evaluates_strings():
    problems = []
    for script in sorted((ROOT / "static" / "js").glob("*.js")):
        text = script.read_text()
        for pattern in (r"setAttribute\(\s*['\"]style", r"\beval\(", r"new Function\("):
            if re.search(pattern, text):
                problems.append(f"{script.name}: {pattern}")
    assert problems == []
