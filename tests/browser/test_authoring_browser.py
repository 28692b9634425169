"""Authoring in Chromium: an instructor makes a bank, writes a single-choice question, previews
it, fixes a validation error, saves, edits it into version 2 and reads the history. axe and
screenshots at 375 and 1280 px."""

import re

import pytest

from quizzes.interchange.validation import SINGLE_NEEDS_ONE_RIGHT
from quizzes.models import Question
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways: {width} > {viewport}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_instructor_writes_and_edits_a_question(
    request, live_server, screenshot_dir, axe_check, device
):
    base = live_server.url
    f.InstructorFactory(username="tara", display_name="Tara")
    page = request.getfixturevalue("page" if device == "desktop" else "phone_page")
    log_in(page, base, "tara")
    problems = {}

    def look(name):
        page.screenshot(path=str(screenshot_dir / f"authoring-{name}-{device}.png"), full_page=True)
        problems[name] = axe_check(page)
        no_sideways_scroll(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Banks").click()
    page.wait_for_url(base + "/banks/")
    page.get_by_role("link", name="New bank").click()
    page.get_by_label("Title").fill("Psoas attachments")
    page.get_by_label("Description").fill("Where psoas major starts and ends.")
    look("bank-form")
    page.get_by_role("button", name="Create bank").click()
    page.wait_for_url(base + "/banks/psoas-attachments/")
    look("bank-empty")

    page.get_by_role("link", name="New question").first.click()
    look("type-chooser")
    page.get_by_role("link", name="Single choice").click()
    page.get_by_label("Prompt").fill("Where does **psoas major** insert?")
    page.get_by_label("Answer text").nth(0).fill("Lesser trochanter of the femur")
    page.get_by_label("Answer text").nth(1).fill("Greater trochanter of the femur")
    page.get_by_label("Feedback").nth(1).fill("That is where gluteus medius inserts.")
    page.get_by_label("Explanation").fill(
        "Psoas major joins iliacus and inserts on the lesser trochanter of the femur."
    )
    page.get_by_label("Source").fill("Standring S. Gray's Anatomy, 42nd ed., 2020.")
    page.get_by_role("button", name="Preview").click()

    # The preview shows the unsaved draft, and the missing right answer is already flagged.
    preview = page.locator("#preview")
    preview.get_by_text("Choose one answer").wait_for()
    assert preview.locator("strong").inner_text() == "psoas major"
    assert preview.get_by_label("Lesser trochanter of the femur").is_visible()
    assert SINGLE_NEEDS_ONE_RIGHT.format(n=0) in page.locator("#rows-errors").inner_text()
    assert page.get_by_label("Answer text").nth(0).input_value() == "Lesser trochanter of the femur"
    look("preview-with-error")

    page.get_by_role("button", name="Save question").click()
    page.locator("#form-errors").wait_for()
    assert Question.objects.count() == 0
    page.get_by_label("Right answer").nth(0).check()
    page.get_by_role("button", name="Save question").click()
    page.wait_for_url(re.compile(r"/questions/\d+/$"))
    assert "Question saved as version 1." in page.locator(".messages").inner_text()
    look("question")

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Prompt").fill("Where does the **psoas major** tendon insert?")
    page.get_by_label("What changed").fill("Name the tendon")
    if device == "desktop":
        # With the script, the preview follows the typing.
        page.locator("#preview").get_by_text("tendon").wait_for()
    look("edit")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(r"/questions/\d+/$"))
    assert "Saved as version 2." in page.locator(".messages").inner_text()

    page.get_by_role("link", name="History").click()
    page.get_by_role("heading", name=re.compile("Version 2")).wait_for()
    assert "Name the tendon" in page.locator("main").inner_text()
    assert "By Tara" in page.locator("main").inner_text()
    look("history")

    page.goto(base + "/banks/psoas-attachments/")
    look("bank")
    question = Question.objects.get()
    assert question.current_version.number == 2
    assert problems == {name: [] for name in problems}


def test_two_tabs_editing_one_question_the_later_save_is_warned(
    live_server, page, screenshot_dir, axe_check
):
    """The same instructor edits one question in two tabs: the later save says what happened,
    keeps what was typed, and saving again is a knowing choice."""
    base = live_server.url
    tara = f.InstructorFactory(username="tara", display_name="Tara")
    bank = f.QuestionBankFactory(owner=tara, title="Tara's bank", slug="taras-bank")
    question = f.QuestionFactory(bank=bank)
    log_in(page, base, "tara")
    edit = f"{base}/questions/{question.pk}/edit/"
    page.goto(edit)
    other = page.context.new_page()
    other.goto(edit)
    other.get_by_label("Prompt").fill("Which vertebrae does psoas major arise from? (tab 2)")
    other.get_by_role("button", name="Save as a new version").click()
    other.wait_for_url(re.compile(r".*/questions/\d+/$"))
    other.close()

    page.get_by_label("Prompt").fill("Which vertebrae does psoas major arise from? (tab 1)")
    page.get_by_role("button", name="Save as a new version").click()
    summary = page.locator("#form-errors")
    summary.wait_for()
    assert "You (in another tab) saved version 2" in summary.inner_text()
    assert page.get_by_label("Prompt").input_value().endswith("(tab 1)")
    page.screenshot(path=str(screenshot_dir / "authoring-edit-conflict.png"), full_page=True)
    assert axe_check(page) == []

    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(r".*/questions/\d+/$"))
    question.refresh_from_db()
    assert question.current_version.number == 3
    assert question.current_version.prompt.endswith("(tab 1)")
