"""The student's story, end to end in Chromium: sign up, join a class, take a quiz holding one
question of every auto-graded type (one of them by keyboard alone), submit and read the review.

Every page is checked with axe, photographed at desktop width, and the key pages again on a
phone, where nothing may scroll sideways. A second test takes the quiz with JavaScript off.

The right answers come from the database, never from the page under test.
"""

import html
import re
import time
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import strip_tags

from quizzes.forms.accounts import PASSWORDS_DIFFER
from quizzes.models import Answer, Attempt, User
from quizzes.models.attempts import AttemptState
from quizzes.models.quizzes import FeedbackTiming
from quizzes.rendering import render_markdown
from quizzes.services.classes import CODE_UNKNOWN, assignment_create, classroom_create
from quizzes.views.attempts import SUBMITTED
from quizzes.views.classes import JOINED
from tests import factories as f
from tests import quizdata as qd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "lesser-trochanter-9"
QUIZ_TITLE = "Psoas in the teaching room"
CLASS_NAME = "Spring 200-hour teacher training"
# Kept under this so the story stays a quick check and not a slow suite of its own.
JOURNEY_SECONDS = 90


@pytest.fixture
def course(live_server):
    """An instructor's class and a quiz of one bundled question per type, assigned to it."""
    call_command("load_banks", stdout=StringIO())
    instructor = f.InstructorFactory(username="ines", display_name="Ines Moreau")
    classroom = classroom_create(name=CLASS_NAME, instructor=instructor)
    quiz = qd.quiz_of(
        qd.one_of_each_type(),
        title=QUIZ_TITLE,
        description="Nine questions, one of each kind, on teaching with the psoas in mind.",
        owner=instructor,
        shuffle_questions=False,
        shuffle_options=False,
        feedback_timing=FeedbackTiming.DEFERRED,
    )
    assignment = assignment_create(
        classroom=classroom,
        quiz=quiz,
        by=instructor,
        due_at=timezone.now() + timedelta(days=7),
    )
    return live_server.url, classroom, assignment


# --- what the database says is right -------------------------------------------------------


def plain(markdown_text: str) -> str:
    """Markdown as the reader sees it: rendered, tags dropped, whitespace collapsed."""
    return squash(html.unescape(strip_tags(render_markdown(markdown_text))))


def squash(text: str) -> str:
    return " ".join(text.split())


def options_of(answer: Answer) -> list:
    return sorted(answer.question_version.options.all(), key=lambda o: o.position)


def full_marks(answer: Answer) -> list:
    return [o for o in options_of(answer) if o.fraction == 1]


def right_answer_words(answer: Answer) -> list[str]:
    """Texts the review's right answer must show for this question."""
    version = answer.question_version
    options = options_of(answer)
    if version.qtype in ("single_choice", "true_false", "multiple_response"):
        return [plain(o.text) for o in options if o.fraction > 0]
    if version.qtype in ("short_answer", "numeric", "hotspot"):
        return [full_marks(answer)[0].text]
    if version.qtype == "matching":
        return [plain(o.data["prompt"]) + " → " + plain(o.text) for o in options if o.data]
    if version.qtype == "ordering":
        return [plain(o.text) for o in options]
    if version.qtype == "cloze":
        blanks = sorted({o.data["blank"] for o in options})
        return [
            f"Blank {n}: " + next(o.text for o in options if o.data["blank"] == n and o.fraction)
            for n in blanks
        ]
    raise AssertionError(f"no right answer known for {version.qtype}")


# --- the browser -----------------------------------------------------------------------------


