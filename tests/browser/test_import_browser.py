"""Importing and exporting in Chromium: an instructor opens their bank, uploads a GIFT file with a
problem, reads it, uploads the fixed file, checks the preview, confirms, finds the questions in
the bank, and downloads the CSV export. axe and screenshots at 375 and 1280 px."""

import pytest

from quizzes.interchange.csvfile import COLUMNS
from quizzes.interchange.gift import MISSING_SOURCE
from quizzes.models import Question
from tests import factories as f
from tests.browser.test_authoring_browser import log_in, no_sideways_scroll
from tests.views.test_interchange_pages import BAD_GIFT, GOOD_GIFT, ORIGIN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def gift_file(name, text):
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode("utf-8")}


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_instructor_imports_a_gift_file_and_exports_csv(
    request, live_server, screenshot_dir, axe_check, device
):
    base = live_server.url
    tara = f.InstructorFactory(username="tara", display_name="Tara")
    f.QuestionBankFactory(owner=tara, slug="psoas-basics", title="Psoas basics")
    page = request.getfixturevalue("page" if device == "desktop" else "phone_page")
    log_in(page, base, "tara")
    problems = {}

    def look(name):
        page.screenshot(path=str(screenshot_dir / f"import-{name}-{device}.png"), full_page=True)
        problems[name] = axe_check(page)
        no_sideways_scroll(page)

    page.goto(base + "/banks/psoas-basics/")
    look("bank-empty")
    page.get_by_role("link", name="Import questions").click()
    page.wait_for_url(base + "/banks/psoas-basics/import/")
    look("form")

    page.get_by_label("File", exact=True).set_input_files(gift_file("psoas.gift", BAD_GIFT))
    page.get_by_role("button", name="Preview import").click()
    page.get_by_role("heading", name="Nothing can be imported yet").wait_for()
    summary = page.locator("#import-problems")
    line = BAD_GIFT.split("\n").index(ORIGIN.split("\n")[1]) + 1
    assert "1 problem in psoas.gift" in summary.inner_text()
    assert f"Line {line}: {MISSING_SOURCE}" in summary.inner_text()
    # The problem links to its question in the list below, which shows it again.
    summary.get_by_role("link").click()
    assert page.url.endswith("#q-2")
    assert MISSING_SOURCE in page.locator("#q-2").inner_text()
    assert page.get_by_role("button", name="Import 3 questions").count() == 0
    look("problems")
    assert Question.objects.count() == 0

    page.get_by_label("File", exact=True).set_input_files(gift_file("psoas.gift", GOOD_GIFT))
    page.get_by_role("button", name="Preview import").click()
    page.get_by_role("heading", name="Check the import").wait_for()
    counts = page.locator(".import-counts").inner_text()
    assert "3" in counts and "New questions" in counts
    assert page.locator(".import-prompt strong").first.inner_text() == "psoas major"
    look("preview")
    assert Question.objects.count() == 0

    page.get_by_role("button", name="Import 3 questions").click()
    page.wait_for_url(base + "/banks/psoas-basics/")
    assert (
        "Imported 3 new questions, 0 new versions, 0 unchanged."
        in page.locator(".messages").inner_text()
    )
    listed = page.locator(".question-list").inner_text()
    for key in ("insertion", "origin", "flexes-hip"):
        assert key in listed
    look("bank-imported")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "psoas-basics.csv"
    with open(download.path(), encoding="utf-8") as exported:
        assert exported.readline().rstrip("\r\n") == ",".join(COLUMNS)
        assert "insertion" in exported.read()

    page.get_by_role("link", name="which format holds what").click()
    page.get_by_role("heading", name="Export Psoas basics").wait_for()
    assert "Every question fits." in page.locator(".export-list").inner_text()
    look("export")

    assert problems == {name: [] for name in problems}
