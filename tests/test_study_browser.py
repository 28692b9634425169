"""The study page in Debian's Chromium, on a phone and a desktop: a flashcard's front, its answer,
an answered question and the empty queue, with the bundled banks. Screenshots go to test-artifacts/.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from quizzes.models import Assignment, CardState, Classroom, Enrollment, Question, Quiz
from tests.factories import StudentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery"


@pytest.fixture
def banks(live_server):
    call_command("load_banks", stdout=StringIO())
    return live_server.url


def _student_with_one_due_flashcard(name: str):
    """A student in a class studying the myths bank, one new card a day, and one card due."""
    classroom = Classroom.objects.create(
        name=f"Study {name}", join_code=f"STUDY{name.upper()}"[:16], new_cards_per_day=1
    )
    Assignment.objects.create(quiz=Quiz.objects.get(slug="myths-check"), classroom=classroom)
    student = StudentFactory(username=f"study-{name}", display_name="Asha")
    Enrollment.objects.create(classroom=classroom, student=student)
    now = timezone.now()
    CardState.objects.create(
        student=student,
        question=Question.objects.get(key="myth-fc-only-connector"),
        phase="review",
        stability=4.0,
        difficulty=5.5,
        due=now - timedelta(hours=3),
        last_review=now - timedelta(days=4),
        reps=3,
    )
    return student


def _log_in(tab, url, username):
    tab.goto(url + "/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(url + "/")


def _fits(tab, name, axe_check):
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the screen"
    assert axe_check(tab) == [], name


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_studying_a_flashcard_then_a_question_then_done(
    banks, width, page, phone_page, screenshot_dir, axe_check
):
    tab = phone_page if width == "phone" else page
    student = _student_with_one_due_flashcard(width)
    _log_in(tab, banks, student.username)
    tab.get_by_role("navigation", name="Main").get_by_role("link", name="Study").click()
    tab.wait_for_url(banks + "/study/")

    # The front: the myth, no answer yet.
    assert tab.get_by_text("Myth check").first.is_visible()
    assert tab.get_by_role("button", name="Again").count() == 0
    assert "0 of 1 new" in tab.locator(".study-progress").inner_text()
    assert "2 left" in tab.locator(".study-progress").inner_text()
    _fits(tab, "front", axe_check)
    tab.screenshot(path=str(screenshot_dir / f"study-front-{width}.png"), full_page=True)

    # Space shows the answer (study.js); the buttons say where each rating leads.
    tab.keyboard.press("Space")
    tab.wait_for_url("**reveal=**")
    good = tab.locator("button.rating-3")
    assert good.is_visible()
    assert "Good" in good.inner_text() and "day" in good.inner_text()
    assert tab.get_by_role("heading", name="Answer").is_visible()
    _fits(tab, "revealed", axe_check)
    tab.screenshot(path=str(screenshot_dir / f"study-revealed-{width}.png"), full_page=True)

    # 3 rates it Good; then comes the day's one new card, a question to answer.
    tab.keyboard.press("3")
    tab.wait_for_load_state()
    tab.get_by_text("Rated Good").wait_for()
    assert tab.get_by_role("button", name="Check answer").is_visible()
    _fits(tab, "question", axe_check)
    tab.screenshot(path=str(screenshot_dir / f"study-question-{width}.png"), full_page=True)
    _answer_first_choice_or_type(tab)
    tab.get_by_role("button", name="Check answer").click()
    tab.wait_for_url("**feedback=1")
    assert tab.get_by_text("from your answer").is_visible()
    assert tab.get_by_role("heading", name="Explanation").is_visible()
    _fits(tab, "answered", axe_check)
    tab.screenshot(path=str(screenshot_dir / f"study-answered-{width}.png"), full_page=True)

    # Nothing is left today: the page says when the next card comes.
    tab.get_by_role("link", name="Next card").click()
    tab.get_by_role("heading", name="All done for now").wait_for()
    assert "Next card due" in tab.locator(".study-next").inner_text()
    _fits(tab, "empty", axe_check)
    tab.screenshot(path=str(screenshot_dir / f"study-empty-{width}.png"), full_page=True)


def _answer_first_choice_or_type(tab):
    choices = tab.locator("input[name='choice']")
    if choices.count():
        choices.first.check()
        return
    text = tab.locator("input[type='text']")
    if text.count():
        text.first.fill("psoas")
        return
    select = tab.locator(".study-card select")
    select.first.select_option(index=1)
