"""The refusal page an LMS shows in its frame: readable on a phone, accessible, frameable."""

import pytest

from quizzes.lti.launch import MISSING_TOKEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_refusal_page_reads_well_and_passes_axe(
    width, browser, live_server, screenshot_dir, axe_check
):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    response = page.goto(f"{live_server.url}/lti/launch/")
    assert response.status == 400
    assert "x-frame-options" not in response.headers
    assert page.get_by_role("heading", level=1).inner_text() == (
        "psoasquiz could not open from your learning platform"
    )
    assert MISSING_TOKEN.split(" (")[0] in page.get_by_role("alert").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_check(page) == []
    page.screenshot(path=str(screenshot_dir / f"lti-refusal-{width}.png"), full_page=True)
    context.close()
