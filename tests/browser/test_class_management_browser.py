"""An instructor creates a class, copies its join link, adds a student, assigns a quiz with
dates (after one mistake) and gives the student an extension, at phone and desktop width."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Assignment, Classroom, Extension
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py


def _no_sideways_scroll(tab, name):
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the screen"


def _local(days: int) -> str:
    moment = timezone.localtime(timezone.now() + timedelta(days=days))
    return moment.strftime("%Y-%m-%dT17:00")


def _check(tab, axe_check, screenshot_dir, name):
    assert axe_check(tab) == [], name
    _no_sideways_scroll(tab, name)
    tab.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_instructor_runs_a_class(live_server, page, phone_page, screenshot_dir, axe_check, width):
    tab = phone_page if width == "phone" else page
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    f.InstructorFactory(username=f"asha-{width}", display_name="Asha Rao")
    f.StudentFactory(username=f"ben-{width}", display_name="Ben Ito")
    f.QuizFactory(owner=None, title="Psoas major: attachments")

    tab.goto(live_server.url + "/accounts/login/")
    tab.get_by_label("Username").fill(f"asha-{width}")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(live_server.url + "/")

    # Create the class from the home page.
    tab.get_by_role("link", name="Create a class").first.click()
    tab.get_by_role("button", name="Create the class").click()
    assert "Give the class a name" in tab.get_by_role("alert").inner_text()
    _check(tab, axe_check, screenshot_dir, f"class-create-errors-{width}")
    tab.get_by_label("Class name").fill("Spring 2026 teacher training")
    tab.get_by_label("Class name").press("Enter")
    classroom = Classroom.objects.get(name="Spring 2026 teacher training")
    tab.wait_for_url(f"{live_server.url}/classes/{classroom.pk}/")
    assert tab.locator("#join-code").inner_text() == classroom.join_code

    # Copy the join link.
    tab.get_by_role("button", name="Copy link").click()
    status = tab.locator("[data-copy-status]")
    status.filter(has_text="copied").wait_for()
    link = tab.evaluate("navigator.clipboard.readText()")
    assert link == f"{live_server.url}/classes/join/?code={classroom.join_code}"

    # A new code, after a confirmation page; the old one is gone from the page.
    old = classroom.join_code
    tab.get_by_role("link", name="Regenerate code").click()
    assert old in tab.locator("#confirm-text").inner_text()
    _check(tab, axe_check, screenshot_dir, f"class-code-confirm-{width}")
    tab.get_by_role("button", name="Regenerate the code").click()
    tab.wait_for_url(f"{live_server.url}/classes/{classroom.pk}/")
    classroom.refresh_from_db()
    assert classroom.join_code != old
    assert tab.locator("#join-code").inner_text() == classroom.join_code
    assert f"The old code {old} no longer works" in tab.get_by_role("status").first.inner_text()

    # Add a student who already has an account.
    tab.get_by_label("Student's username").fill(f"ben-{width}")
    tab.get_by_role("button", name="Add the student").click()
    assert "Ben Ito is now a student" in tab.get_by_role("status").first.inner_text()
    _check(tab, axe_check, screenshot_dir, f"class-page-{width}")

    # Assign a quiz, getting the dates the wrong way round first.
    tab.get_by_role("link", name="Assign a quiz").click()
    tab.get_by_label("Quiz", exact=True).select_option(label="Psoas major: attachments")
    tab.get_by_label("Opens (optional)").fill(_local(3))
    tab.get_by_label("Due (optional)").fill(_local(2))
    tab.get_by_role("button", name="Assign the quiz").click()
    due = tab.get_by_label("Due (optional)")
    assert due.get_attribute("aria-invalid") == "true"
    assert "must be after the opening date" in tab.get_by_role("alert").inner_text()
    _check(tab, axe_check, screenshot_dir, f"assignment-errors-{width}")
    due.fill(_local(10))
    tab.get_by_label("Closes (optional)").fill(_local(12))
    tab.get_by_role("button", name="Assign the quiz").click()
    tab.wait_for_url(f"{live_server.url}/classes/{classroom.pk}/#assignments-heading")
    assignment = Assignment.objects.get(classroom=classroom)

    # Give Ben two more days.
    tab.get_by_role("link", name="Psoas major: attachments", exact=True).click()
    tab.get_by_role("link", name="Give a student more time").click()
    tab.get_by_label("Student", exact=True).select_option(label=f"Ben Ito (ben-{width})")
    tab.get_by_label("New due date").fill(_local(12))
    tab.get_by_role("button", name="Save the extension").click()
    tab.wait_for_url(f"{live_server.url}/classes/{classroom.pk}/assignments/{assignment.pk}/")
    assert "Ben Ito has until" in tab.get_by_role("status").first.inner_text()
    assert tab.get_by_role("rowheader", name=f"Ben Ito ben-{width}").is_visible()
    _check(tab, axe_check, screenshot_dir, f"assignment-page-{width}")
    extension = Extension.objects.get()
    assert extension.student.username == f"ben-{width}"
    assert timezone.localtime(extension.due_at).strftime("%Y-%m-%dT%H:%M") == _local(12)

    # Everything on the way is reachable from the keyboard: the skip link, then the nav.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Skip to content"
