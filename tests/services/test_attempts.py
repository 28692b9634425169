"""Attempt services: who may start, what an attempt holds, saving, submitting, closing late ones."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from quizzes import presentation, scheduling
from quizzes.grading import InvalidResponse
from quizzes.models import (
    Answer,
    AnswerChoice,
    Attempt,
    CardState,
    Option,
    Question,
    Quiz,
    ReviewLog,
)
from quizzes.models.attempts import AttemptState
from quizzes.models.memory import ReviewSource
from quizzes.models.quizzes import FeedbackTiming
from quizzes.selectors.attempts import answer_for_student
from quizzes.services.attempts import (
    ATTEMPT_CLOSED,
    CLOSED,
    LOCKED,
    MAX_TIME_PER_SAVE_MS,
    NO_ATTEMPTS_LEFT,
    NO_QUESTIONS,
    NO_SUCH_QUESTION,
    NOT_CHECKABLE,
    NOT_IN_CLASS,
    NOT_OPEN_YET,
    NOTHING_TO_CHECK,
    RESPONSE_TOO_LARGE,
    RESPONSE_UNREADABLE,
    STALE,
    TIME_UP,
    AttemptRefused,
    SaveStatus,
    answer_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
    grace_period,
    time_is_up,
    window_for,
)
from quizzes.services.bundled import bundled_banks_load
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    ExtensionFactory,
    OptionFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuestionVersionFactory,
    QuizDrawFactory,
    QuizFactory,
    QuizItemFactory,
    StudentFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


# --- building blocks ---------------------------------------------------------------------------


def make_question(
    *,
    bank=None,
    qtype="single_choice",
    options=(("Lesser trochanter", 1), ("Greater trochanter", 0)),
    config=None,
    tags=(),
    archived=False,
):
    """A question with one version; options are (text, fraction[, extra Option fields])."""
    question = QuestionFactory(bank=bank or QuestionBankFactory(), with_version=False)
    version = QuestionVersionFactory(question=question, number=1, qtype=qtype, config=config or {})
    for position, (text, fraction, *extra) in enumerate(options):
        OptionFactory(
            version=version,
            position=position,
            text=text,
            fraction=Decimal(str(fraction)),
            **(extra[0] if extra else {}),
        )
    question.current_version = version
    if archived:
        question.archived_at = timezone.now()
    question.save()
    question.tags.add(*(TagFactory(name=name) for name in tags))
    return question


def flashcard(**kwargs):
    return make_question(
        qtype="flashcard", options=(), config={"back": "Lesser trochanter"}, **kwargs
    )


def stored_order(question):
    return list(question.current_version.options.order_by("position").values_list("pk", flat=True))


def quiz_with(questions, *, points=None, **quiz_fields):
    quiz_fields.setdefault("shuffle_questions", False)
    quiz = QuizFactory(**quiz_fields)
    for position, question in enumerate(questions, 1):
        QuizItemFactory(
            quiz=quiz,
            question=question,
            position=position,
            points=Decimal(points[position - 1]) if points else Decimal(1),
        )
    return quiz


def assign(quiz, *, student=None, **assignment_fields):
    """The quiz assigned to a new class with the student enrolled in it."""
    assignment_fields.setdefault("due_at", None)
    assignment = AssignmentFactory(quiz=quiz, **assignment_fields)
    student = student or StudentFactory()
    EnrollmentFactory(classroom=assignment.classroom, student=student)
    return student, assignment


def started(questions=None, *, now=None, seed=1, points=None, **quiz_fields):
    """A student's freshly started attempt at a quiz of the given (or 3 new) questions."""
    questions = questions if questions is not None else [make_question() for _ in range(3)]
    student, assignment = assign(quiz_with(questions, points=points, **quiz_fields))
    attempt = attempt_start(student=student, assignment=assignment, now=now, seed=seed)
    return student, attempt


def answers_of(attempt):
    return list(
        attempt.answers.select_related("question_version")
        .prefetch_related("question_version__options")
        .order_by("position")
    )


def options_of(answer):
    return list(answer.question_version.options.order_by("position"))


def right_option(answer):
    return next(o for o in options_of(answer) if o.fraction == 1)


def wrong_option(answer):
    return next(o for o in options_of(answer) if o.fraction <= 0)


def save(attempt, student, position, response, **kwargs):
    attempt.refresh_from_db()
    kwargs.setdefault("revision", attempt.revision)
    return answer_save(
        attempt_id=attempt.pk, student=student, position=position, response=response, **kwargs
    )


@pytest.fixture
def bundled():
    bundled_banks_load(folder=settings.BANKS_DIR)


# --- attempt_start: who may start, and when ----------------------------------------------------


def test_a_student_outside_the_class_is_refused():
    _, assignment = assign(quiz_with([make_question()]))
    outsider = StudentFactory()
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=outsider, assignment=assignment)
    assert str(refused.value) == NOT_IN_CLASS
    assert not Attempt.objects.exists()


def test_not_open_yet_names_the_assignment_opening():
    now = timezone.now()
    opens = now + 2 * HOUR
    student, assignment = assign(quiz_with([make_question()]), opens_at=opens)
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=student, assignment=assignment, now=now)
    assert str(refused.value) == NOT_OPEN_YET.format(when=opens)
    assert attempt_start(student=student, assignment=assignment, now=opens).number == 1


def test_quiz_dates_apply_when_the_assignment_sets_none():
    now = timezone.now()
    opens = now + HOUR
    student, assignment = assign(quiz_with([make_question()], opens_at=opens))
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=student, assignment=assignment, now=now)
    assert str(refused.value) == NOT_OPEN_YET.format(when=opens)

    closes = now - HOUR
    student, assignment = assign(quiz_with([make_question()], closes_at=closes))
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=student, assignment=assignment, now=now)
    assert str(refused.value) == CLOSED.format(when=closes)


def test_the_assignment_dates_win_over_the_quiz_dates():
    now = timezone.now()
    quiz = quiz_with([make_question()], opens_at=now + DAY, closes_at=now + 2 * DAY)
    student, assignment = assign(quiz, opens_at=now - HOUR, closes_at=now + 3 * DAY)
    attempt = attempt_start(student=student, assignment=assignment, now=now)
    assert attempt.deadline_at == now + 3 * DAY


