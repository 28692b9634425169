"""The class reports in Debian's Chromium: an instructor opens each one with data, at phone and
desktop width; axe finds nothing serious and the page never scrolls sideways (wide tables scroll
inside their own box)."""

import pytest

from tests.test_class_reports import build_class

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery"


def log_in(tab, base, username):
    tab.goto(base + "/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(base + "/")


def sideways_scroll(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_reports_with_data_at_phone_and_desktop_width(
    live_server, page, phone_page, screenshot_dir, axe_check
):
    cls = build_class()
    base = live_server.url
    pk = cls.classroom.pk
    reports = [
        ("class", f"/classes/{pk}/reports/", "Reports: Spring cohort"),
        ("quiz", f"/classes/{pk}/quizzes/{cls.a1.quiz_id}/report/", "Anatomy check: quiz report"),
        ("mastery", f"/classes/{pk}/reports/mastery/", "Topic mastery: Spring cohort"),
        ("myths", f"/classes/{pk}/reports/myths/", "Myths the class still picks: Spring cohort"),
    ]
    for tab, width in ((page, "1280"), (phone_page, "375")):
        log_in(tab, base, cls.instructor.username)
        # The class page leads to the reports.
        tab.goto(f"{base}/classes/{pk}/")
        tab.get_by_role("region", name="Reports").get_by_role("link", name="Students").click()
        tab.wait_for_url(f"{base}/classes/{pk}/reports/")
        for name, path, heading in reports:
            tab.goto(base + path)
            assert tab.get_by_role("heading", level=1).inner_text() == heading
            breadcrumb = tab.get_by_role("navigation", name="Breadcrumb")
            assert breadcrumb.get_by_role("link", name="Spring cohort").is_visible()
            assert sideways_scroll(tab) <= 0, f"{name} at {width}px scrolls sideways"
            tab.screenshot(path=str(screenshot_dir / f"reports-{name}-{width}.png"), full_page=True)
            assert axe_check(tab) == [], f"{name} at {width}px"
        # The at-risk list names the reasons.
        tab.goto(base + reports[0][1])
        risk = tab.get_by_role("region", name="Students to check on (3)")
        assert "failed Anatomy check (50%; pass mark 70%)" in risk.inner_text()
        # The quiz report's histogram has a text alternative and a table.
        tab.goto(base + reports[1][1])
        assert tab.get_by_role("img", name="Scores of the counted attempts").is_visible()
        tab.get_by_text("Show as a table").focus()
        tab.keyboard.press("Enter")
        assert tab.get_by_role("table", name="Scores of the counted attempts").is_visible()
        tab.get_by_text("What the columns mean").click()
        assert sideways_scroll(tab) <= 0
        tab.screenshot(path=str(screenshot_dir / f"reports-quiz-open-{width}.png"), full_page=True)
        assert axe_check(tab) == []
        # The myth trend is an image with a name, and its weeks open as text.
        tab.goto(base + reports[3][1])
        assert tab.get_by_role("img", name="Share choosing").first.is_visible()