class Journey:
    """One tab walking the story: every step photographed, axe-checked and scroll-checked."""

    def __init__(self, tab, device, screenshot_dir, axe_check, problems):
        self.tab, self.device = tab, device
        self.dir, self.axe_check, self.problems = screenshot_dir, axe_check, problems
        self.step = 0

    def look(self, name: str, *, axe: bool = True):
        self.step += 1
        tab = self.tab
        tab.screenshot(
            path=str(self.dir / f"journey-{self.device}-{self.step:02d}-{name}.png"),
            full_page=True,
        )
        # A phone (is_mobile) zooms out to fit a page that is too wide, which widens innerWidth
        # with it; the screen's own width is what the page must fit.
        screen = tab.viewport_size["width"]
        page_width = tab.evaluate(
            "Math.max(document.documentElement.scrollWidth, window.innerWidth)"
        )
        if page_width > screen:
            self.problems.append(
                f"{self.device} {name}: {page_width}px wide on a {screen}px screen"
            )
        if axe:
            for violation in self.axe_check(tab):
                self.problems.append(f"{self.device} {name}: {violation}")


def focus_is_visible(tab) -> dict:
    """The focused element and whether it draws a focus ring."""
    return tab.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                name: (el.getAttribute('aria-label') || el.textContent || el.value || '').trim(),
                ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
            };
        }"""
    )


def tab_to(tab, wanted, *, back=False, limit=80) -> None:
    """Press Tab (Shift+Tab with back) until the focused element's name starts with `wanted`,
    checking at every stop that the focus can be seen."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        tab.keyboard.press(key)
        focused = focus_is_visible(tab)
        assert focused["ring"], f"no visible focus on {focused}"
        if squash(focused["name"]).startswith(wanted):
            return
    raise AssertionError(f"{key} never reached {wanted!r}")


def nav_button(tab, position: int):
    """A question's button in the "All questions" list."""
    return (
        tab.get_by_role("navigation", name="All questions")
        .get_by_role("button", name=re.compile(rf"^{position}\b"))
        .first
    )


def heading(tab) -> str:
    return tab.get_by_role("heading", level=1).inner_text()


def answer_by_mouse(tab, answer: Answer) -> None:
    """Give the right answer with the question's own inputs (clicks, typing, selects)."""
    qtype = answer.question_version.qtype
    options = options_of(answer)
    if qtype in ("single_choice", "true_false"):
        tab.get_by_label(plain(full_marks(answer)[0].text), exact=True).check()
    elif qtype == "multiple_response":
        for option in options:
            box = tab.get_by_label(plain(option.text), exact=True)
            if option.fraction > 0:
                box.check()
            else:
                assert not box.is_checked()
    elif qtype == "short_answer":
        tab.get_by_label("Your answer").fill(full_marks(answer)[0].text.replace("*", ""))
    elif qtype == "numeric":
        data = full_marks(answer)[0].data
        value = data["value"] if "value" in data else data["min"]
        tab.get_by_label(re.compile("^Your answer")).fill(str(value))
    elif qtype == "matching":
        for option in (o for o in options if o.data.get("prompt")):
            tab.get_by_label(plain(option.data["prompt"]), exact=True).select_option(
                label=plain(option.text)
            )
    elif qtype == "cloze":
        for number in sorted({o.data["blank"] for o in options}):
            accepted = next(o for o in options if o.data["blank"] == number and o.fraction == 1)
            blank = tab.get_by_label(f"Blank {number}", exact=True)
            if any(o.data.get("choice") for o in options if o.data["blank"] == number):
                blank.select_option(accepted.text)
            else:
                blank.fill(accepted.text)
    elif qtype == "hotspot":
        region = full_marks(answer)[0].data["region"]
        # A click on the muscle drawn in the diagram, not on the list beside it.
        drawn = tab.locator(f'[data-region="{region}"]')
        muscle = drawn.locator(".muscle")
        (muscle if muscle.count() else drawn).first.click()
        assert tab.get_by_label("Region", exact=True).input_value() == region
    else:
        raise AssertionError(f"no way to answer {qtype} by mouse")