def test_a_closed_assignment_is_refused_with_its_close_date():
    now = timezone.now()
    closes = now - HOUR
    student, assignment = assign(quiz_with([make_question()]), due_at=now - DAY, closes_at=closes)
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=student, assignment=assignment, now=now)
    assert str(refused.value) == CLOSED.format(when=closes)
    # Closing is exact: at the close moment it is already closed.
    with pytest.raises(AttemptRefused):
        attempt_start(student=student, assignment=assignment, now=closes)


def test_messages_show_utc_whatever_zone_the_date_came_in():
    now = timezone.now()
    opens = (now + 2 * HOUR).replace(microsecond=0)
    student, assignment = assign(
        quiz_with([make_question()]), opens_at=opens.astimezone(timezone.get_fixed_timezone(300))
    )
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=student, assignment=assignment, now=now)
    assert f"{opens.astimezone(UTC):%H:%M}" in str(refused.value)


def test_an_extension_moves_due_and_close_for_that_student_only():
    now = timezone.now()
    quiz = quiz_with([make_question()])
    student, assignment = assign(quiz, due_at=now - 2 * DAY, closes_at=now - DAY)
    other = StudentFactory()
    EnrollmentFactory(classroom=assignment.classroom, student=other)
    ExtensionFactory(
        assignment=assignment, student=student, due_at=now + DAY, closes_at=now + 2 * DAY
    )

    attempt = attempt_start(student=student, assignment=assignment, now=now)
    assert attempt.deadline_at == now + 2 * DAY
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=other, assignment=assignment, now=now)
    assert str(refused.value) == CLOSED.format(when=now - DAY)


def test_an_extension_without_a_close_date_keeps_the_quiz_open_until_its_due_date():
    now = timezone.now()
    student, assignment = assign(
        quiz_with([make_question()]), due_at=now - 2 * DAY, closes_at=now - DAY
    )
    extension = ExtensionFactory(assignment=assignment, student=student, due_at=now + DAY)
    window = window_for(assignment, extension)
    assert (window.due_at, window.closes_at) == (now + DAY, now + DAY)
    assert attempt_start(student=student, assignment=assignment, now=now).deadline_at == now + DAY


def test_an_extension_outlasts_the_quiz_close_date_too():
    # The quiz's own close date must not cut an extension short when the assignment has none.
    now = timezone.now()
    quiz = quiz_with([make_question()], closes_at=now - HOUR)
    student, assignment = assign(quiz)
    extension = ExtensionFactory(assignment=assignment, student=student, due_at=now + DAY)
    assert window_for(assignment, extension).closes_at == now + DAY
    assert attempt_start(student=student, assignment=assignment, now=now).deadline_at == now + DAY


def test_an_extension_never_takes_time_away():
    now = timezone.now()
    student, assignment = assign(
        quiz_with([make_question()]), due_at=now + DAY, closes_at=now + 5 * DAY
    )
    extension = ExtensionFactory(
        assignment=assignment, student=student, due_at=now + 2 * DAY, closes_at=now + 3 * DAY
    )
    window = window_for(assignment, extension)
    assert window.due_at == now + 2 * DAY
    assert window.closes_at == now + 5 * DAY


def test_attempts_allowed_is_enforced():
    now = timezone.now()
    student, assignment = assign(quiz_with([make_question()], attempts_allowed=2))
    numbers = []
    for _ in range(2):
        attempt = attempt_start(student=student, assignment=assignment, now=now)
        numbers.append(attempt.number)
        attempt_submit(attempt_id=attempt.pk, student=student, now=now)
    assert numbers == [1, 2]
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=student, assignment=assignment, now=now)
    assert str(refused.value) == NO_ATTEMPTS_LEFT.format(allowed=2)
    assert Attempt.objects.filter(student=student).count() == 2


def test_unlimited_attempts_when_attempts_allowed_is_zero():
    student, assignment = assign(quiz_with([make_question()], attempts_allowed=0))
    for expected in range(1, 5):
        attempt = attempt_start(student=student, assignment=assignment)
        assert attempt.number == expected
        attempt_submit(attempt_id=attempt.pk, student=student)


def test_an_open_attempt_is_returned_not_duplicated():
    student, assignment = assign(quiz_with([make_question() for _ in range(3)]))
    first = attempt_start(student=student, assignment=assignment, seed=1)
    again = attempt_start(student=student, assignment=assignment, seed=2)
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1
    assert Answer.objects.count() == 3


def test_an_open_attempt_whose_time_ran_out_is_closed_and_a_new_one_started():
    now = timezone.now()
    student, assignment = assign(quiz_with([make_question()], time_limit_seconds=60))
    old = attempt_start(student=student, assignment=assignment, now=now)
    save(old, student, 1, {"option": right_option(answers_of(old)[0]).pk}, now=now)

    later = now + HOUR
    new = attempt_start(student=student, assignment=assignment, now=later)

    assert new.pk != old.pk
    assert (new.number, new.deadline_at) == (2, later + timedelta(seconds=60))
    old.refresh_from_db()
    assert (old.state, old.fraction) == (AttemptState.OVERDUE, 1)
    assert old.submitted_at == old.deadline_at + grace_period()


def test_a_timed_out_attempt_is_closed_even_when_no_new_one_may_start():
    now = timezone.now()
    student, assignment = assign(
        quiz_with([make_question()], time_limit_seconds=60, attempts_allowed=1)
    )
    old = attempt_start(student=student, assignment=assignment, now=now)
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=student, assignment=assignment, now=now + HOUR)
    assert str(refused.value) == NO_ATTEMPTS_LEFT.format(allowed=1)
    old.refresh_from_db()
    assert old.state == AttemptState.OVERDUE


# --- attempt_start: which questions, in which order ----------------------------------------------


