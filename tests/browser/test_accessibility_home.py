"""axe-core on the pages everyone sees first: no serious or critical violations."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("load_banks", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    return live_server.url


def _log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("psoas-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def test_axe_finds_nothing_serious_on_the_landing_login_and_home_pages(demo, page, axe_check):
    problems = {}
    for path in ("/", "/accounts/login/"):
        page.goto(demo + path)
        problems[path] = axe_check(page)
    _log_in(page, demo, "demo-student-1")
    problems["student home"] = axe_check(page)
    assert problems == {path: [] for path in problems}


def test_axe_check_does_catch_a_serious_violation(demo, page, axe_check):
    # Guard against a check that cannot fail: an unlabelled input is a serious violation.
    page.goto(demo + "/")
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    assert any(p.startswith("label") for p in axe_check(page))
