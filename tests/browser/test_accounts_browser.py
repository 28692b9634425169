"""A newcomer signs up, joins the demo class from a shared link, and lands on their home page,
at phone and desktop width, with the keyboard only where it matters."""

from io import StringIO

import pytest
from django.core.management import call_command

from quizzes.services.demo import DEMO_CLASS_NAME, DEMO_JOIN_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("load_banks", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    return live_server.url


def _no_sideways_scroll(tab, name):
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the screen"


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_sign_up_from_a_join_link_then_join_and_see_the_class(
    demo, page, phone_page, screenshot_dir, axe_check, width
):
    tab = phone_page if width == "phone" else page
    # An instructor shares a link with the code; the visitor has no account yet.
    tab.goto(f"{demo}/classes/join/?code=psoas-demo")
    assert "/accounts/login/" in tab.url
    tab.get_by_role("link", name="Sign up").last.click()
    assert tab.get_by_role("heading", level=1).inner_text() == "Create your student account"

    # A mistake first: a password that is too short.
    tab.get_by_label("Username").fill(f"newcomer-{width}")
    tab.get_by_label("Your name (optional)").fill("Nia Okafor")
    tab.get_by_label("Password", exact=True).fill("short")
    tab.get_by_label("Password again").fill("short")
    tab.get_by_role("button", name="Sign up").click()
    summary = tab.get_by_role("alert")
    assert "too short" in summary.inner_text()
    assert tab.get_by_label("Your name (optional)").input_value() == "Nia Okafor"
    assert tab.get_by_label("Password", exact=True).input_value() == ""
    assert axe_check(tab) == []
    _no_sideways_scroll(tab, "signup with errors")
    tab.screenshot(path=str(screenshot_dir / f"signup-errors-{width}.png"), full_page=True)

    tab.get_by_label("Password", exact=True).fill("lesser-trochanter-9")
    tab.get_by_label("Password again").fill("lesser-trochanter-9")
    tab.get_by_label("Password again").press("Enter")

    # Back on the join page, with the code from the link already filled in.
    tab.wait_for_url(f"{demo}/classes/join/?code=psoas-demo")
    code = tab.get_by_label("Join code")
    assert code.input_value() == "psoas-demo"
    assert axe_check(tab) == []
    _no_sideways_scroll(tab, "join")
    tab.screenshot(path=str(screenshot_dir / f"join-{width}.png"), full_page=True)
    code.press("Enter")

    tab.wait_for_url(f"{demo}/")
    assert DEMO_CLASS_NAME in tab.get_by_role("status").inner_text()
    assert tab.get_by_role("heading", name="Assigned quizzes").is_visible()
    assert tab.get_by_role("link", name="Join a class").first.is_visible()
    assert axe_check(tab) == []
    _no_sideways_scroll(tab, "student home")
    tab.screenshot(path=str(screenshot_dir / f"home-student-joined-{width}.png"), full_page=True)


def test_a_wrong_code_is_explained_and_kept(demo, phone_page, screenshot_dir, axe_check):
    tab = phone_page
    tab.goto(demo + "/accounts/login/")
    tab.get_by_label("Username").fill("demo-student-1")
    tab.get_by_label("Password").fill("psoas-demo")
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(demo + "/")
    tab.get_by_role("link", name="Join a class").first.click()
    tab.get_by_label("Join code").fill("psoas-dem0")
    tab.get_by_role("button", name="Join the class").click()
    assert "No class has the code PSOASDEM0" in tab.locator("#id_code_error").inner_text()
    assert tab.get_by_label("Join code").input_value() == "psoas-dem0"
    assert axe_check(tab) == []
    tab.screenshot(path=str(screenshot_dir / "join-error-phone.png"), full_page=True)
    tab.get_by_label("Join code").fill(DEMO_JOIN_CODE)
    tab.get_by_role("button", name="Join the class").click()
    tab.wait_for_url(demo + "/")
    assert f"You are already in {DEMO_CLASS_NAME}" in tab.get_by_role("status").inner_text()


def test_empty_home_for_a_student_without_a_class(demo, page, phone_page, screenshot_dir):
    for tab, width in ((page, "desktop"), (phone_page, "phone")):
        tab.goto(demo + "/accounts/signup/")
        tab.get_by_label("Username").fill(f"lonely-{width}")
        tab.get_by_label("Password", exact=True).fill("lesser-trochanter-9")
        tab.get_by_label("Password again").fill("lesser-trochanter-9")
        tab.get_by_role("button", name="Sign up").click()
        tab.wait_for_url(demo + "/classes/join/")
        tab.goto(demo + "/")
        assert tab.get_by_text("You are not in a class yet.").is_visible()
        _no_sideways_scroll(tab, f"empty home {width}")
        tab.screenshot(path=str(screenshot_dir / f"home-student-empty-{width}.png"), full_page=True)


def test_demo_student_home_at_both_widths(demo, page, phone_page, screenshot_dir, axe_check):
    for tab, width in ((page, "desktop"), (phone_page, "phone")):
        tab.goto(demo + "/accounts/login/")
        tab.get_by_label("Username").fill("demo-student-2")
        tab.get_by_label("Password").fill("psoas-demo")
        tab.get_by_role("button", name="Log in").click()
        tab.wait_for_url(demo + "/")
        assert axe_check(tab) == []
        _no_sideways_scroll(tab, f"home {width}")
        tab.screenshot(path=str(screenshot_dir / f"home-student-demo-{width}.png"), full_page=True)