def test_fixed_items_then_draw_rules_with_their_points():
    fixed = [make_question(), make_question()]
    bank = QuestionBankFactory()
    in_bank = [make_question(bank=bank) for _ in range(4)]
    tagged = [make_question(tags=["iliacus"]) for _ in range(3)]
    quiz = quiz_with(fixed, points=["2", "3"])
    QuizDrawFactory(quiz=quiz, bank=bank, count=2, points=Decimal("1.5"))
    QuizDrawFactory(quiz=quiz, bank=None, tag=TagFactory(name="iliacus"), count=1)
    student, assignment = assign(quiz)

    attempt = attempt_start(student=student, assignment=assignment, seed=7)

    answers = answers_of(attempt)
    assert [a.position for a in answers] == [1, 2, 3, 4, 5]
    questions = [a.question_version.question_id for a in answers]
    assert questions[:2] == [q.pk for q in fixed]
    assert set(questions[2:4]) <= {q.pk for q in in_bank}
    assert questions[4] in {q.pk for q in tagged}
    assert [a.points for a in answers] == [2, 3, Decimal("1.5"), Decimal("1.5"), 1]


def test_a_question_is_never_drawn_twice_in_one_attempt():
    bank = QuestionBankFactory()
    pool = [make_question(bank=bank, tags=["insertion"]) for _ in range(4)]
    quiz = quiz_with(pool[:1])
    QuizDrawFactory(quiz=quiz, bank=bank, count=2)
    QuizDrawFactory(quiz=quiz, bank=bank, tag=TagFactory(name="insertion"), count=5)
    student, assignment = assign(quiz)
    attempt = attempt_start(student=student, assignment=assignment, seed=3)
    questions = [a.question_version.question_id for a in answers_of(attempt)]
    assert sorted(questions) == sorted(q.pk for q in pool)


def test_a_tag_rule_draws_across_banks_and_a_bank_and_tag_rule_draws_their_overlap():
    bank = QuestionBankFactory()
    both = [make_question(bank=bank, tags=["myth"]) for _ in range(2)]
    make_question(bank=bank)  # in the bank, untagged
    elsewhere = [make_question(tags=["myth"]) for _ in range(2)]
    quiz = QuizFactory(shuffle_questions=False)
    QuizDrawFactory(quiz=quiz, bank=bank, tag=TagFactory(name="myth"), count=10)
    student, assignment = assign(quiz)
    attempt = attempt_start(student=student, assignment=assignment)
    assert {a.question_version.question_id for a in answers_of(attempt)} == {q.pk for q in both}

    quiz = QuizFactory(shuffle_questions=False)
    QuizDrawFactory(quiz=quiz, bank=None, tag=TagFactory(name="myth"), count=10)
    student, assignment = assign(quiz)
    attempt = attempt_start(student=student, assignment=assignment)
    drawn = {a.question_version.question_id for a in answers_of(attempt)}
    assert drawn == {q.pk for q in both + elsewhere}


def test_questions_stay_in_item_order_without_shuffle():
    questions = [make_question() for _ in range(8)]
    _, attempt = started(questions, shuffle_questions=False, seed=5)
    assert [a.question_version.question_id for a in answers_of(attempt)] == [
        q.pk for q in questions
    ]


def question_orders(questions, seeds, **quiz_fields):
    quiz = quiz_with(questions, **quiz_fields)
    orders = []
    for seed in seeds:
        student, assignment = assign(quiz)
        attempt = attempt_start(student=student, assignment=assignment, seed=seed)
        orders.append([a.question_version.question_id for a in answers_of(attempt)])
    return orders


def test_shuffled_questions_are_reproducible_with_a_seed():
    questions = [make_question() for _ in range(8)]
    first, same, *others = question_orders(questions, [11, 11, 12, 13, 14], shuffle_questions=True)
    assert first == same
    assert sorted(first) == sorted(q.pk for q in questions)
    # Eight questions have 40,320 orders: four seeds giving the item order would mean no shuffle.
    assert any(order != [q.pk for q in questions] for order in [first, *others])
    assert len({tuple(o) for o in [first, *others]}) > 1


def option_orders(question, seeds, **quiz_fields):
    quiz = quiz_with([question], **quiz_fields)
    orders = []
    for seed in seeds:
        student, assignment = assign(quiz)
        attempt = attempt_start(student=student, assignment=assignment, seed=seed)
        orders.append(answers_of(attempt)[0].option_order)
    return orders


def test_shuffled_options_are_reproducible_and_off_means_stored_order():
    question = make_question(options=[(f"Option {n}", 1 if n == 0 else 0) for n in range(6)])
    stored = list(
        question.current_version.options.order_by("position").values_list("pk", flat=True)
    )
    first, same, *others = option_orders(question, [4, 4, 5, 6, 7], shuffle_options=True)
    assert first == same
    assert sorted(first) == sorted(stored)
    assert any(order != stored for order in [first, *others])
    assert option_orders(question, [4, 5, 6], shuffle_options=False) == [stored] * 3


def test_true_false_always_reads_true_then_false():
    question = make_question(qtype="true_false", options=[("True", 0), ("False", 1)])
    stored = list(
        question.current_version.options.order_by("position").values_list("pk", flat=True)
    )
    assert option_orders(question, range(6), shuffle_options=True) == [stored] * 6


def test_ordering_items_are_never_shown_in_the_right_order():
    question = make_question(
        qtype="ordering", options=[("Origin", 0), ("Belly", 0), ("Insertion", 0)]
    )
    right = stored_order(question)
    # Even with option shuffling off: stored order is the answer.
    orders = option_orders(question, range(12), shuffle_options=False)
    assert all(sorted(o) == sorted(right) and o != right for o in orders)


def test_flashcards_are_never_drawn_or_used_as_fixed_items():
    bank = QuestionBankFactory()
    cards = [flashcard(bank=bank) for _ in range(3)]
    gradable = [make_question(bank=bank) for _ in range(2)]
    quiz = quiz_with([cards[0]])  # a flashcard put in by hand is skipped too: it cannot be graded
    QuizDrawFactory(quiz=quiz, bank=bank, count=10)
    student, assignment = assign(quiz)
    attempt = attempt_start(student=student, assignment=assignment)
    drawn = [a.question_version.question_id for a in answers_of(attempt)]
    assert sorted(drawn) == sorted(q.pk for q in gradable)
    # And the attempt can be submitted.
    assert attempt_submit(attempt_id=attempt.pk, student=student).state == AttemptState.SUBMITTED


