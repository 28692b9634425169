"""Class reports: the figures against values worked out by hand on a small class, at-risk
reasons, edge cases, CSV downloads, who may see them, live updates and pinned query counts."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.interchange.csvfile import neutral_write
from quizzes.models import Answer, AnswerChoice, Attempt
from quizzes.models.attempts import AttemptState
from quizzes.selectors import class_reports as cr
from quizzes.selectors.progress import Retention
from quizzes.selectors.recall import DEFAULT_DECAY
from quizzes.services import attempts as attempt_services
from quizzes.statistics import TOO_EASY
from quizzes.views.reports import csv_cell
from tests import factories as f

pytestmark = pytest.mark.django_db

# Noon UTC today: calendar-day wording ("due in 2 days") cannot flip near midnight.
NOW = timezone.now().astimezone(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
REPORTS = ("report_class", "report_mastery", "report_myths")


def recall(days: int, stability: float) -> float:
    """FSRS-6 retrievability after whole `days`, worked out from the formula itself."""
    factor = 0.9 ** (-1 / DEFAULT_DECAY) - 1
    return (1 + factor * days / stability) ** -DEFAULT_DECAY


def choice_question(
    bank, key, *, right="Lesser trochanter", wrong="Greater trochanter", myth=False
):
    question = f.QuestionFactory(bank=bank, key=key, with_version=False)
    version = f.QuestionVersionFactory(question=question, number=1)
    f.OptionFactory(version=version, position=0, text=right, fraction=Decimal(1))
    f.OptionFactory(version=version, position=1, text=wrong, fraction=Decimal(0), is_myth=myth)
    question.current_version = version
    question.save(update_fields=["current_version"])
    return question


def sit(student, assignment, picks, *, number, started, state=AttemptState.SUBMITTED):
    """One attempt answering each question with option position 0 (right) or 1 (wrong)."""
    closed = state != AttemptState.IN_PROGRESS
    marks = [Decimal(1 if p == 0 else 0) for _, p in picks]
    attempt = Attempt.objects.create(
        student=student,
        quiz=assignment.quiz,
        assignment=assignment,
        number=number,
        state=state,
        started_at=started,
        submitted_at=started + timedelta(minutes=5) if closed else None,
        fraction=(sum(marks) / len(marks)) if closed else None,
    )
    for position, ((question, pick), mark) in enumerate(zip(picks, marks, strict=True), 1):
        version = question.current_version
        option = version.options.get(position=pick)
        answer = Answer.objects.create(
            attempt=attempt,
            position=position,
            question_version=version,
            response={"option": option.pk},
            fraction=mark if closed else None,
        )
        AnswerChoice.objects.create(
            answer=answer,
            option=option,
            attempt=attempt,
            mark=answer.points * (answer.fraction or 0),
        )
    return attempt


@dataclass
class Class:
    classroom: object
    instructor: object
    co_instructor: object
    a1: object
    a2: object
    q_a1: object
    q_a2: object
    q_m1: object
    ada: object
    ben: object
    cy: object
    dee: object


def build_class() -> Class:
    instructor, co = f.InstructorFactory(), f.InstructorFactory()
    classroom = f.ClassroomFactory(
        name="Spring cohort", instructors=[instructor, co], desired_retention=Decimal("0.90")
    )
    anatomy = f.QuestionBankFactory(topic="anatomy", owner=instructor, slug="anatomy")
    myths = f.QuestionBankFactory(topic="myths", owner=f.InstructorFactory(), slug="myths")
    q_a1 = choice_question(anatomy, "insertion")
    q_a2 = choice_question(anatomy, "origin", right="T12 to L4 vertebrae", wrong="The sacrum")
    q_m1 = choice_question(
        myths,
        "trauma",
        right="No: there is no evidence that any muscle stores emotions",
        wrong="Yes: the psoas stores emotional trauma",
        myth=True,
    )
    anatomy_quiz = f.QuizFactory(title="Anatomy check", pass_mark=70)
    myths_quiz = f.QuizFactory(title="Myths check", pass_mark=70)
    f.QuizItemFactory(quiz=anatomy_quiz, question=q_a1, position=1)
    f.QuizItemFactory(quiz=anatomy_quiz, question=q_a2, position=2)
    f.QuizItemFactory(quiz=myths_quiz, question=q_m1, position=1)
    a1 = f.AssignmentFactory(quiz=anatomy_quiz, classroom=classroom, due_at=NOW - timedelta(days=1))
    a2 = f.AssignmentFactory(quiz=myths_quiz, classroom=classroom, due_at=NOW + timedelta(days=2))
    names = ("Ada", "Ben", "Cy", "Dee")
    ada, ben, cy, dee = (f.StudentFactory(display_name=n, username=n.lower()) for n in names)
    for s in (ada, ben, cy, dee):
        f.EnrollmentFactory(classroom=classroom, student=s)
    # Ada passed both quizzes at the second try; she picked the myth the first time.
    sit(ada, a1, [(q_a1, 0), (q_a2, 1)], number=1, started=NOW - timedelta(days=3))
    sit(ada, a1, [(q_a1, 0), (q_a2, 0)], number=2, started=NOW - timedelta(days=2))
    sit(ada, a2, [(q_m1, 1)], number=1, started=NOW - timedelta(days=2, hours=-1))
    sit(ada, a2, [(q_m1, 0)], number=2, started=NOW - timedelta(days=2, hours=-2))
    # Ben failed the anatomy check and has not started the myths check.
    sit(ben, a1, [(q_a1, 1), (q_a2, 0)], number=1, started=NOW - timedelta(days=1))
    # Cy has an extension on the anatomy check, and has done nothing.
    f.ExtensionFactory(assignment=a1, student=cy, due_at=NOW + timedelta(days=3))
    # Dee picked the myth eight days ago and has not been back.
    sit(dee, a2, [(q_m1, 1)], number=1, started=NOW - timedelta(days=8))

    def card(student, question, **fields):
        return f.CardStateFactory(student=student, question=question, **fields)

    review = {"phase": "review", "difficulty": 5.0, "reps": 3}
    ada_a1 = card(
        ada,
        q_a1,
        stability=10.0,
        last_review=NOW - timedelta(days=3),
        due=NOW + timedelta(days=7),
        **review,
    )
    card(
        ada,
        q_m1,
        stability=2.0,
        last_review=NOW - timedelta(days=5),
        due=NOW - timedelta(days=3),
        **review,
    )
    # A card outside the class's deck: it counts nowhere here.
    elsewhere = f.QuestionFactory(bank=f.QuestionBankFactory(topic="anatomy"))
    outside = card(
        ada,
        elsewhere,
        stability=1.0,
        last_review=NOW - timedelta(days=20),
        due=NOW - timedelta(days=19),
        **review,
    )
    f.ReviewLogFactory(card=outside, phase_before="review", rating=1, reviewed_at=NOW)
    for days, rating in ((1, 3), (2, 3), (3, 1), (4, 4)):
        f.ReviewLogFactory(
            card=ada_a1,
            phase_before="review",
            rating=rating,
            reviewed_at=NOW - timedelta(days=days),
        )
    f.ReviewLogFactory(
        card=ada_a1, phase_before="review", rating=1, reviewed_at=NOW - timedelta(days=40)
    )
    f.ReviewLogFactory(
        card=ada_a1, phase_before="learning", rating=3, reviewed_at=NOW - timedelta(minutes=30)
    )
    card(
        ben,
        q_a1,
        stability=4.0,
        last_review=NOW - timedelta(days=2),
        due=NOW - timedelta(days=2),
        **review,
    )
    card(
        ben,
        q_a2,
        phase="learning",
        stability=1.0,
        difficulty=5.0,
        last_review=NOW - timedelta(hours=1),
        due=NOW - timedelta(hours=1),
    )
    card(
        ben,
        q_m1,
        stability=1.0,
        last_review=NOW - timedelta(days=10),
        due=NOW - timedelta(days=9),
        is_leech=True,
        **review,
    )
    return Class(classroom, instructor, co, a1, a2, q_a1, q_a2, q_m1, ada, ben, cy, dee)


@pytest.fixture
def cls():
    return build_class()


def rows_by_name(dashboard):
    return {row.student.username: row for row in dashboard.students}


# --- dashboard ---------------------------------------------------------------------------------


def test_dashboard_figures_match_the_hand_worked_class(cls):
    dashboard = cr.class_dashboard(cls.classroom, NOW)
    assert [a.quiz.title for a in dashboard.assignments] == ["Anatomy check", "Myths check"]
    assert dashboard.deck_size == 3
    rows = rows_by_name(dashboard)
    assert list(rows) == ["ada", "ben", "cy", "dee"]
    ada, ben, cy, dee = rows["ada"], rows["ben"], rows["cy"], rows["dee"]

    assert ada.attempts == 4
    assert [(r.best, r.grade, r.passed) for r in ada.results] == [(1.0, 1.0, True)] * 2
    assert (ada.mean_grade, ada.passes) == (1.0, 2)
    # m1 is due three days ago (due and overdue); a1 is due next week; the outside card is not
    # on this class's deck.
    assert (ada.due, ada.overdue, ada.leeches) == (1, 1, 0)
    assert ada.retention == Retention(reviews=4, recalled=3, target=0.9)
    assert ada.last_activity == NOW - timedelta(minutes=30)
    assert ada.mastery == pytest.approx((recall(3, 10.0) + recall(5, 2.0)) / 3, abs=1e-6)
    assert ada.reasons == ()

    assert ben.attempts == 1
    assert [(r.grade, r.passed) for r in ben.results] == [(0.5, False), (None, None)]
    assert (ben.mean_grade, ben.passes) == (0.5, 0)
    assert (ben.due, ben.overdue, ben.leeches) == (2, 1, 1)
    assert ben.last_activity == NOW - timedelta(days=1) + timedelta(minutes=5)
    assert ben.mastery == pytest.approx((recall(2, 4.0) + 1.0 + recall(10, 1.0)) / 3, abs=1e-6)
    assert ben.reasons == (
        "failed Anatomy check (50%; pass mark 70%)",
        "has not started Myths check, due in 2 days",
    )

    assert (cy.attempts, cy.mean_grade, cy.passes, cy.mastery) == (0, None, 0, 0.0)
    assert cy.retention.rate is None and cy.last_activity is None
    # The extension moves Cy's anatomy due date three days ahead: not missed, not due soon.
    assert cy.results[0].window.due_at == NOW + timedelta(days=3)
    # Cy has reviewed nothing yet: a 0% mastery is no news beside "no activity yet".
    assert cy.reasons == (
        "has not started Myths check, due in 2 days",
        "no activity yet",
    )
    # Dee took quizzes but has reviewed no card of the deck: the quiz reasons say it all.
    assert dee.reasons == (
        "missed Anatomy check",
        "failed Myths check (0%; pass mark 70%)",
        "no activity for 7 days",
    )
    # Most reasons first; equal counts keep the class's name order.
    assert [row.student.username for row in dashboard.at_risk] == ["dee", "ben", "cy"]


@pytest.mark.parametrize(
    ("method", "grade"),
    [("highest", 0.9), ("first", 0.6), ("last", 0.3), ("average", 0.6)],
)
def test_grade_follows_the_quizs_grading_method(method, grade):
    student = f.StudentFactory()
    classroom = f.ClassroomFactory()
    f.EnrollmentFactory(classroom=classroom, student=student)
    assignment = f.AssignmentFactory(
        classroom=classroom, quiz=f.QuizFactory(grading_method=method, pass_mark=50)
    )
    for number, fraction in enumerate(("0.6", "0.9", "0.3"), 1):
        f.SubmittedAttemptFactory(
            student=student,
            quiz=assignment.quiz,
            assignment=assignment,
            number=number,
            fraction=Decimal(fraction),
            started_at=NOW - timedelta(hours=10 - number),
        )
    # An open attempt counts as made, never as scored.
    f.AttemptFactory(student=student, quiz=assignment.quiz, assignment=assignment, number=4)
    (row,) = cr.class_dashboard(classroom, NOW).students
    (result,) = row.results
    assert (result.attempts, result.closed, result.in_progress) == (4, 3, True)
    assert result.best == 0.9
    assert result.grade == pytest.approx(grade)
    assert result.passed is (grade >= 0.5)


def test_reasons_for_overdue_reviews_retention_leeches_and_missed_open_attempt():
    assignment = f.AssignmentFactory(due_at=NOW - timedelta(hours=1))
    result = cr.QuizResult(
        assignment=assignment,
        window=attempt_services.window_for(assignment, None),
        attempts=1,
        closed=0,
        in_progress=True,
        best=None,
        grade=None,
        passed=None,
    )
    reasons = cr.at_risk_reasons(
        results=[result],
        overdue=cr.OVERDUE_REVIEWS_AT_RISK + 2,
        mastery=0.5,
        retention=Retention(reviews=25, recalled=18, target=0.9),
        leeches=cr.LEECHES_AT_RISK,
        last_activity=NOW - timedelta(days=1),
        now=NOW,
    )
    assert reasons == (
        "12 reviews overdue",
        f"missed {assignment.quiz.title} (started, never submitted)",
        "remembered 72% of 25 reviews (target 90%)",
        "5 leeches",
    )
    # Low mastery counts once the student has studied, and not before.
    low = {
        "results": [],
        "overdue": 0,
        "mastery": 0.1,
        "retention": Retention(reviews=0, recalled=0, target=0.9),
        "leeches": 0,
        "last_activity": NOW,
        "now": NOW,
    }
    assert cr.at_risk_reasons(**low) == ("mastery below 50% (10%)",)
    assert cr.at_risk_reasons(**low, studied=False) == ()
    # Just under every threshold: no reason at all.
    assert (
        cr.at_risk_reasons(
            results=[],
            overdue=cr.OVERDUE_REVIEWS_AT_RISK - 1,
            mastery=cr.MASTERY_AT_RISK,
            retention=Retention(reviews=cr.MIN_REVIEWS_FOR_RETENTION - 1, recalled=0, target=0.9),
            leeches=cr.LEECHES_AT_RISK - 1,
            last_activity=NOW - cr.INACTIVE_AFTER + timedelta(minutes=1),
            now=NOW,
        )
        == ()
    )


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(hours=3), "due today"),
        (timedelta(days=1), "due tomorrow"),
        (timedelta(days=2), "due in 2 days"),
    ],
)
def test_due_in_words(delta, words):
    assert cr.due_in_words(NOW + delta, NOW) == words


def test_dashboard_of_an_empty_class_and_of_a_class_without_quizzes():
    classroom = f.ClassroomFactory()
    dashboard = cr.class_dashboard(classroom, NOW)
    assert (dashboard.students, dashboard.assignments, dashboard.deck_size) == ([], [], 0)
    f.EnrollmentFactory(classroom=classroom)
    (row,) = cr.class_dashboard(classroom, NOW).students
    # No deck: mastery is unknown rather than 0, so it puts no one at risk.
    assert (row.mastery, row.results, row.reasons) == (None, (), ("no activity yet",))


def test_one_student_with_everything_right():
    student = f.StudentFactory()
    classroom = f.ClassroomFactory()
    f.EnrollmentFactory(classroom=classroom, student=student)
    question = choice_question(f.QuestionBankFactory(), "q")
    quiz = f.QuizFactory()
    f.QuizItemFactory(quiz=quiz, question=question)
    assignment = f.AssignmentFactory(quiz=quiz, classroom=classroom)
    sit(student, assignment, [(question, 0)], number=1, started=NOW - timedelta(hours=1))
    (row,) = cr.class_dashboard(classroom, NOW).students
    assert (row.mean_grade, row.passes, row.attempts) == (1.0, 1, 1)
    mastery = cr.mastery_report(classroom, NOW)
    assert [c.quiz for c in mastery.rows[0].cells] == [1.0]
    assert mastery.class_quiz == (1.0,)


# --- mastery -----------------------------------------------------------------------------------


def test_mastery_from_memory_and_from_quizzes(cls):
    report = cr.mastery_report(cls.classroom, NOW)
    assert [(t.topic, t.cards) for t in report.topics] == [("anatomy", 2), ("myths", 1)]
    cells = {row.student.username: row.cells for row in report.rows}
    anatomy, myths = cells["ada"]
    assert anatomy.memory == pytest.approx(recall(3, 10.0) / 2, abs=1e-6)
    assert myths.memory == pytest.approx(recall(5, 2.0), abs=1e-6)
    assert (anatomy.studied, myths.studied) == (1, 1)
    # Ada: a1 right twice, a2 wrong then right; m1 wrong then right.
    assert (anatomy.quiz, anatomy.answers) == (0.75, 4)
    assert (myths.quiz, myths.answers) == (0.5, 2)
    assert [(c.quiz, c.answers) for c in cells["ben"]] == [(0.5, 2), (None, 0)]
    assert [(c.memory, c.quiz) for c in cells["cy"]] == [(0.0, None), (0.0, None)]
    assert [(c.quiz, c.answers) for c in cells["dee"]] == [(None, 0), (0.0, 1)]
    ben_anatomy = (recall(2, 4.0) + 1.0) / 2
    assert report.class_memory[0] == pytest.approx((recall(3, 10.0) / 2 + ben_anatomy) / 4)
    # Quiz means weigh every answer: (0.75·4 + 0.5·2) / 6 and (0.5·2 + 0·1) / 3.
    assert report.class_quiz == pytest.approx((4 / 6, 1 / 3))


# --- myths -------------------------------------------------------------------------------------


def monday(moment: datetime):
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def test_myth_prevalence_students_and_weekly_trend(cls):
    report = cr.myth_report(cls.classroom, NOW)
    assert report.students == 4
    (myth,) = report.myths
    assert myth.question == cls.q_m1
    assert myth.option_text == "Yes: the psoas stores emotional trauma"
    # Ada wrong then right, Dee wrong: 2 of 3 answers; both ever, only Dee in her latest.
    assert (myth.answers, myth.chose, myth.share) == (3, 2, pytest.approx(2 / 3))
    assert (myth.students_ever, myth.students_latest) == (2, 1)
    first, last = monday(NOW - timedelta(days=8)), monday(NOW - timedelta(days=2))
    expected = []
    week = first
    while week <= last:
        expected.append(week)
        week += timedelta(days=7)
    assert list(report.weeks) == expected
    by_week = {w.start: (w.answers, w.chose) for w in myth.weeks}
    assert by_week[first] == (1, 1) and by_week[last] == (2, 1)
    assert all(by_week[w] == (0, 0) for w in expected[1:-1])
    assert myth.weeks[-1].share == 0.5 and myth.weeks[0].share == 1.0


def test_myths_sorted_by_prevalence_and_empty_class():
    assert cr.myth_report(f.ClassroomFactory(), NOW).myths == []
    classroom = f.ClassroomFactory()
    bank = f.QuestionBankFactory(topic="myths")
    rare = choice_question(bank, "rare", wrong="Psoas is the only hip flexor", myth=True)
    common = choice_question(bank, "common", wrong="The psoas stores trauma", myth=True)
    quiz = f.QuizFactory()
    f.QuizItemFactory(quiz=quiz, question=rare, position=1)
    f.QuizItemFactory(quiz=quiz, question=common, position=2)
    assignment = f.AssignmentFactory(quiz=quiz, classroom=classroom)
    for i, picks in enumerate(
        ([(rare, 0), (common, 1)], [(rare, 1), (common, 1)], [(rare, 0), (common, 0)])
    ):
        student = f.StudentFactory()
        f.EnrollmentFactory(classroom=classroom, student=student)
        sit(student, assignment, picks, number=1, started=NOW - timedelta(hours=i + 1))
    # An in-progress attempt picking the myth does not count yet.
    sit(
        student,
        assignment,
        [(rare, 1), (common, 1)],
        number=2,
        started=NOW,
        state=AttemptState.IN_PROGRESS,
    )
    report = cr.myth_report(classroom, NOW)
    assert [(m.question.key, m.chose, m.answers) for m in report.myths] == [
        ("common", 2, 3),
        ("rare", 1, 3),
    ]


def test_latest_answer_is_the_last_submitted_in_this_class_whatever_the_quiz():
    """Latest = the answer in the student's last-submitted closed attempt in this class; on a
    tie in submission time, the later attempt. Worked out by hand per student below."""
    classroom = f.ClassroomFactory()
    bank = f.QuestionBankFactory(topic="myths")
    myth = choice_question(bank, "trauma", wrong="The psoas stores trauma", myth=True)
    other = choice_question(bank, "other")
    quiz_a, quiz_b = f.QuizFactory(), f.QuizFactory()
    f.QuizItemFactory(quiz=quiz_a, question=myth, position=1)
    f.QuizItemFactory(quiz=quiz_b, question=other, position=1)
    f.QuizItemFactory(quiz=quiz_b, question=myth, position=2)
    a = f.AssignmentFactory(quiz=quiz_a, classroom=classroom)
    b = f.AssignmentFactory(quiz=quiz_b, classroom=classroom)
    elsewhere = f.AssignmentFactory(quiz=quiz_a)
    students = [f.StudentFactory() for _ in range(5)]
    for student in students:
        f.EnrollmentFactory(classroom=classroom, student=student)
    s1, s2, s3, s4, s5 = students
    day = timedelta(days=1)
    # s1: myth in quiz A, then right in quiz B a day later: latest is not the myth.
    sit(s1, a, [(myth, 1)], number=1, started=NOW - 3 * day)
    sit(s1, b, [(other, 0), (myth, 0)], number=1, started=NOW - 2 * day)
    # s2: right in quiz B, then the myth in quiz A: latest is the myth.
    sit(s2, b, [(other, 0), (myth, 0)], number=1, started=NOW - 3 * day)
    sit(s2, a, [(myth, 1)], number=1, started=NOW - 2 * day)
    # s3: the myth, then right in another class: that one does not count here, so the myth is
    # s3's latest answer in this class.
    sit(s3, a, [(myth, 1)], number=1, started=NOW - 3 * day)
    f.EnrollmentFactory(classroom=elsewhere.classroom, student=s3)
    sit(s3, elsewhere, [(myth, 0)], number=2, started=NOW - 2 * day)
    # s4: two attempts submitted at the same moment: the later attempt (right) is the latest.
    sit(s4, a, [(myth, 1)], number=1, started=NOW - 2 * day)
    sit(s4, b, [(other, 0), (myth, 0)], number=1, started=NOW - 2 * day)
    # s5: the same tie the other way round: the later attempt chose the myth.
    sit(s5, b, [(other, 0), (myth, 0)], number=1, started=NOW - 2 * day)
    sit(s5, a, [(myth, 1)], number=1, started=NOW - 2 * day)
    # An open attempt choosing the myth counts for nobody yet.
    sit(s1, a, [(myth, 1)], number=2, started=NOW - day, state=AttemptState.IN_PROGRESS)

    (row,) = cr.myth_report(classroom, NOW).myths
    assert (row.answers, row.chose) == (9, 5)
    # Latest is the myth for s2, s3 and s5.
    assert (row.students_ever, row.students_latest) == (5, 3)


# --- pages, CSV, permissions -------------------------------------------------------------------


def urls(cls):
    pk = cls.classroom.pk
    found = [reverse(name, args=[pk]) for name in REPORTS]
    found.append(reverse("report_quiz", args=[pk, cls.a1.quiz_id]))
    return found


def test_pages_show_the_figures(client, cls):
    client.force_login(cls.instructor)
    page = client.get(reverse("report_class", args=[cls.classroom.pk])).content.decode()
    assert "failed Anatomy check (50%; pass mark 70%)" in page
    assert "has not started Myths check" in page
    assert 'href="' + reverse("class_detail", args=[cls.classroom.pk]) + '"' in page
    assert reverse("report_quiz", args=[cls.classroom.pk, cls.a2.quiz_id]) in page

    quiz_page = client.get(
        reverse("report_quiz", args=[cls.classroom.pk, cls.a1.quiz_id])
    ).content.decode()
    # Highest attempts: Ada's 100% and Ben's 50%.
    assert "Each student&#x27;s highest-scoring attempt" in quiz_page
    assert "<dd>75.0%</dd>" in quiz_page
    assert TOO_EASY.replace("'", "&#x27;") in quiz_page  # a2: everyone counted got it right
    # The instructor owns the anatomy bank: its questions link to their pages.
    assert reverse("question_detail", args=[cls.q_a1.pk]) in quiz_page

    myths_page = client.get(reverse("report_myths", args=[cls.classroom.pk])).content.decode()
    assert "Yes: the psoas stores emotional trauma" in myths_page
    assert "67%" in myths_page and "2 of 3 answers" in myths_page
    assert "From quiz answers only" in myths_page
    # The myths bank belongs to someone else and is private: no link to it.
    assert reverse("question_detail", args=[cls.q_m1.pk]) not in myths_page

    mastery_page = client.get(reverse("report_mastery", args=[cls.classroom.pk])).content.decode()
    assert "75%" in mastery_page and "Colour key" in mastery_page


def test_class_page_links_to_every_report(client, cls):
    client.force_login(cls.instructor)
    page = client.get(reverse("class_detail", args=[cls.classroom.pk])).content.decode()
    for url in urls(cls) + [reverse("report_quiz", args=[cls.classroom.pk, cls.a2.quiz_id])]:
        assert f'href="{url}"' in page


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_downloads(client, cls):
    client.force_login(cls.instructor)
    pk = cls.classroom.pk
    rows = read_csv(client.get(reverse("report_class", args=[pk]), {"format": "csv"}))
    header, ada = rows[0], rows[1]
    assert header[:3] == ["student", "username", "attempts"]
    assert "Anatomy check: grade" in header and header[-1] == "at risk because"
    assert ada[:3] == ["Ada", "ada", "4"]
    assert ada[header.index("retention (30 days)")] == "0.75"
    assert rows[2][-1] == (
        "failed Anatomy check (50%; pass mark 70%); has not started Myths check, due in 2 days"
    )
    quiz_url = reverse("report_quiz", args=[pk, cls.a1.quiz_id])
    questions = read_csv(client.get(quiz_url, {"format": "csv"}))
    assert questions[0][:4] == ["question_id", "version_id", "version", "label"]
    assert {r[3] for r in questions[1:]} >= {"anatomy/insertion", "anatomy/origin"}
    options = read_csv(client.get(quiz_url, {"format": "csv", "table": "options"}))
    assert options[0][:3] == ["question", "version", "option_id"]
    memory = read_csv(client.get(reverse("report_mastery", args=[pk]), {"format": "csv"}))
    assert memory[0][2] == "Anatomy: mastery"
    quiz = read_csv(
        client.get(reverse("report_mastery", args=[pk]), {"format": "csv", "table": "quiz"})
    )
    assert quiz[1][2:] == ["0.75", "4", "0.5", "2"]
    myths = read_csv(client.get(reverse("report_myths", args=[pk]), {"format": "csv"}))
    assert myths[1][2:] == ["3", "2", "0.666667", "2", "1", "4"]
    weeks = read_csv(
        client.get(reverse("report_myths", args=[pk]), {"format": "csv", "table": "weeks"})
    )
    assert weeks[0] == [
        "question",
        "myth option",
        "week starting",
        "answers",
        "chose the myth",
        "share",
    ]
    assert (
        client.get(reverse("report_myths", args=[pk]), {"format": "csv", "table": "x"}).status_code
        == 404
    )


def test_csv_neutralises_formulas_but_keeps_numbers(client, cls):
    cls.ada.display_name = '=HYPERLINK("http://evil.example","click")'
    cls.ada.save(update_fields=["display_name"])
    client.force_login(cls.instructor)
    rows = read_csv(client.get(reverse("report_class", args=[cls.classroom.pk]), {"format": "csv"}))
    assert rows[1][0] == "'" + cls.ada.display_name
    assert rows[1][2] == "4"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=SUM(A1:A3)", "'=SUM(A1:A3)"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("-25", "-25"),
        ("-0.5", "-0.5"),
        ("42", "42"),
        ("Psoas major", "Psoas major"),
    ],
)
def test_neutraliser(cell, written):
    assert neutral_write(cell) == written


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "yes"),
        (-0.25, "-0.25"),
        (1 / 3, "0.333333"),
        (7, "7"),
        ("-x", "'-x"),
        (datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC), "2030-01-02 03:04:05 UTC"),
    ],
)
def test_csv_cell(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize("csv_format", [False, True])
def test_permission_matrix(client, cls, csv_format):
    other = f.InstructorFactory()
    staff = f.InstructorFactory(is_staff=True)
    query = {"format": "csv"} if csv_format else {}
    expected = [
        (cls.instructor, 200),
        (cls.co_instructor, 200),
        (other, 404),
        (cls.ada, 404),
        (staff, 200),
    ]
    for url in urls(cls):
        for user, status in expected:
            client.force_login(user)
            assert client.get(url, query).status_code == status, (url, user)
        client.logout()
        response = client.get(url, query)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_bad_ids_are_404(client, cls):
    client.force_login(cls.instructor)
    pk = cls.classroom.pk
    unassigned = f.QuizFactory()
    for url in (
        reverse("report_class", args=[999999]),
        reverse("report_quiz", args=[pk, unassigned.pk]),
        reverse("report_quiz", args=[pk, 999999]),
        reverse("report_quiz", args=[f.ClassroomFactory().pk, cls.a1.quiz_id]),
    ):
        assert client.get(url).status_code == 404


def test_empty_class_pages(client):
    instructor = f.InstructorFactory()
    classroom = f.ClassroomFactory(instructors=[instructor])
    assignment = f.AssignmentFactory(classroom=classroom)
    client.force_login(instructor)
    for name in REPORTS:
        assert client.get(reverse(name, args=[classroom.pk])).status_code == 200
        assert client.get(reverse(name, args=[classroom.pk]), {"format": "csv"}).status_code == 200
    page = client.get(reverse("report_quiz", args=[classroom.pk, assignment.quiz_id]))
    assert "No attempt has been submitted" in page.content.decode()
    for table in ("questions", "options"):
        response = client.get(
            reverse("report_quiz", args=[classroom.pk, assignment.quiz_id]),
            {"format": "csv", "table": table},
        )
        assert len(read_csv(response)) == 1


def test_reports_are_live(client):
    """A submission shows on the very next request: nothing is cached."""
    instructor = f.InstructorFactory()
    classroom = f.ClassroomFactory(instructors=[instructor])
    student = f.StudentFactory(display_name="Eve")
    f.EnrollmentFactory(classroom=classroom, student=student)
    question = choice_question(
        f.QuestionBankFactory(topic="myths"), "q", wrong="The psoas stores trauma", myth=True
    )
    quiz = f.QuizFactory(title="Live check")
    f.QuizItemFactory(quiz=quiz, question=question)
    assignment = f.AssignmentFactory(quiz=quiz, classroom=classroom)
    client.force_login(instructor)
    dashboard_url = reverse("report_class", args=[classroom.pk])
    myths_url = reverse("report_myths", args=[classroom.pk])
    before = client.get(dashboard_url, {"format": "csv"})
    assert read_csv(before)[1][2] == "0"
    assert "No submitted answer" in client.get(myths_url).content.decode()

    attempt = attempt_services.attempt_start(student=student, assignment=assignment)
    myth = question.current_version.options.get(is_myth=True)
    attempt_services.answer_save(
        attempt_id=attempt.pk,
        student=student,
        position=1,
        response={"option": myth.pk},
        revision=attempt.revision,
    )
    attempt_services.attempt_submit(attempt_id=attempt.pk, student=student)

    after = read_csv(client.get(dashboard_url, {"format": "csv"}))
    assert after[1][2] == "1" and after[1][4] == "0.0"  # one attempt; its grade is 0
    assert "The psoas stores trauma" in client.get(myths_url).content.decode()


# --- query counts ------------------------------------------------------------------------------


def populate(students: int):
    """A class of `students`, each with attempts, answers, choices, cards and reviews."""
    instructor = f.InstructorFactory()
    classroom = f.ClassroomFactory(instructors=[instructor])
    bank = f.QuestionBankFactory(topic="anatomy", owner=instructor)
    myth_bank = f.QuestionBankFactory(topic="myths", owner=instructor)
    questions = [choice_question(bank, f"a{i}") for i in range(2)]
    questions.append(choice_question(myth_bank, "m", wrong="It stores trauma", myth=True))
    quizzes = []
    for i, group in enumerate((questions[:2], questions[2:])):
        quiz = f.QuizFactory(grading_method=("highest", "last")[i])
        for position, q in enumerate(group):
            f.QuizItemFactory(quiz=quiz, question=q, position=position)
        quizzes.append((f.AssignmentFactory(quiz=quiz, classroom=classroom), group))
    for s in range(students):
        student = f.StudentFactory()
        f.EnrollmentFactory(classroom=classroom, student=student)
        for assignment, group in quizzes:
            for number in (1, 2):
                picks = [(q, (s + number) % 2) for q in group]
                sit(student, assignment, picks, number=number, started=NOW - timedelta(days=number))
        card = f.CardStateFactory(
            student=student,
            question=questions[0],
            phase="review",
            stability=3.0,
            difficulty=5.0,
            last_review=NOW - timedelta(days=2),
            due=NOW - timedelta(days=2),
        )
        f.ReviewLogFactory(card=card, phase_before="review", reviewed_at=NOW - timedelta(days=2))
    return instructor, classroom, quizzes[0][0]


# Session, user, classroom; then the selector's own queries (the quiz report adds the
# assignment and the readable-question lookup to quiz_report's five).
EXPECTED_QUERIES = {"report_class": 10, "report_mastery": 7, "report_myths": 9, "report_quiz": 10}


@pytest.mark.parametrize("name", [*REPORTS, "report_quiz"])
@pytest.mark.parametrize("csv_format", [False, True])
def test_query_counts_do_not_grow_with_the_class(
    client, django_assert_num_queries, name, csv_format
):
    for size in (5, 40):
        instructor, classroom, assignment = populate(size)
        client.force_login(instructor)
        args = [classroom.pk] + ([assignment.quiz_id] if name == "report_quiz" else [])
        url = reverse(name, args=args)
        query = {"format": "csv"} if csv_format else {}
        expected = EXPECTED_QUERIES[name] - (
            1 if csv_format and name in ("report_quiz", "report_myths") else 0
        )
        with django_assert_num_queries(expected):
            response = client.get(url, query)
        assert response.status_code == 200
        assert expected <= 15


def test_quiz_report_shows_each_version_after_an_edit(client, cls):
    """An edited question gets a row per version, so the instructor sees whether the edit
    helped, with a link to the question's history."""
    old = cls.q_a2.current_version
    new = f.QuestionVersionFactory(question=cls.q_a2, number=2, prompt="Where does psoas arise?")
    f.OptionFactory(version=new, position=0, text="T12 to L4 vertebrae", fraction=Decimal(1))
    f.OptionFactory(version=new, position=1, text="The sacrum", fraction=Decimal(0))
    cls.q_a2.current_version = new
    cls.q_a2.save(update_fields=["current_version"])
    sit(cls.cy, cls.a1, [(cls.q_a1, 1), (cls.q_a2, 1)], number=1, started=NOW)
    client.force_login(cls.instructor)
    url = reverse("report_quiz", args=[cls.classroom.pk, cls.a1.quiz_id])
    page = client.get(url).content.decode()
    assert "All versions" in page and "Version 1" in page and "Version 2" in page
    assert reverse("question_history", args=[cls.q_a2.pk]) in page
    rows = read_csv(client.get(url, {"format": "csv"}))
    header = rows[0]
    versions = {
        r[header.index("version")]: r[header.index("facility")]
        for r in rows[1:]
        if r[header.index("label")].startswith("anatomy/origin")
    }
    # Version 1: Ada and Ben both right; version 2: Cy wrong. Whole question: 2 of 3.
    assert versions == {"1": "1.0", "2": "0.0", "": "0.666667"}
    assert old.pk != new.pk