def order_by_keyboard(tab, answer: Answer) -> None:
    """Put the ordering question right with Move up, reached by Tab and pressed with Enter or
    Space; no clicks and no fills."""
    right = [plain(o.text) for o in options_of(answer)]
    items = tab.locator(".order-item .order-text")
    for place, text in enumerate(right):
        shown = [squash(t) for t in items.all_inner_texts()]
        steps = shown.index(text) - place
        if not steps:
            continue
        tab_to(tab, f"↑ Move up: {text}")
        for n in range(steps):
            tab.keyboard.press("Enter" if n % 2 == 0 else "Space")
            focused = focus_is_visible(tab)
            assert focused["ring"] and focused["name"].endswith(text), focused
    assert [squash(t) for t in items.all_inner_texts()] == right
    # The status line says the move was saved; Shift+Tab back over the list then Tab on.
    tab.locator("#save-status").filter(has_text="Saved").wait_for()
    tab_to(tab, "Next")
    tab_to(tab, "↓ Move down", back=True)
    tab_to(tab, "Next")
    tab.keyboard.press("Enter")


def log_in(tab, base, username):
    tab.goto(base + "/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(base + "/")


def test_a_student_signs_up_joins_takes_every_question_type_and_reads_the_review(
    course, page, phone_page, screenshot_dir, axe_check
):
    started = time.monotonic()
    base, classroom, assignment = course
    problems: list[str] = []
    desk = Journey(page, "desktop", screenshot_dir, axe_check, problems)
    phone = Journey(phone_page, "phone", screenshot_dir, axe_check, problems)

    # A visitor finds the site and signs up, mistyping the second password first.
    page.goto(base + "/")
    desk.look("landing")
    phone_page.goto(base + "/")
    phone.look("landing", axe=False)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    assert heading(page) == "Create your student account"
    page.get_by_label("Username").fill("maya.r")
    page.get_by_label("Your name (optional)").fill("Maya Rao")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD.replace("9", "8"))
    desk.look("signup")
    page.get_by_role("button", name="Sign up").click()
    assert PASSWORDS_DIFFER in page.get_by_role("alert").inner_text()
    again = page.get_by_label("Password again")
    assert again.get_attribute("aria-invalid") == "true"
    assert "id_password_again_error" in again.get_attribute("aria-describedby")
    assert page.get_by_label("Username").input_value() == "maya.r"
    desk.look("signup-error")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    again.fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    # Straight on to joining a class: a wrong code is explained, then the right one works.
    page.wait_for_url(base + "/classes/join/")
    student = User.objects.get(username="maya.r")
    assert not student.is_instructor
    assert heading(page) == "Join a class"
    desk.look("join")
    wrong = classroom.join_code[:-1] + "0"  # 0 is never in a generated code
    page.get_by_label("Join code").fill(wrong.lower())
    page.get_by_role("button", name="Join the class").click()
    assert (
        page.locator("#id_code_error")
        .inner_text()
        .strip()
        .endswith(CODE_UNKNOWN.format(code=wrong))
    )
    desk.look("join-error")
    code = classroom.join_code
    page.get_by_label("Join code").fill(f"{code[:4]}-{code[4:]}".lower())
    page.get_by_role("button", name="Join the class").click()
    page.wait_for_url(base + "/")
    assert JOINED.format(name=CLASS_NAME) in page.get_by_role("status").inner_text()
    assert classroom.enrollments.filter(student=student).exists()

    # Home lists the assigned quiz; it opens on the assignment page.
    quiz_link = page.get_by_role("link", name=QUIZ_TITLE, exact=True)
    assert quiz_link.is_visible()
    desk.look("home")
    quiz_link.click()
    page.wait_for_url(f"{base}/assignments/{assignment.pk}/")
    assert heading(page) == QUIZ_TITLE
    desk.look("assignment")
    page.get_by_role("button", name="Start attempt").click()
    page.wait_for_url(re.compile(r"/q/1/$"))

    attempt = Attempt.objects.get(student=student)
    answers = {
        a.position: a
        for a in attempt.answers.select_related("question_version").prefetch_related(
            "question_version__options"
        )
    }
    qtypes = {p: a.question_version.qtype for p, a in answers.items()}
    assert sorted(qtypes.values()) == sorted(qd.AUTO_GRADED)
    position_of = {t: p for p, t in qtypes.items()}
    total = len(answers)

    def on_question(position):
        page.wait_for_url(re.compile(rf"/q/{position}/$"))
        assert heading(page) == f"Question {position} of {total}"

    def answered_here(position):
        """Answer with the mouse, wait for autosave, photograph and axe-check the page."""
        on_question(position)
        answer_by_mouse(page, answers[position])
        page.locator("#save-status").filter(has_text="Saved").wait_for()
        desk.look(f"q{position}-{qtypes[position]}")

    # Questions 1 to 4 in turn with Next; the numeric one is skipped through the question list.
    skipped = position_of["numeric"]
    keyboard_position = position_of["ordering"]
    for position in range(1, skipped):
        answered_here(position)
        if position + 1 < skipped:
            page.get_by_role("button", name="Next").click()
    assert "is-answered" in nav_button(page, skipped - 1).get_attribute("class")
    nav_button(page, skipped + 1).click()
    for position in range(skipped + 1, keyboard_position):
        answered_here(position)
        page.get_by_role("button", name="Next").click()

    # The ordering question by keyboard alone.
    on_question(keyboard_position)
    order_by_keyboard(page, answers[keyboard_position])
    # Enter on Next posted the form; read the database only once the next question is shown.
    on_question(keyboard_position + 1)
    answers[keyboard_position].refresh_from_db()
    right_order = [o.pk for o in options_of(answers[keyboard_position])]
    assert answers[keyboard_position].response == {"order": right_order}

    # The cloze, then back with Previous: the order was kept, on the page as in the database.
    answered_here(keyboard_position + 1)
    page.get_by_role("button", name="Previous").click()
    on_question(keyboard_position)
    assert [squash(t) for t in page.locator(".order-text").all_inner_texts()] == [
        plain(o.text) for o in options_of(answers[keyboard_position])
    ]
    desk.look(f"q{keyboard_position}-ordering")
    nav_button(page, total).click()
    answered_here(total)
    page.get_by_role("button", name="Finish attempt").click()

    # The finish page lists the skipped question; back to it, answer it, finish again.
    page.wait_for_url(re.compile(r"/finish/$"))
    assert f"You have answered {total - 1} of {total} questions." in page.inner_text("main")
    unanswered = page.get_by_role("region", name=re.compile("^Not answered"))
    assert unanswered.get_by_role("link").all_inner_texts() == [f"Question {skipped}"]
    desk.look("finish-unanswered")
    unanswered.get_by_role("link", name=f"Question {skipped}").click()
    answered_here(skipped)
    page.get_by_role("button", name="Finish attempt").click()
    page.wait_for_url(re.compile(r"/finish/$"))
    assert f"You have answered {total} of {total} questions." in page.inner_text("main")
    assert page.get_by_role("region", name=re.compile("^Not answered")).count() == 0
    desk.look("finish")

    # The same attempt on the student's phone, before submitting: every question and finish.
    log_in(phone_page, base, "maya.r")
    phone.look("home", axe=False)
    phone_page.goto(f"{base}/assignments/{assignment.pk}/")
    phone.look("assignment", axe=False)
    for position, qtype in sorted(qtypes.items()):
        phone_page.goto(f"{base}/attempts/{attempt.pk}/q/{position}/")
        phone.look(f"q{position}-{qtype}", axe=False)
    phone_page.goto(f"{base}/attempts/{attempt.pk}/finish/")
    phone.look("finish", axe=False)

    page.get_by_role("button", name="Submit attempt").click()
    page.wait_for_url(re.compile(r"/review/$"))

    # The score, from the database and on the page.
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SUBMITTED
    assert attempt.fraction == Decimal(1)
    assert set(attempt.answers.values_list("fraction", flat=True)) == {Decimal(1)}
    assert SUBMITTED in page.get_by_role("status").inner_text()
    summary = page.locator(".review-summary")
    assert (
        summary.locator("div", has=page.locator("dt", has_text="Score")).locator("dd").inner_text()
        == "100%"
    )
    assert summary.locator(".badge-pass").inner_text() == "Pass"
    assert f"{total} of {total}" in summary.inner_text()

    # Each answer: correct, with the right answer, the explanation and the source.
    for position, answer in sorted(answers.items()):
        section = page.get_by_role("region", name=f"Question {position}", exact=True)
        assert section.locator(".badge").inner_text() == "Correct", position
        assert squash(section.locator(".marks").inner_text()) == "1 of 1 mark"
        shown_right = squash(
            " ".join(section.locator(".right-answer, li.is-right").all_inner_texts())
        )
        for words in right_answer_words(answer):
            assert words in shown_right, (position, words, shown_right)
        version = answer.question_version
        explanation = squash(section.locator(".explanation").inner_text())
        assert explanation == "Explanation " + plain(version.explanation), position
        source = squash(section.locator(".source").inner_text())
        assert source == "Source " + plain(version.source), position
    desk.look("review")
    phone_page.goto(f"{base}/attempts/{attempt.pk}/review/")
    phone.look("review", axe=False)

    assert problems == []
    elapsed = time.monotonic() - started
    assert elapsed < JOURNEY_SECONDS, f"the journey took {elapsed:.0f}s"


