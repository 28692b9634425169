"""Every family of pages under the real Content Security Policy in Chromium: nothing is blocked.

A page that needed an inline script, an inline style or a foreign source would log a CSP
violation to the console (and fire `securitypolicyviolation`); both are collected on every page,
and the scripts each page loads are checked to have run.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import CardState
from tests import factories as f
from tests import quizdata as qd
from tests.browser.test_progress_browser import seed_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


ERROR_PAGE_STATUS = "Failed to load resource: the server responded with a status of 4"


class Watch:
    """Console errors and CSP violations of one browser tab, page by page."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        # The browser also reports an error page's own status (404, 403) as a failed load.
        if message.text.startswith(ERROR_PAGE_STATUS):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            self.console.append(message.text)

    def problems(self, name):
        violations = self.page.evaluate("window.__cspViolations || []")
        found = [f"{name}: {v}" for v in violations]
        found += [f"{name}: console: {text}" for text in self.console]
        self.console.clear()
        return found


def loaded(page, script):
    """The script was fetched and ran without an error (errors are collected by Watch)."""
    return page.evaluate(
        "name => performance.getEntriesByType('resource').some(r => r.name.endsWith(name))",
        "/js/" + script,
    )


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def log_out(page, base):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(base + "/")


@pytest.fixture
def world(live_server):
    qd.load_bundled()
    quiz = qd.quiz_of(qd.one_of_each_type(), title="Psoas essentials")
    student = f.StudentFactory(username="asha", display_name="Asha")
    assignment = qd.assigned(quiz, student)
    instructor = f.InstructorFactory(username="tara", display_name="Tara")
    assignment.classroom.instructors.add(instructor)
    f.QuestionBankFactory(owner=instructor, title="Tara's bank", slug="taras-bank")
    seed_progress(student)
    now = timezone.now()
    CardState.objects.create(
        student=student,
        question=qd.one_of_each_type()[0],
        phase="review",
        stability=4.0,
        difficulty=5.5,
        due=now - timedelta(hours=3),
        last_review=now - timedelta(days=4),
        reps=3,
    )
    return live_server.url, assignment


