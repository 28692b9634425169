"""The XSS corpus (tests/xss_corpus.py) through every field people write, and every page that
shows it: nothing executable comes out.

Instructors write class names, bank titles and descriptions, questions (prompt, answers,
feedback, explanation, source), tags and import files; students write their display name at
signup, short answers and cloze blanks; everyone names API tokens. Each goes in through the page
or the service that the page calls, and each page that shows it is read back with html.parser.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Enrollment, Question, QuestionBank, User
from quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from quizzes.services.classes import classroom_create
from tests import factories as f
from tests.xss_corpus import CORPUS, PAYLOADS, SHORT_PAYLOADS, assert_inert, executable_parts

pytestmark = pytest.mark.django_db

PASSWORD = "iliacus-and-psoas-42"


def _question_post(qtype: str) -> dict:
    common = {
        "prompt": CORPUS + ("\n\nThe muscle is {{1}}." if qtype == "cloze" else ""),
        "explanation": CORPUS,
        "source": CORPUS,
        "difficulty": "2",
        "tags": "",
        "change_note": SHORT_PAYLOADS[0],
        "rows-INITIAL_FORMS": "0",
        "action": "save",
    }
    rows = {
        "single_choice": {
            "rows-TOTAL_FORMS": "2",
            "rows-0-text": PAYLOADS[1],
            "rows-0-correct": "on",
            "rows-0-feedback": CORPUS,
            "rows-1-text": SHORT_PAYLOADS[1],
            "rows-1-feedback": CORPUS,
        },
        "short_answer": {
            "rows-TOTAL_FORMS": "1",
            "rows-0-text": "psoas",
            "rows-0-weight": "100",
            "rows-0-feedback": CORPUS,
        },
        "cloze": {"rows-TOTAL_FORMS": "1", "rows-0-answers": "psoas"},
    }[qtype]
    return {**common, **rows}


@pytest.fixture
def written(client):
    """Everything written with the corpus; returns who wrote what."""
    tara = f.InstructorFactory(username="tara", password=PASSWORD)
    client.force_login(tara)

    # Bank title and description (the bank form), questions of three kinds (the authoring form).
    response = client.post(
        reverse("bank_create"),
        {
            "title": SHORT_PAYLOADS[1],
            "topic": "anatomy",
            "description": CORPUS,
            "visibility": "private",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    bank = QuestionBank.objects.get(owner=tara)
    for qtype in ("single_choice", "short_answer", "cloze"):
        response = client.post(
            reverse("question_create", args=[bank.slug, qtype]), _question_post(qtype)
        )
        assert response.status_code == 302, (qtype, response.content.decode()[:3000])
    questions = list(Question.objects.filter(bank=bank).order_by("pk"))

    # Class names (the service behind the class form), one class per payload.
    classes = [classroom_create(name=name, instructor=tara) for name in SHORT_PAYLOADS]
    classroom = classes[0]
    quiz = f.QuizFactory(owner=tara, title=SHORT_PAYLOADS[4], description=CORPUS)
    for position, question in enumerate(questions, 1):
        f.QuizItemFactory(quiz=quiz, question=question, position=position)
    assignment = f.AssignmentFactory(classroom=classroom, quiz=quiz)

    # Display names at signup, and what students type into short answers and cloze blanks.
    client.logout()
    students = []
    for n, name in enumerate(SHORT_PAYLOADS):
        data = {
            "username": f"trainee{n}",
            "display_name": name,
            "email": "",
            "password": PASSWORD,
            "password_again": PASSWORD,
        }
        assert client.post(reverse("signup"), data).status_code == 302
        client.logout()
        student = User.objects.get(username=f"trainee{n}")
        Enrollment.objects.create(classroom=classroom, student=student)
        attempt = attempt_start(student=student, assignment=assignment)
        for answer in attempt.answers.select_related("question_version"):
            position, qtype = answer.position, answer.question_version.qtype
            typed = PAYLOADS[(n + position) % len(PAYLOADS)]
            response = {
                "short_answer": {"text": typed},
                "cloze": {"blanks": {"1": typed}},
            }.get(qtype)
            if response is not None:
                answer_save(
                    attempt_id=attempt.pk,
                    student=student,
                    position=position,
                    response=response,
                    revision=None,
                )
        attempt_submit(attempt_id=attempt.pk, student=student)
        students.append((student, attempt))

    # API token names (the tokens page).
    student = students[0][0]
    client.force_login(student)
    for name in SHORT_PAYLOADS:
        client.post(reverse("api_tokens"), {"name": name[:100]})
    client.logout()
    return {
        "tara": tara,
        "bank": bank,
        "questions": questions,
        "classroom": classroom,
        "quiz": quiz,
        "assignment": assignment,
        "students": students,
    }


def _check(client, url, want=200):
    response = client.get(url)
    assert response.status_code == want, url
    html = response.content.decode()
    assert_inert(html, url)
    return html


def test_instructor_pages_show_the_corpus_inert(client, written):
    client.force_login(written["tara"])
    classroom, quiz, bank = written["classroom"], written["quiz"], written["bank"]
    urls = [
        reverse("home"),
        reverse("class_list"),
        reverse("class_detail", args=[classroom.pk]),
        reverse("class_edit", args=[classroom.pk]),
        reverse("report_class", args=[classroom.pk]),
        reverse("report_quiz", args=[classroom.pk, quiz.pk]),
        reverse("report_mastery", args=[classroom.pk]),
        reverse("report_myths", args=[classroom.pk]),
        reverse("assignment_edit", args=[classroom.pk, written["assignment"].pk]),
        reverse("bank_list"),
        reverse("bank_detail", args=[bank.slug]),
        reverse("bank_edit", args=[bank.slug]),
        reverse("bank_export", args=[bank.slug]),
    ]
    for question in written["questions"]:
        urls += [
            reverse("question_detail", args=[question.pk]),
            reverse("question_edit", args=[question.pk]),
            reverse("question_history", args=[question.pk]),
            reverse("question_duplicate", args=[question.pk]),
        ]
    pages = {url: _check(client, url) for url in urls}
    # The class page lists the students by the names they chose, shown as text.
    detail = pages[reverse("class_detail", args=[classroom.pk])]
    assert "&lt;script&gt;alert(&#x27;n&#x27;)&lt;/script&gt;" in detail
    # The quiz report names the quiz by its title, as text.
    report = pages[reverse("report_quiz", args=[classroom.pk, quiz.pk])]
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in report


def test_student_pages_show_the_corpus_inert(client, written):
    reviews = []
    for student, attempt in written["students"]:
        client.force_login(student)
        for url in (
            reverse("home"),
            reverse("assignment_detail", args=[written["assignment"].pk]),
            reverse("progress"),
            reverse("study"),
            reverse("api_tokens"),
            reverse("class_join"),
        ):
            _check(client, url)
        reviews.append(_check(client, reverse("attempt_review", args=[attempt.pk])))
    # Review pages show what the student typed, as text.
    assert any("&lt;/textarea&gt;&lt;script&gt;" in review for review in reviews)
    client.force_login(written["students"][0][0])
    tokens = _check(client, reverse("api_tokens"))
    assert "&lt;/title&gt;&lt;script&gt;" in tokens


def test_a_student_starting_and_answering_sees_the_corpus_inert(client, written):
    """The question pages themselves, with the instructor's corpus and the student's answers."""
    student = f.StudentFactory()
    Enrollment.objects.create(classroom=written["classroom"], student=student)
    client.force_login(student)
    response = client.post(reverse("attempt_start", args=[written["assignment"].pk]))
    assert response.status_code == 302
    question_url = response["Location"]
    _check(client, question_url)
    attempt_id = int(question_url.split("/attempts/")[1].split("/")[0])
    for position in range(1, len(written["questions"]) + 1):
        page = reverse("attempt_question", args=[attempt_id, position])
        html = _check(client, page)
        # Save an answer typed with the corpus through the page's own form, then see it again.
        if 'name="text"' in html:
            client.post(page, {"text": SHORT_PAYLOADS[3], "nav": str(position)})
            _check(client, page)
    _check(client, reverse("attempt_finish", args=[attempt_id]))


def test_validation_errors_that_echo_input_are_inert(client, written):
    client.force_login(written["tara"])
    bank = written["bank"]
    data = _question_post("single_choice") | {"tags": SHORT_PAYLOADS[1], "action": "save"}
    response = client.post(
        reverse("question_create", args=[bank.slug, "single_choice"]), data, follow=True
    )
    assert response.status_code == 200
    assert_inert(response.content.decode(), "tags")
    # A join code echoed back in the "no class with this code" message.
    client.force_login(written["students"][0][0])
    response = client.post(reverse("class_join"), {"code": SHORT_PAYLOADS[1][:60]})
    assert_inert(response.content.decode(), "join code")


def _gift(text: str) -> str:
    """Text as GIFT writes it: its special characters escaped, on one line."""
    for special in "\\~=#{}:":
        text = text.replace(special, "\\" + special)
    return text.replace("\n", " ")


def test_an_import_file_full_of_the_corpus_is_inert_in_preview_and_after(client, written):
    client.force_login(written["tara"])
    bank = written["bank"]
    gift = "\n\n".join(
        f"::xss {n}::{_gift(payload)} "
        f"{{=Right answer ~{_gift(SHORT_PAYLOADS[n % len(SHORT_PAYLOADS)])}"
        f"####{_gift(PAYLOADS[-n])}}}"
        for n, payload in enumerate(PAYLOADS)
    )
    upload = SimpleUploadedFile("corpus.gift", gift.encode(), content_type="text/plain")
    response = client.post(
        reverse("bank_import", args=[bank.slug]),
        {"file": upload, "format": "auto", "default_source": SHORT_PAYLOADS[0]},
    )
    assert response.status_code == 200
    preview = response.content.decode()
    assert_inert(preview, "import preview")
    token = preview.split('name="upload" value="')[1].split('"')[0]
    before = Question.objects.filter(bank=bank).count()
    confirmed = client.post(reverse("bank_import_confirm", args=[bank.slug]), {"upload": token})
    assert confirmed.status_code == 302
    assert Question.objects.filter(bank=bank).count() > before
    _check(client, reverse("bank_detail", args=[bank.slug]))
    for question in Question.objects.filter(bank=bank, key__startswith="xss"):
        _check(client, reverse("question_detail", args=[question.pk]))


def test_the_checker_catches_what_it_should():
    """The checks above can fail."""
    for payload in SHORT_PAYLOADS:
        assert executable_parts(payload), payload
    assert executable_parts('<svg class="chart-svg"><rect onclick="x()"/></svg>')
    assert executable_parts('<svg class="chart-svg"><text fill="alert(1)">x</text></svg>')
    assert executable_parts("<svg><circle/></svg>")
    assert executable_parts('<a href=" jav\tascript:alert(1)">x</a>')
    assert not executable_parts('<svg class="chart-svg" viewBox="0 0 1 1"><rect/></svg>')
    assert not executable_parts('<figure class="diagram"><svg><rect/></svg></figure>')
    assert not executable_parts('<script src="/static/js/attempt.js" defer></script>')
