"""A newcomer's first minutes, in Debian's Chromium: the landing page, then logging in."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("load_banks", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    return live_server.url


def test_landing_page_at_desktop_and_phone_width(demo, page, phone_page, screenshot_dir):
    for tab, name in ((page, "desktop"), (phone_page, "phone")):
        tab.goto(demo + "/")
        assert tab.get_by_role("heading", level=1).inner_text().startswith("Know the psoas")
        # Nothing sticks out sideways on a phone.
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the screen"
        tab.screenshot(path=str(screenshot_dir / f"home-landing-{name}.png"), full_page=True)


def test_student_logs_in_with_the_keyboard_and_sees_assigned_quizzes(demo, page, screenshot_dir):
    page.goto(demo + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Username").fill("demo-student-1")
    page.get_by_label("Password").fill("psoas-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(demo + "/")
    assert page.get_by_role("heading", name="Assigned quizzes").is_visible()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    page.screenshot(path=str(screenshot_dir / "home-student.png"), full_page=True)


def test_wrong_password_is_explained_and_username_kept(demo, page):
    page.goto(demo + "/accounts/login/")
    page.get_by_label("Username").fill("demo-student-1")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username")
    assert page.get_by_label("Username").input_value() == "demo-student-1"


def test_instructor_sees_the_demo_class_and_the_bundled_banks(demo, page, screenshot_dir):
    page.goto(demo + "/accounts/login/")
    page.get_by_label("Username").fill("demo-instructor")
    page.get_by_label("Password").fill("psoas-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(demo + "/")
    assert page.get_by_text("PSOASDEMO").is_visible()
    assert page.get_by_role("heading", name="Question banks").is_visible()
    page.screenshot(path=str(screenshot_dir / "home-instructor.png"), full_page=True)
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("link", name="Log in").first.is_visible()