def test_archived_questions_are_never_drawn_or_used_as_fixed_items():
    bank = QuestionBankFactory()
    archived = [make_question(bank=bank, archived=True) for _ in range(3)]
    live = [make_question(bank=bank) for _ in range(2)]
    quiz = quiz_with([archived[0], live[0]])
    QuizDrawFactory(quiz=quiz, bank=bank, count=10)
    student, assignment = assign(quiz)
    attempt = attempt_start(student=student, assignment=assignment)
    drawn = [a.question_version.question_id for a in answers_of(attempt)]
    assert drawn[0] == live[0].pk
    assert sorted(drawn) == sorted(q.pk for q in live)


def test_no_questions_to_draw_is_refused_and_leaves_nothing_behind():
    bank = QuestionBankFactory()
    flashcard(bank=bank)
    make_question(bank=bank, archived=True)
    quiz = QuizFactory()
    QuizDrawFactory(quiz=quiz, bank=bank, count=5)
    student, assignment = assign(quiz)
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(student=student, assignment=assignment)
    assert str(refused.value) == NO_QUESTIONS
    assert not Attempt.objects.exists()


def test_each_answer_is_pinned_to_the_version_current_at_start():
    question = make_question(options=[("Lesser trochanter", 1), ("Greater trochanter", 0)])
    student, attempt = started([question])
    first_version = question.current_version
    lesser = first_version.options.get(position=0)

    # An author edits the question after the attempt started: the right answer moves.
    edited = QuestionVersionFactory(question=question, number=2, prompt="Edited?")
    OptionFactory(version=edited, position=0, text="Lesser trochanter", fraction=0)
    OptionFactory(version=edited, position=1, text="Greater trochanter", fraction=1)
    question.current_version = edited
    question.save(update_fields=["current_version"])

    answer = answers_of(attempt)[0]
    assert answer.question_version_id == first_version.pk
    assert sorted(answer.option_order) == sorted(o.pk for o in first_version.options.all())
    save(attempt, student, 1, {"option": lesser.pk})
    submitted = attempt_submit(attempt_id=attempt.pk, student=student)
    assert submitted.fraction == 1
    # The review is logged against the version the student saw.
    assert ReviewLog.objects.get().question_version_id == first_version.pk


def test_the_deadline_is_the_time_limit_or_the_close_date_whichever_comes_first():
    now = timezone.now()
    _, attempt = started(now=now, time_limit_seconds=600)
    assert attempt.deadline_at == now + timedelta(seconds=600)

    student, assignment = assign(
        quiz_with([make_question()], time_limit_seconds=3600), closes_at=now + timedelta(minutes=5)
    )
    attempt = attempt_start(student=student, assignment=assignment, now=now)
    assert attempt.deadline_at == now + timedelta(minutes=5)

    student, assignment = assign(quiz_with([make_question()]), closes_at=now + DAY)
    assert attempt_start(student=student, assignment=assignment, now=now).deadline_at == now + DAY

    _, attempt = started(now=now)
    assert attempt.deadline_at is None


@pytest.mark.parametrize("size", [3, 15])
def test_starting_costs_the_same_queries_whatever_the_number_of_questions(
    size, django_assert_num_queries
):
    bank = QuestionBankFactory()
    fixed = [make_question() for _ in range(size)]
    for _ in range(size):
        make_question(bank=bank)
    quiz = quiz_with(fixed, shuffle_questions=True)
    QuizDrawFactory(quiz=quiz, bank=bank, count=size)
    student, assignment = assign(quiz)
    assignment = type(assignment).objects.get(pk=assignment.pk)
    # Savepoint, enrolment (locked), quiz, open attempt, extension, last number, items, draws,
    # one pool per draw rule, versions, their options, insert attempt, insert answers, release.
    with django_assert_num_queries(14):
        attempt = attempt_start(student=student, assignment=assignment, seed=1)
    assert attempt.answers.count() == 2 * size


# --- answer_save --------------------------------------------------------------------------------


def test_a_save_stores_the_response_and_time_and_bumps_the_revision():
    now = timezone.now()
    student, attempt = started(now=now)
    answer = answers_of(attempt)[0]
    option = right_option(answer)

    result = save(attempt, student, 1, {"option": option.pk}, spent_ms=4200, now=now + HOUR)

    assert result.status == SaveStatus.SAVED
    assert result.attempt.revision == 1
    answer.refresh_from_db()
    assert answer.response == {"option": option.pk}
    assert answer.saved_at == now + HOUR
    assert answer.time_taken_ms == 4200
    assert answer.fraction is None, "deferred quizzes grade at submission"

    save(attempt, student, 1, None, spent_ms=800)
    answer.refresh_from_db()
    assert answer.response is None
    assert answer.time_taken_ms == 5000
    attempt.refresh_from_db()
    assert attempt.revision == 2


def test_an_answer_read_before_the_save_is_used_only_while_the_revision_has_not_moved(
    django_assert_num_queries,
):
    student, attempt = started(feedback_timing=FeedbackTiming.IMMEDIATE)
    option = right_option(answers_of(attempt)[0]).pk
    read = answer_for_student(student, attempt.pk, 1)
    # Savepoint, the attempt's revision moved only if it is still the page's, the answer,
    # release: the answer read before is current.
    with django_assert_num_queries(4):
        answer_save(
            attempt_id=attempt.pk,
            student=student,
            position=1,
            response={"option": option},
            revision=0,
            spent_ms=1000,
            read=read,
        )

    # Another tab checks the answer: `read` is out of date, so it is read again and the check
    # holds, and the time adds to what the other tab stored. An API save has no revision.
    stale = answer_for_student(student, attempt.pk, 1)
    save(attempt, student, 1, {"option": option}, spent_ms=300, check=True)
    result = save(attempt, student, 1, None, revision=None, spent_ms=50, read=stale)
    assert result.status == SaveStatus.LOCKED
    answer = Answer.objects.get(attempt=attempt, position=1)
    assert answer.response == {"option": option} and answer.time_taken_ms == 1300

    # A slot read for another position or attempt is never taken for this one.
    other_student, other = started(feedback_timing=FeedbackTiming.IMMEDIATE)
    elsewhere = answer_for_student(other_student, other.pk, 2)
    result = save(other, other_student, 1, None, spent_ms=10, read=elsewhere)
    assert result.status == SaveStatus.SAVED
    assert Answer.objects.get(attempt=other, position=1).time_taken_ms == 10
    assert Answer.objects.get(attempt=other, position=2).time_taken_ms == 0


