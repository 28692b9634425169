"""The progress page in Debian's Chromium, with data and empty, at phone and desktop width."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    CardStateFactory,
    ClassroomFactory,
    EnrollmentFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuizItemFactory,
    ReviewLogFactory,
    StudentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery"


def seed_progress(student, *, exam_in_days=45):
    """A fortnight of study over four topics: cards at several strengths, a streak, a leech."""
    now = timezone.now()
    today = now.astimezone(UTC).date()
    classroom = ClassroomFactory(
        name="Spring cohort", exam_date=today + timedelta(days=exam_in_days)
    )
    EnrollmentFactory(classroom=classroom, student=student)
    assignment = AssignmentFactory(classroom=classroom)
    plan = {"anatomy": (12, 9), "actions": (10, 6), "myths": (8, 7), "teaching": (6, 1)}
    n = 0
    for topic, (size, studied) in plan.items():
        bank = QuestionBankFactory(topic=topic)
        questions = [QuestionFactory(bank=bank) for _ in range(size)]
        QuizItemFactory(quiz=assignment.quiz, question=questions[0])
        for question in questions[:studied]:
            n += 1
            card = CardStateFactory(
                student=student,
                question=question,
                phase="review",
                stability=1.5 + (n * 7) % 30,
                difficulty=5.0,
                last_review=now - timedelta(days=n % 6),
                due=now + timedelta(days=(n * 5) % 28 - 2),
                reps=3,
                is_leech=n == 3,
            )
            for back in range(n % 4 + 1):
                ReviewLogFactory(
                    card=card,
                    rating=1 if (n + back) % 7 == 0 else 3,
                    phase_before="review",
                    reviewed_at=now - timedelta(days=back, hours=1),
                )


def log_in(tab, base, username):
    tab.goto(base + "/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(base + "/")


def no_sideways_scroll(tab):
    return tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_progress_with_data_at_desktop_and_phone_width(
    live_server, page, phone_page, screenshot_dir, axe_check
):
    student = StudentFactory(username="progress-student")
    seed_progress(student)
    for tab, name in ((page, "desktop"), (phone_page, "phone")):
        log_in(tab, live_server.url, student.username)
        tab.get_by_role("link", name="Progress").click()
        tab.wait_for_url(live_server.url + "/progress/")
        assert tab.get_by_role("heading", level=1).inner_text() == "Your progress"
        assert tab.get_by_role("img", name="Mastery by topic").is_visible()
        assert tab.get_by_role("img", name="Cards due each day for the next 30 days").is_visible()
        assert no_sideways_scroll(tab) <= 0, f"{name}: wider than the screen"
        tab.screenshot(path=str(screenshot_dir / f"progress-{name}.png"), full_page=True)
        for i, figure in enumerate(("mastery", "forecast")):
            tab.locator("figure.chart svg").nth(i).screenshot(
                path=str(screenshot_dir / f"progress-{name}-{figure}.png")
            )
        # The table alternatives open from the keyboard.
        summary = tab.get_by_text("Show as a table").first
        summary.focus()
        tab.keyboard.press("Enter")
        assert tab.get_by_role("table", name="Mastery by topic").is_visible()
        assert no_sideways_scroll(tab) <= 0, f"{name}: table wider than the screen"
        tab.screenshot(path=str(screenshot_dir / f"progress-{name}-table.png"), full_page=True)
        assert axe_check(tab) == []


def test_empty_progress_and_exam_date_form(live_server, page, phone_page, screenshot_dir):
    StudentFactory(username="new-student")
    for tab, name in ((page, "desktop"), (phone_page, "phone")):
        log_in(tab, live_server.url, "new-student")
        tab.goto(live_server.url + "/progress/")
        assert tab.get_by_role("heading", name="Nothing to measure yet").is_visible()
        assert no_sideways_scroll(tab) <= 0, f"{name}: wider than the screen"
        tab.screenshot(path=str(screenshot_dir / f"progress-empty-{name}.png"), full_page=True)
    # A date in the past is refused next to the field, with the keyboard only.
    tab = phone_page
    field = tab.get_by_label("Your exam date")
    field.fill("2001-01-01")
    tab.get_by_role("button", name="Save exam date").click()
    assert "That date has passed" in tab.get_by_role("alert").inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert no_sideways_scroll(tab) <= 0
    tab.screenshot(path=str(screenshot_dir / "progress-exam-error-phone.png"), full_page=True)
