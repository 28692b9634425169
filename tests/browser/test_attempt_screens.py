"""The quiz pages in Chromium: every input type on a phone and a desktop, the scripts that
enhance them (autosave, ordering buttons, clickable diagram), axe, and screenshots to look at."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Attempt, CardState
from tests import factories as f
from tests import quizdata as qd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def quiz_setup(live_server):
    qd.load_bundled()
    quiz = qd.quiz_of(
        qd.one_of_each_type(),
        title="Psoas essentials",
        description="One question of each kind, on where the psoas runs and what it does.",
        time_limit_seconds=30 * 60,
        attempts_allowed=2,
    )
    student = f.StudentFactory(username="asha", display_name="Asha")
    assignment = qd.assigned(quiz, student)
    return live_server.url, assignment, student


def log_in(page, base):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("asha")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways: {width} > {viewport}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_quiz_pages_look_right_and_pass_axe(request, quiz_setup, screenshot_dir, axe_check, device):
    base, assignment, _ = quiz_setup
    page = request.getfixturevalue("page" if device == "desktop" else "phone_page")
    log_in(page, base)
    problems = {}

    def look(name):
        page.screenshot(path=str(screenshot_dir / f"attempt-{name}-{device}.png"), full_page=True)
        problems[name] = axe_check(page)
        no_sideways_scroll(page)

    page.goto(f"{base}/assignments/{assignment.pk}/")
    look("detail")
    page.get_by_role("button", name="Start attempt").click()
    page.wait_for_url(re.compile(r"/q/1/$"))
    attempt = Attempt.objects.get()
    for answer in attempt.answers.select_related("question_version").order_by("position"):
        qtype = answer.question_version.qtype
        page.goto(f"{base}/attempts/{attempt.pk}/q/{answer.position}/")
        assert page.get_by_role("heading", level=1).inner_text() == (
            f"Question {answer.position} of {len(qd.AUTO_GRADED)}"
        )
        look(qtype)
    page.get_by_role("button", name="Finish attempt").first.click()
    page.wait_for_url(re.compile(r"/finish/$"))
    look("finish")
    page.get_by_role("button", name="Submit attempt").click()
    page.wait_for_url(re.compile(r"/review/$"))
    look("review")
    assert problems == {name: [] for name in problems}


def test_scripts_autosave_reorder_and_pick_regions(quiz_setup, page):
    base, assignment, _ = quiz_setup
    log_in(page, base)
    page.goto(f"{base}/assignments/{assignment.pk}/")
    page.get_by_role("button", name="Start attempt").click()
    page.wait_for_url(re.compile(r"/q/1/$"))
    attempt = Attempt.objects.get()
    positions = {
        a.question_version.qtype: a.position
        for a in attempt.answers.select_related("question_version")
    }

    # Autosave: choosing an answer saves it without leaving the page.
    page.locator('input[name="choice"]').first.check()
    status = page.locator("#save-status")
    status.filter(has_text="Saved").wait_for()
    assert page.locator('input[name="revision"]').input_value() == "1"
    assert attempt.answers.get(position=1).response is not None
    assert "is-answered" in page.locator('.nav-q[aria-current="step"]').get_attribute("class")

    # Ordering: Move up keeps the rank selects in step and saves.
    page.goto(f"{base}/attempts/{attempt.pk}/q/{positions['ordering']}/")
    items = page.locator(".order-item")
    second = items.nth(1).locator(".order-text").inner_text()
    items.nth(1).get_by_role("button", name=re.compile("^Move up")).click()
    assert items.nth(0).locator(".order-text").inner_text() == second
    ranks = page.locator(".order-item select").evaluate_all("els => els.map(e => e.value)")
    assert ranks == [str(n) for n in range(1, len(ranks) + 1)]
    status.filter(has_text="Saved").wait_for()
    # Choosing a rank in a select moves the item there.
    items.nth(0).locator("select").select_option("3")
    assert items.nth(2).locator(".order-text").inner_text() == second

    # Hotspot: clicking a region picks it in the list and marks it.
    page.goto(f"{base}/attempts/{attempt.pk}/q/{positions['hotspot']}/")
    page.locator('[data-region="sacrum"]').click()
    assert page.locator('select[name="region"]').input_value() == "sacrum"
    assert "is-chosen" in (page.locator('[data-region="sacrum"]').get_attribute("class") or "")
    status.filter(has_text="Saved").wait_for()

    # A save from a second tab makes this one stale: it says so and stops autosaving.
    other = page.context.new_page()
    other.goto(f"{base}/attempts/{attempt.pk}/q/{positions['hotspot']}/")
    other.locator('select[name="region"]').select_option("iliacus")
    other.locator("#save-status").filter(has_text="Saved").wait_for()
    page.locator('select[name="region"]').select_option("psoas-major")
    page.locator("#js-alert").filter(has_text="another tab").wait_for()
    assert page.locator("#save-status").inner_text() == "Autosave stopped"
    other.close()


def test_the_countdown_counts_from_the_server_time(quiz_setup, page):
    base, assignment, _ = quiz_setup
    log_in(page, base)
    page.goto(f"{base}/assignments/{assignment.pk}/")
    page.get_by_role("button", name="Start attempt").click()
    page.wait_for_url(re.compile(r"/q/1/$"))
    left = page.locator(".timer-left")
    assert re.fullmatch(r"(29|30) min", left.inner_text())


def test_the_diagram_is_clickable_on_the_study_page_too(quiz_setup, page):
    """A hotspot card on the study page: a click on the diagram chooses the region there too."""
    base, _, student = quiz_setup
    hotspot = qd.bundled_questions("hotspot", 1)[0]
    now = timezone.now()
    # A learning step due now comes first in the queue.
    CardState.objects.create(
        student=student,
        question=hotspot,
        phase="learning",
        stability=1.0,
        difficulty=5.0,
        due=now - timedelta(minutes=5),
        last_review=now - timedelta(minutes=15),
        reps=1,
    )
    log_in(page, base)
    page.goto(base + "/study/")
    page.locator("[data-hotspot].is-clickable").wait_for()
    region = page.locator('[data-hotspot] [data-region="sacrum"]')
    region.click()
    assert page.locator('select[name="region"]').input_value() == "sacrum"
    assert "is-chosen" in (region.get_attribute("class") or "")
    page.get_by_role("button", name="Check answer").click()
    page.wait_for_url(re.compile(r".*/study/.*"))
    assert CardState.objects.get(student=student, question=hotspot).reps == 2