def test_a_save_from_a_page_overtaken_since_it_was_read_is_refused_as_before():
    now = timezone.now()
    student, attempt = started(now=now)
    first = answers_of(attempt)[0]
    option = right_option(first).pk

    def save_read(read, **kwargs):
        return answer_save(
            attempt_id=attempt.pk,
            student=student,
            position=1,
            response={"option": option},
            revision=read.attempt.revision,
            spent_ms=1000,
            read=read,
            **kwargs,
        )

    # Another tab saved after this page's answer was read: stale, nothing written.
    read = answer_for_student(student, attempt.pk, 1)
    save(attempt, student, 2, None, now=now + HOUR)
    assert save_read(read).status == SaveStatus.STALE
    first.refresh_from_db()
    assert (first.response, first.time_taken_ms) == (None, 0)

    # The deadline passed after the answer was read (it is the database's deadline that counts):
    # the attempt closes and the answer is not saved.
    read = answer_for_student(student, attempt.pk, 1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=now)
    result = save_read(read, now=now + grace_period() + timedelta(minutes=1))
    assert result.status == SaveStatus.TIME_UP
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.OVERDUE
    first.refresh_from_db()
    assert first.response is None

    # Submitted after the answer was read: closed.
    student, attempt = started(now=now)
    read = answer_for_student(student, attempt.pk, 1)
    attempt_submit(attempt_id=attempt.pk, student=student)
    result = answer_save(
        attempt_id=attempt.pk,
        student=student,
        position=1,
        response=None,
        revision=0,
        read=read,
    )
    assert result.status == SaveStatus.CLOSED


def test_a_response_that_does_not_fit_is_refused_with_an_answer_read_before():
    student, attempt = started()
    read = answer_for_student(student, attempt.pk, 1)
    with pytest.raises(InvalidResponse):
        save(attempt, student, 1, {"option": 10**9}, read=read)
    attempt.refresh_from_db()
    assert attempt.revision == 0


def test_a_save_from_a_stale_page_changes_nothing():
    now = timezone.now()
    student, attempt = started(now=now)
    first, second = answers_of(attempt)[:2]
    save(attempt, student, 1, {"option": right_option(first).pk}, now=now + HOUR)

    result = answer_save(
        attempt_id=attempt.pk,
        student=student,
        position=2,
        response={"option": wrong_option(second).pk},
        revision=0,
        spent_ms=1000,
    )

    assert result.status == SaveStatus.STALE
    assert result.message == STALE.format(when=now + HOUR)
    second.refresh_from_db()
    assert (second.response, second.time_taken_ms, second.saved_at) == (None, 0, None)
    attempt.refresh_from_db()
    assert attempt.revision == 1


def test_check_grades_and_locks_the_answer_on_an_immediate_quiz():
    student, attempt = started(feedback_timing=FeedbackTiming.IMMEDIATE)
    answer = answers_of(attempt)[0]
    wrong = wrong_option(answer)

    result = save(attempt, student, 1, {"option": wrong.pk}, check=True)

    assert result.status == SaveStatus.SAVED
    assert result.grade.fraction == 0
    answer.refresh_from_db()
    assert answer.fraction == 0
    assert answer.checked_at is not None
    assert list(AnswerChoice.objects.filter(answer=answer).values_list("option_id", flat=True)) == [
        wrong.pk
    ]

    again = save(attempt, student, 1, {"option": right_option(answer).pk})
    assert (again.status, again.message) == (SaveStatus.LOCKED, LOCKED)
    answer.refresh_from_db()
    assert answer.response == {"option": wrong.pk}
    # Other questions stay open.
    second = answers_of(attempt)[1]
    assert save(attempt, student, 2, {"option": right_option(second).pk}).status == SaveStatus.SAVED


def test_check_is_refused_on_a_deferred_quiz_and_with_nothing_answered():
    student, attempt = started(feedback_timing=FeedbackTiming.DEFERRED)
    answer = answers_of(attempt)[0]
    with pytest.raises(AttemptRefused) as refused:
        save(attempt, student, 1, {"option": right_option(answer).pk}, check=True)
    assert str(refused.value) == NOT_CHECKABLE

    student, attempt = started(feedback_timing=FeedbackTiming.IMMEDIATE)
    for empty in (None, {}):
        with pytest.raises(AttemptRefused) as refused:
            save(attempt, student, 1, empty, check=True)
        assert str(refused.value) == NOTHING_TO_CHECK
    answer = answers_of(attempt)[0]
    assert (answer.checked_at, answer.response) == (None, None)


@pytest.mark.parametrize(
    "bad",
    [
        {"option": 999_999_999},  # not an option of this question
        {"option": True},
        {"options": [1]},  # wrong key for single choice
        ["option", 1],  # not an object at all
        "1",
        {"option": [1, 2]},
    ],
)
def test_an_invalid_response_raises_and_stores_nothing(bad):
    student, attempt = started()
    with pytest.raises(InvalidResponse):
        save(attempt, student, 1, bad, spent_ms=1000)
    answer = answers_of(attempt)[0]
    assert (answer.response, answer.time_taken_ms, answer.saved_at) == (None, 0, None)
    attempt.refresh_from_db()
    assert attempt.revision == 0


def test_an_option_of_another_question_is_refused():
    student, attempt = started()
    first, second = answers_of(attempt)[:2]
    with pytest.raises(InvalidResponse):
        save(attempt, student, 1, {"option": right_option(second).pk})


def test_a_badly_shaped_check_raises_invalid_response_not_a_crash():
    question = make_question(
        qtype="matching",
        options=[
            ("Hip flexion", 1, {"data": {"prompt": "Psoas major"}}),
            ("Lateral trunk flexion", 1, {"data": {"prompt": "Quadratus lumborum"}}),
        ],
    )
    student, attempt = started([question], feedback_timing=FeedbackTiming.IMMEDIATE)
    for bad in ({"pairs": [1, 2]}, {"pairs": {"x": "y"}}, {"blanks": {}}):
        with pytest.raises(InvalidResponse):
            save(attempt, student, 1, bad, check=True)
    assert answers_of(attempt)[0].response is None