def test_a_student_takes_the_quiz_without_javascript(course, browser, screenshot_dir):
    """Forms alone: choose, reorder with the rank lists, move about, finish, submit, review."""
    base, classroom, assignment = course
    student = f.StudentFactory(username="tomas")
    student.set_password(PASSWORD)
    student.save(update_fields=["password"])
    f.EnrollmentFactory(classroom=classroom, student=student)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    tab = context.new_page()
    try:
        log_in(tab, base, "tomas")
        tab.get_by_role("link", name=QUIZ_TITLE, exact=True).click()
        tab.get_by_role("button", name="Start attempt").click()
        tab.wait_for_url(re.compile(r"/q/1/$"))
        attempt = Attempt.objects.get(student=student)
        answers = {
            a.position: a
            for a in attempt.answers.select_related("question_version").prefetch_related(
                "question_version__options"
            )
        }
        by_type = {a.question_version.qtype: p for p, a in answers.items()}
        first, ordering = by_type["single_choice"], by_type["ordering"]

        # A radio, then straight to the ordering question through the question list.
        answer_by_mouse(tab, answers[first])
        nav_button(tab, ordering).click()
        tab.wait_for_url(re.compile(rf"/q/{ordering}/$"))
        assert tab.get_by_role("button", name=re.compile("^Move up")).count() == 0
        right = [plain(o.text) for o in options_of(answers[ordering])]
        for item in tab.locator(".order-item").all():
            text = squash(item.locator(".order-text").inner_text())
            item.get_by_role("combobox").select_option(str(right.index(text) + 1))
        tab.screenshot(path=str(screenshot_dir / "journey-nojs-ordering.png"), full_page=True)
        tab.get_by_role("button", name="Previous").click()
        tab.wait_for_url(re.compile(rf"/q/{ordering - 1}/$"))
        assert "is-answered" in nav_button(tab, ordering).get_attribute("class")
        assert "is-answered" in nav_button(tab, first).get_attribute("class")
        assert "is-answered" not in nav_button(tab, ordering - 1).get_attribute("class")

        tab.get_by_role("button", name="Finish attempt").click()
        tab.wait_for_url(re.compile(r"/finish/$"))
        assert f"You have answered 2 of {len(answers)} questions." in tab.inner_text("main")
        tab.get_by_role("button", name="Submit attempt").click()
        tab.wait_for_url(re.compile(r"/review/$"))
        tab.screenshot(path=str(screenshot_dir / "journey-nojs-review.png"), full_page=True)

        attempt.refresh_from_db()
        assert attempt.state == AttemptState.SUBMITTED
        assert attempt.fraction == (Decimal(2) / len(answers)).quantize(attempt.fraction)
        assert f"{round(200 / len(answers))}%" in tab.locator(".review-summary").inner_text()
        for position in answers:
            badge = tab.get_by_role("region", name=f"Question {position}", exact=True).locator(
                ".badge"
            )
            wanted = "Correct" if position in (first, ordering) else "Not answered"
            assert badge.inner_text() == wanted, position
    finally:
        context.close()