def test_no_page_family_is_blocked_by_the_policy(world, page):
    base, assignment = world
    watch = Watch(page)
    problems = []

    for url in ("/", "/accounts/login/", "/accounts/signup/", "/no-such-page/"):
        page.goto(base + url)
        problems += watch.problems(url)

    # The API documentation: Swagger UI from our static files, set up by a script from a URL.
    page.goto(base + "/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("psoasquiz API")
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.locator(".swagger-ui .opblock-body").first.wait_for()
    problems += watch.problems("api docs")

    log_in(page, base, "asha")
    problems += watch.problems("student home")

    # The quiz: attempt.js adds the live autosave status and the ordering buttons.
    page.goto(f"{base}/assignments/{assignment.pk}/")
    page.get_by_role("button", name="Start attempt").click()
    page.wait_for_url(f"{base}/attempts/**")
    assert loaded(page, "attempt.js")
    problems += watch.problems("quiz question")
    for position in range(2, 8):
        page.goto(page.url.rsplit("/q/", 1)[0] + f"/q/{position}/")
        problems += watch.problems(f"quiz question {position}")
    page.goto(page.url.rsplit("/q/", 1)[0] + "/finish/")
    problems += watch.problems("quiz finish")
    page.get_by_role("button", name="Submit attempt").click()
    page.wait_for_url("**/review/")
    problems += watch.problems("quiz review (with the diagram)")

    page.goto(base + "/study/")
    page.locator("main form").first.wait_for()
    assert loaded(page, "study.js")
    problems += watch.problems("study")

    page.goto(base + "/progress/")
    page.locator("main svg").first.wait_for()
    problems += watch.problems("progress charts")

    page.goto(base + "/accounts/api-tokens/")
    problems += watch.problems("api tokens")
    log_out(page, base)

    log_in(page, base, "tara")
    page.goto(f"{base}/classes/{assignment.classroom.pk}/")
    assert loaded(page, "teaching.js")
    problems += watch.problems("class page")
    page.goto(f"{base}/classes/{assignment.classroom.pk}/reports/")
    problems += watch.problems("class report")
    page.goto(f"{base}/classes/{assignment.classroom.pk}/quizzes/{assignment.quiz.pk}/report/")
    problems += watch.problems("quiz report")
    page.goto(f"{base}/classes/{assignment.classroom.pk}/reports/myths/")
    problems += watch.problems("myths report")

    # Authoring: authoring.js fetches the preview and puts it in the page.
    page.goto(base + "/banks/taras-bank/questions/new/single_choice/")
    page.get_by_label("Prompt").fill("Where does **psoas major** insert?")
    page.get_by_label("Answer text").nth(0).fill("Lesser trochanter of the femur")
    page.get_by_role("button", name="Preview").click()
    page.locator("#preview strong").wait_for()
    problems += watch.problems("authoring preview")

    assert problems == []


def test_the_csrf_page_is_styled_and_unblocked(live_server, page):
    watch = Watch(page)
    page.goto(live_server.url + "/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label("Username").fill("asha")
    page.get_by_label("Password").fill("whatever-it-is")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="This form has expired").wait_for()
    # site.css applied: the header has the site's colour, not the browser's default.
    background = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    page.get_by_role("link", name="Go back to the form").click()
    page.wait_for_url(live_server.url + "/accounts/login/")
    assert watch.problems("csrf") == []


def test_the_watch_does_see_a_violation(live_server, page):
    """Proof that the checks above can fail: an inline handler and style are blocked and seen."""
    watch = Watch(page)
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
        document.body.insertAdjacentHTML(
          "beforeend", '<img alt="" src="/static/favicon.svg" onload="window.ran = 1">');
        document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
      }"""
    )
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert page.evaluate("window.ran") is None
    found = " ".join(watch.problems("/"))
    assert "script-src" in found and "style-src" in found


def test_the_admin_works_under_the_policy(world, page):
    """Staff use Django's admin: its pages, scripts and widgets must run under the same policy."""
    base, assignment = world
    f.UserFactory(username="sid", is_staff=True, is_superuser=True)
    watch = Watch(page)
    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill("sid")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/admin/")
    problems = watch.problems("admin index")

    classroom = assignment.classroom
    for url in (
        "/admin/quizzes/user/",
        "/admin/quizzes/questionbank/",
        "/admin/quizzes/questionversion/",
        "/admin/quizzes/attempt/",
        "/admin/quizzes/ltiplatform/",
        f"/admin/quizzes/assignment/{assignment.pk}/change/",
        f"/admin/quizzes/quiz/{assignment.quiz.pk}/change/",
    ):
        page.goto(base + url)
        problems += watch.problems(url)

    # Widgets built by the admin's scripts: the two-list picker, inline rows, the date shortcuts.
    page.goto(f"{base}/admin/quizzes/classroom/{classroom.pk}/change/")
    page.locator("#id_instructors_from").wait_for()
    assert page.locator("#id_instructors_add").is_visible()
    rows = page.locator("tr.dynamic-enrollments")
    before = rows.count()
    page.locator(".add-row a").first.click()
    assert rows.count() == before + 1
    problems += watch.problems("classroom change (picker, inline rows)")
    page.goto(f"{base}/admin/quizzes/assignment/{assignment.pk}/change/")
    page.locator(".datetimeshortcuts a").first.click()
    assert page.locator("input[name='due_at_0']").input_value() != ""
    problems += watch.problems("assignment change (date shortcuts)")

    # The change list's select-all box and action bar are scripted too.
    page.goto(base + "/admin/quizzes/questionbank/")
    page.locator("#action-toggle").check()
    assert page.locator(".action-counter").inner_text().strip() != ""
    problems += watch.problems("changelist actions")
    assert problems == []