def test_an_oversized_response_is_refused():
    student, attempt = started([make_question(qtype="short_answer", options=[("Iliacus", 1)])])
    with pytest.raises(InvalidResponse) as refused:
        save(attempt, student, 1, {"text": "psoas " * 2000})
    assert str(refused.value) == RESPONSE_TOO_LARGE
    with pytest.raises(InvalidResponse):
        save(attempt, student, 1, {"text": "iliacus", "padding": "x" * 20_000})
    assert answers_of(attempt)[0].response is None


def test_time_taken_is_capped_per_save_and_never_negative():
    student, attempt = started()
    save(attempt, student, 1, None, spent_ms=10 * 60 * 60 * 1000)
    save(attempt, student, 1, None, spent_ms=-5000)
    save(attempt, student, 1, None, spent_ms=1000)
    assert answers_of(attempt)[0].time_taken_ms == MAX_TIME_PER_SAVE_MS + 1000


def test_a_garbled_time_from_the_browser_adds_nothing():
    student, attempt = started()
    for garbled in ("soon", None, float("nan"), float("inf")):
        save(attempt, student, 1, None, spent_ms=garbled)
    assert answers_of(attempt)[0].time_taken_ms == 0


def test_a_save_within_the_grace_period_still_counts():
    now = timezone.now()
    student, attempt = started(now=now, time_limit_seconds=60)
    answer = answers_of(attempt)[0]
    late_but_in_grace = attempt.deadline_at + grace_period()
    result = save(attempt, student, 1, {"option": right_option(answer).pk}, now=late_but_in_grace)
    assert result.status == SaveStatus.SAVED
    assert not time_is_up(attempt, late_but_in_grace)


def test_a_save_after_the_grace_period_closes_the_attempt_with_the_answers_saved_in_time():
    now = timezone.now()
    student, attempt = started(now=now, time_limit_seconds=60)
    first, second = answers_of(attempt)[:2]
    save(attempt, student, 1, {"option": right_option(first).pk}, now=now + timedelta(seconds=30))

    too_late = attempt.deadline_at + grace_period() + timedelta(seconds=1)
    result = save(attempt, student, 2, {"option": right_option(second).pk}, now=too_late)

    assert result.status == SaveStatus.TIME_UP
    assert result.message == TIME_UP.format(when=attempt.deadline_at)
    second.refresh_from_db()
    assert second.response is None
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.OVERDUE
    assert attempt.fraction == Decimal("0.33333")
    assert attempt.submitted_at == attempt.deadline_at + grace_period()
    assert ReviewLog.objects.count() == 1, "only the answer saved in time is reviewed"


def test_a_save_to_a_closed_attempt_is_refused():
    student, attempt = started()
    attempt_submit(attempt_id=attempt.pk, student=student)
    result = save(attempt, student, 1, {"option": right_option(answers_of(attempt)[0]).pk})
    assert (result.status, result.message) == (SaveStatus.CLOSED, ATTEMPT_CLOSED)
    assert answers_of(attempt)[0].response is None


def test_a_position_the_attempt_does_not_have_is_refused():
    student, attempt = started()
    with pytest.raises(AttemptRefused) as refused:
        save(attempt, student, 4, None)
    assert str(refused.value) == NO_SUCH_QUESTION.format(position=4)


def test_another_students_attempt_is_not_found():
    student, attempt = started()
    with pytest.raises(Attempt.DoesNotExist):
        save(attempt, StudentFactory(), 1, None)
    with pytest.raises(Attempt.DoesNotExist):
        attempt_submit(attempt_id=attempt.pk, student=StudentFactory())
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


# --- attempt_submit ------------------------------------------------------------------------------


def test_submission_grades_with_partial_credit_negative_weights_and_points():
    now = timezone.now()
    multiple = make_question(
        qtype="multiple_response",
        options=[("Psoas major", "0.5"), ("Iliacus", "0.5"), ("Rectus abdominis", -1)],
    )
    single = make_question()
    partial = make_question(
        qtype="multiple_response",
        options=[("Psoas major", "0.5"), ("Iliacus", "0.5"), ("Gluteus maximus", "-0.5")],
    )
    student, attempt = started([multiple, single, partial], points=["2", "1", "4"], now=now)
    answers = answers_of(attempt)
    mr = options_of(answers[0])
    save(attempt, student, 1, {"options": [mr[0].pk, mr[2].pk]})  # 0.5 - 1 → floored at 0
    save(attempt, student, 2, {"option": right_option(answers[1]).pk})  # full marks
    pr = options_of(answers[2])
    save(attempt, student, 3, {"options": [pr[0].pk]})  # half marks

    submitted = attempt_submit(attempt_id=attempt.pk, student=student, now=now + HOUR)

    assert submitted.state == AttemptState.SUBMITTED
    assert submitted.submitted_at == now + HOUR
    fractions = [a.fraction for a in answers_of(attempt)]
    assert fractions == [0, 1, Decimal("0.5")]
    # (2 × 0 + 1 × 1 + 4 × 0.5) / 7
    assert submitted.fraction == Decimal("0.42857")
    submitted.refresh_from_db()
    assert submitted.fraction == Decimal("0.42857")


def test_submission_records_the_chosen_options_including_myths():
    question = make_question(
        options=[
            ("Lesser trochanter", 1),
            ("It is the muscle of the soul", 0, {"is_myth": True}),
            ("Greater trochanter", 0),
        ]
    )
    multiple = make_question(
        qtype="multiple_response",
        options=[("Psoas major", "0.5"), ("Iliacus", "0.5"), ("Diaphragm", -1, {"is_myth": True})],
    )
    student, attempt = started([question, multiple])
    single_answer, multiple_answer = answers_of(attempt)
    myth = Option.objects.get(version=single_answer.question_version, is_myth=True)
    mr = options_of(multiple_answer)
    save(attempt, student, 1, {"option": myth.pk})
    save(attempt, student, 2, {"options": [mr[1].pk, mr[2].pk]})

    attempt_submit(attempt_id=attempt.pk, student=student)

    chosen = AnswerChoice.objects.select_related("option")
    assert {(c.answer_id, c.option_id) for c in chosen} == {
        (single_answer.pk, myth.pk),
        (multiple_answer.pk, mr[1].pk),
        (multiple_answer.pk, mr[2].pk),
    }
    assert sum(c.option.is_myth for c in chosen) == 2


