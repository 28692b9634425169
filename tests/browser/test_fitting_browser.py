"""An instructor fits the class's memory model from the class page and watches the progress
page follow the background fit to its end, at phone and desktop width."""

import re

import pytest

from quizzes.models import Classroom, ParameterFit
from tests import factories as f
from tests.optimizing_data import optimizer, store_reviews, synthetic_reviews  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py


def _check(tab, axe_check, screenshot_dir, name):
    assert axe_check(tab) == [], name
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the screen"
    tab.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)


@pytest.mark.usefixtures("optimizer")
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_instructor_fits_the_memory_model(
    live_server, page, phone_page, screenshot_dir, axe_check, width
):
    tab = phone_page if width == "phone" else page
    teacher = f.InstructorFactory(username=f"asha-{width}")
    classroom = f.ClassroomFactory(name="Spring cohort", instructors=[teacher])
    logs = synthetic_reviews(cards=80)
    store_reviews(classroom, logs)

    tab.goto(live_server.url + "/accounts/login/")
    tab.get_by_label("Username").fill(f"asha-{width}")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(live_server.url + "/")
    tab.goto(f"{live_server.url}/classes/{classroom.pk}/")
    panel = tab.locator(".memory-panel")
    assert "Default FSRS-6 parameters." in panel.inner_text()

    button = tab.get_by_role("button", name="Fit to this class's reviews")
    button.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/memory/fits/\d+/$"))
    fit = ParameterFit.objects.get(classroom=classroom)
    bar = tab.locator("progress#fit-progress")
    assert bar.is_visible()
    # With JavaScript the page follows the fit by itself; the Refresh link is for pages without.
    assert not tab.get_by_role("link", name="Refresh").is_visible()
    _check(tab, axe_check, screenshot_dir, f"fit-progress-{width}")

    # The script polls every 2 s and reloads the page when the fit ends.
    tab.locator("[data-fit-status] .tag", has_text="Fitted").wait_for(timeout=120_000)
    fit.refresh_from_db()
    assert fit.status == "done" and bar.get_attribute("value") == "100"
    assert "log loss, defaults → fitted" in tab.locator("dl.facts").inner_text().lower()
    _check(tab, axe_check, screenshot_dir, f"fit-done-{width}")

    tab.get_by_role("link", name="Back to Spring cohort").click()
    tab.wait_for_url(re.compile(rf"/classes/{classroom.pk}/"))
    text = tab.locator(".memory-panel").inner_text()
    assert f"from {len(logs):,} reviews; log loss" in text
    assert Classroom.objects.get(pk=classroom.pk).fsrs_parameters == fit.parameters
    _check(tab, axe_check, screenshot_dir, f"fit-class-page-{width}")