def test_submission_feeds_the_memory_model_once_per_answered_question():
    now = timezone.now()
    student, attempt = started([make_question() for _ in range(3)], now=now)
    right, wrong, unanswered = answers_of(attempt)
    save(attempt, student, 1, {"option": right_option(right).pk}, spent_ms=9000)
    save(attempt, student, 2, {"option": wrong_option(wrong).pk}, spent_ms=4000)

    attempt_submit(attempt_id=attempt.pk, student=student, now=now + HOUR)

    cards = {c.question_id: c for c in CardState.objects.filter(student=student)}
    assert set(cards) == {right.question_version.question_id, wrong.question_version.question_id}
    logs = {log.answer_id: log for log in ReviewLog.objects.all()}
    assert set(logs) == {right.pk, wrong.pk}
    assert all(log.source == ReviewSource.QUIZ for log in logs.values())
    assert all(log.reviewed_at == now + HOUR for log in logs.values())
    for answer in (right, wrong):
        answer.refresh_from_db()
        expected = scheduling.rating_for_answer(answer.fraction, duration_ms=answer.time_taken_ms)
        assert logs[answer.pk].rating == expected
        assert logs[answer.pk].duration_ms == answer.time_taken_ms
        assert logs[answer.pk].question_version_id == answer.question_version_id
    assert logs[right.pk].rating == scheduling.Rating.GOOD
    assert logs[wrong.pk].rating == scheduling.Rating.AGAIN
    # A quiz mistake puts the question into the study queue soon (within a day).
    wrong_card = cards[wrong.question_version.question_id]
    assert wrong_card.due <= now + HOUR + DAY
    assert not CardState.objects.filter(question_id=unanswered.question_version.question_id)


def test_a_mistake_on_a_card_the_student_already_knows_brings_it_back_within_a_day():
    now = timezone.now()
    question = make_question()
    student, attempt = started([question], now=now, attempts_allowed=0)
    save(attempt, student, 1, {"option": right_option(answers_of(attempt)[0]).pk})
    attempt_submit(attempt_id=attempt.pk, student=student, now=now)
    card = CardState.objects.get(student=student, question=question)
    # Well learned: reviewed right again much later.
    card.phase, card.stability, card.difficulty = "review", 30.0, 5.0
    card.due, card.last_review = now + 30 * DAY, now
    card.save()

    later = now + 20 * DAY
    again = attempt_start(student=student, assignment=attempt.assignment, now=later)
    save(again, student, 1, {"option": wrong_option(answers_of(again)[0]).pk}, now=later)
    attempt_submit(attempt_id=again.pk, student=student, now=later)

    card.refresh_from_db()
    assert card.due <= later + DAY
    assert card.lapses == 1


def test_quiz_reviews_follow_the_same_exam_date_rule_as_the_study_page():
    now = timezone.now()
    question = make_question()
    student, attempt = started([question], now=now)
    student.exam_date = (now + 5 * DAY).date()
    student.save(update_fields=["exam_date"])
    CardState.objects.create(
        student=student,
        question=question,
        phase="review",
        stability=200.0,
        difficulty=3.0,
        due=now,
        last_review=now - 100 * DAY,
        reps=6,
    )
    save(attempt, student, 1, {"option": right_option(answers_of(attempt)[0]).pk})
    attempt_submit(attempt_id=attempt.pk, student=student, now=now)

    card = CardState.objects.get(student=student, question=question)
    exam_at = datetime.combine(student.exam_date, time(0, 0), tzinfo=UTC)
    # Known well, it would be due in months; the exam brings it back the day before.
    assert card.due <= exam_at - DAY


@pytest.mark.parametrize("size", [3, 15])
def test_submitting_costs_the_same_queries_whatever_the_number_of_questions(
    size, django_assert_num_queries
):
    student, attempt = started([make_question() for _ in range(size)])
    for answer in answers_of(attempt):
        save(attempt, student, answer.position, {"option": wrong_option(answer).pk})
    # Savepoint, attempt (locked), answers, their options, grades, old choices, new choices,
    # attempt, classes; the memory service's savepoint, the student (locked), cards (locked),
    # new cards, cards again, cards, review logs, release; release.
    with django_assert_num_queries(18):
        attempt_submit(attempt_id=attempt.pk, student=student)
    assert ReviewLog.objects.count() == size


def test_submitting_twice_returns_the_same_result_and_one_set_of_reviews():
    now = timezone.now()
    student, attempt = started(now=now)
    save(attempt, student, 1, {"option": right_option(answers_of(attempt)[0]).pk})
    first = attempt_submit(attempt_id=attempt.pk, student=student, now=now + HOUR)
    second = attempt_submit(attempt_id=attempt.pk, student=student, now=now + 2 * HOUR)
    assert second.pk == first.pk
    assert (second.state, second.fraction, second.submitted_at, second.revision) == (
        first.state,
        first.fraction,
        now + HOUR,
        first.revision,
    )
    assert ReviewLog.objects.count() == 1
    assert CardState.objects.get().reps == 1


def test_a_submission_within_grace_counts_and_after_it_closes_as_overdue():
    now = timezone.now()
    student, attempt = started(now=now, time_limit_seconds=60)
    in_grace = attempt.deadline_at + grace_period()
    assert attempt_submit(attempt_id=attempt.pk, student=student, now=in_grace).state == (
        AttemptState.SUBMITTED
    )

    student, attempt = started(now=now, time_limit_seconds=60)
    save(attempt, student, 1, {"option": right_option(answers_of(attempt)[0]).pk})
    late = attempt.deadline_at + grace_period() + HOUR
    closed = attempt_submit(attempt_id=attempt.pk, student=student, now=late)
    assert closed.state == AttemptState.OVERDUE
    assert closed.fraction == Decimal("0.33333")
    # Late work is not credited time: the attempt counts as closed when its grace ran out.
    assert closed.submitted_at == attempt.deadline_at + grace_period()


def test_an_empty_attempt_submits_with_zero_and_no_reviews():
    student, attempt = started()
    submitted = attempt_submit(attempt_id=attempt.pk, student=student)
    assert (submitted.state, submitted.fraction) == (AttemptState.SUBMITTED, 0)
    assert not ReviewLog.objects.exists()
    assert not AnswerChoice.objects.exists()


# --- closing overdue attempts (cron) -------------------------------------------------------------


def test_close_overdue_closes_only_attempts_whose_grace_ran_out():
    now = timezone.now()
    student, overdue = started(now=now - HOUR, time_limit_seconds=60)
    save(overdue, student, 1, {"option": right_option(answers_of(overdue)[0]).pk}, now=now - HOUR)
    _, in_grace = started(now=now - timedelta(seconds=61), time_limit_seconds=60)
    _, untimed = started(now=now - 10 * DAY)
    done_student, done = started(now=now - HOUR, time_limit_seconds=60)
    attempt_submit(attempt_id=done.pk, student=done_student, now=now - HOUR)

    assert attempts_close_overdue(now=now) == 1
    assert attempts_close_overdue(now=now) == 0

    states = dict(Attempt.objects.values_list("pk", "state"))
    assert states == {
        overdue.pk: AttemptState.OVERDUE,
        in_grace.pk: AttemptState.IN_PROGRESS,
        untimed.pk: AttemptState.IN_PROGRESS,
        done.pk: AttemptState.SUBMITTED,
    }
    overdue.refresh_from_db()
    assert overdue.fraction == Decimal("0.33333")
    assert overdue.submitted_at == overdue.deadline_at + grace_period()
    assert ReviewLog.objects.filter(answer__attempt=overdue).count() == 1


def test_a_late_submit_after_the_cron_closed_the_attempt_changes_nothing():
    now = timezone.now()
    student, attempt = started(now=now - HOUR, time_limit_seconds=60)
    save(attempt, student, 1, {"option": right_option(answers_of(attempt)[0]).pk}, now=now - HOUR)
    assert attempts_close_overdue(now=now) == 1
    attempt.refresh_from_db()
    before = (attempt.state, attempt.fraction, attempt.submitted_at, attempt.revision)

    late = attempt_submit(attempt_id=attempt.pk, student=student, now=now + HOUR)
    assert (late.state, late.fraction, late.submitted_at, late.revision) == before
    result = save(attempt, student, 2, {"option": 1}, now=now + HOUR)
    assert result.status == SaveStatus.CLOSED
    assert ReviewLog.objects.count() == 1


def test_the_close_overdue_command_reports_how_many_it_closed():
    now = timezone.now()
    for _ in range(2):
        started(now=now - HOUR, time_limit_seconds=60)
    out = StringIO()
    call_command("close_overdue_attempts", stdout=out)
    assert out.getvalue().strip() == "Closed 2 overdue attempts."
    out = StringIO()
    call_command("close_overdue_attempts", stdout=out)
    assert out.getvalue().strip() == "Closed 0 overdue attempts."
    assert set(Attempt.objects.values_list("state", flat=True)) == {AttemptState.OVERDUE}


# --- with the bundled banks ----------------------------------------------------------------------


def test_the_bundled_myth_buster_draws_only_gradable_myth_questions(bundled):
    quiz = Quiz.objects.get(slug="myth-buster")
    student, assignment = assign(quiz)
    attempt = attempt_start(student=student, assignment=assignment, seed=2024)
    answers = answers_of(attempt)
    assert len(answers) == 15
    questions = Question.objects.filter(pk__in=[a.question_version.question_id for a in answers])
    assert all(q.tags.filter(name="myth").exists() for q in questions)
    assert not any(a.question_version.qtype == "flashcard" for a in answers)
    assert len({q.bank_id for q in questions}) > 1, "myths are drawn from every bank"
    # Every answer is the question's current version with all its options in the stored order.
    for answer in answers:
        version = answer.question_version
        assert version.question.current_version_id == version.pk
        assert sorted(answer.option_order) == sorted(o.pk for o in version.options.all())


def test_choosing_a_bundled_myth_is_recorded_for_the_myth_report(bundled):
    version = Question.objects.get(key="myth-soul-origin").current_version
    student, attempt = started([version.question])
    myth = version.options.get(is_myth=True)
    answer = answers_of(attempt)[0]
    # The page names choices by their place in this attempt's order, never by id.
    token = str(answer.option_order.index(myth.pk) + 1)
    response = presentation.response_from_form(version, answer.option_order, {"choice": token})
    assert response == {"option": myth.pk}
    save(attempt, student, 1, response)
    submitted = attempt_submit(attempt_id=attempt.pk, student=student)
    assert submitted.fraction == 0
    assert list(AnswerChoice.objects.values_list("option__is_myth", flat=True)) == [True]
    assert ReviewLog.objects.get().rating == scheduling.Rating.AGAIN


def test_a_response_carrying_nul_is_refused_and_a_typed_backslash_is_not():
    student, attempt = started([make_question(qtype="short_answer", options=[("Iliacus", 1)])])
    for nul in ({"text": "ilia\x00cus"}, {"blanks": {"1\x00": "x"}}, {"options": ["1\x00"]}):
        with pytest.raises(InvalidResponse) as refused:
            save(attempt, student, 1, nul)
        assert str(refused.value) == RESPONSE_UNREADABLE
    assert answers_of(attempt)[0].response is None
    save(attempt, student, 1, {"text": "\\u0000 is how JSON spells NUL"})
    assert answers_of(attempt)[0].response == {"text": "\\u0000 is how JSON spells NUL"}


def test_a_right_quiz_answer_found_very_slowly_rates_hard():
    now = timezone.now()
    student, attempt = started([make_question() for _ in range(2)], now=now)
    quick, slow = answers_of(attempt)
    expected = scheduling.expected_answer_ms("single_choice", slow.question_version.difficulty)
    save(attempt, student, 1, {"option": right_option(quick).pk}, spent_ms=expected)
    save(attempt, student, 2, {"option": right_option(slow).pk}, spent_ms=2 * expected + 1000)

    attempt_submit(attempt_id=attempt.pk, student=student, now=now + HOUR)

    logs = {log.answer_id: log.rating for log in ReviewLog.objects.all()}
    assert logs == {quick.pk: scheduling.Rating.GOOD, slow.pk: scheduling.Rating.HARD}
