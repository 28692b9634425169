"""Fitting a class's memory model: the service end to end, one fit at a time, reset, the policy
that every review uses, the management command, and the background thread."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizzes import optimizing, scheduling
from quizzes.management.commands import fit_parameters as command
from quizzes.models import CardState, Classroom, FitStatus, ParameterFit, ReviewLog
from quizzes.selectors.fitting import class_review_history
from quizzes.services import fitting as services
from quizzes.services.memory import Outcome, cards_review, class_parameters, policy_for_classes
from tests import factories as f
from tests.optimizing_data import optimizer, store_reviews, synthetic_reviews  # noqa: F401

pytestmark = pytest.mark.django_db
FITTED = [p * 0.9 if i < 4 else p for i, p in enumerate(DEFAULT_PARAMETERS)]


def _review_phase_card(student):
    question = f.QuestionFactory()
    now = timezone.now()
    return CardState.objects.create(
        student=student,
        question=question,
        phase="review",
        stability=6.0,
        difficulty=5.0,
        due=now,
        last_review=now - timedelta(days=6),
        reps=3,
    )


def _review_good(card, now):
    """A Good review of `card` under the student's classes' policy; the card is put back as it
    was, so the same review can be made again."""
    student = card.student
    before = {field: getattr(card, field) for field in ("phase", "stability", "due", "reps")}
    policy = policy_for_classes(classrooms=Classroom.objects.filter(enrollments__student=student))
    (after,) = cards_review(
        student=student,
        outcomes=[Outcome(card.question.current_version, scheduling.Rating.GOOD)],
        source="flashcard",
        reviewed_at=now,
        policy=policy,
    )
    due = after.due
    ReviewLog.objects.filter(card=card, reviewed_at=now).delete()
    CardState.objects.filter(pk=card.pk).update(**before)
    return due


@pytest.mark.usefixtures("optimizer")
def test_fit_end_to_end_stores_the_fit_and_the_class_schedules_with_it():
    classroom = f.ClassroomFactory()
    logs = synthetic_reviews(cards=80)
    students = store_reviews(classroom, logs)
    # Another class's students' reviews are not this class's history.
    store_reviews(f.ClassroomFactory(), synthetic_reviews(cards=8, seed=3))
    card = _review_phase_card(students[0])
    now = timezone.now()
    due_before = _review_good(card, now)
    seen = []

    fit = services.class_parameters_fit(classroom=classroom, progress=lambda p, s: seen.append(p))

    fit.refresh_from_db()
    classroom.refresh_from_db()
    assert fit.status == FitStatus.DONE and fit.progress == 100
    assert fit.message == optimizing.FITTED.format(reviews=len(logs), cards=80)
    assert (fit.reviews, fit.cards) == (len(logs), 80)
    assert len(fit.parameters) == 21 and tuple(fit.parameters) != DEFAULT_PARAMETERS
    assert classroom.fsrs_parameters == fit.parameters
    assert fit.log_loss_after < fit.log_loss_before
    assert fit.rmse_after is not None and fit.evaluated_reviews > 0
    assert fit.started_at <= fit.finished_at
    assert seen[-1] == 100 and seen == sorted(seen)
    # Every review now uses the fitted parameters: the same review lands on another day.
    policy = policy_for_classes(classrooms=[classroom])
    assert policy.parameters == tuple(fit.parameters)
    assert _review_good(card, now) != due_before


def test_too_little_data_keeps_the_class_parameters_and_says_why():
    classroom = f.ClassroomFactory(fsrs_parameters=FITTED)
    store_reviews(classroom, synthetic_reviews(cards=12))

    fit = services.class_parameters_fit(classroom=classroom)

    classroom.refresh_from_db()
    assert fit.status == FitStatus.SKIPPED
    assert fit.message.startswith("Kept the default parameters: fitting needs at least 512")
    assert fit.parameters is None and fit.reviews > 0
    assert classroom.fsrs_parameters == FITTED


def test_without_the_optimiser_the_fit_fails_with_the_install_command(monkeypatch):
    monkeypatch.setattr(optimizing, "optimizer_available", lambda: False)
    classroom = f.ClassroomFactory()
    store_reviews(classroom, synthetic_reviews(cards=80))

    fit = services.class_parameters_fit(classroom=classroom)

    classroom.refresh_from_db()
    assert fit.status == FitStatus.FAILED
    assert fit.message == optimizing.OPTIMIZER_MISSING
    assert classroom.fsrs_parameters is None


def test_an_optimiser_crash_is_recorded_and_changes_nothing(monkeypatch):
    def crash(reviews, progress=None):
        raise ZeroDivisionError

    monkeypatch.setattr(optimizing, "fit", crash)
    classroom = f.ClassroomFactory(fsrs_parameters=FITTED)

    fit = services.class_parameters_fit(classroom=classroom)

    classroom.refresh_from_db()
    assert fit.status == FitStatus.FAILED
    assert fit.message == services.FIT_CRASHED.format(error="ZeroDivisionError")
    assert classroom.fsrs_parameters == FITTED


def test_one_fit_at_a_time_per_class():
    classroom = f.ClassroomFactory()
    first = services.parameter_fit_queue(classroom=classroom)

    with pytest.raises(services.FitRefused) as refusal:
        services.parameter_fit_queue(classroom=classroom)
    assert str(refusal.value) == services.FIT_ALREADY_RUNNING
    assert refusal.value.fit == first
    with pytest.raises(services.FitRefused):
        services.class_parameters_fit(classroom=classroom)
    # Another class is not held up.
    services.parameter_fit_queue(classroom=f.ClassroomFactory())
    # The database refuses a second active fit even when the code is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterFit.objects.create(classroom=classroom, status=FitStatus.RUNNING)
    assert ParameterFit.objects.filter(classroom=classroom).count() == 1


def test_a_fit_whose_process_died_stops_blocking_after_a_while():
    classroom = f.ClassroomFactory()
    now = timezone.now()
    dead = ParameterFit.objects.create(
        classroom=classroom,
        status=FitStatus.RUNNING,
        updated_at=now - services.STALE_AFTER - timedelta(seconds=1),
    )
    fresh = services.parameter_fit_queue(classroom=classroom, now=now)

    dead.refresh_from_db()
    assert dead.status == FitStatus.FAILED and dead.message == services.FIT_INTERRUPTED
    assert fresh.status == FitStatus.QUEUED


def test_reset_puts_the_class_back_on_the_defaults_but_not_during_a_fit():
    classroom = f.ClassroomFactory(fsrs_parameters=FITTED)
    fit = services.parameter_fit_queue(classroom=classroom)
    with pytest.raises(services.FitRefused) as refusal:
        services.class_parameters_reset(classroom=classroom)
    assert str(refusal.value) == services.RESET_WHILE_RUNNING
    ParameterFit.objects.filter(pk=fit.pk).update(status=FitStatus.DONE)

    services.class_parameters_reset(classroom=classroom)

    classroom.refresh_from_db()
    assert classroom.fsrs_parameters is None
    assert policy_for_classes(classrooms=[classroom]).parameters is None


def test_the_review_history_is_the_class_students_in_one_query(django_assert_num_queries):
    classroom = f.ClassroomFactory()
    logs = synthetic_reviews(cards=6)
    store_reviews(classroom, logs, students=2)
    store_reviews(f.ClassroomFactory(), synthetic_reviews(cards=4))

    with django_assert_num_queries(1):
        history = class_review_history(classroom)

    assert sorted((r.rating, r.reviewed_at, r.phase_before) for r in history) == sorted(
        (r.rating, r.reviewed_at, r.phase_before) for r in logs
    )
    assert len({r.card_id for r in history}) == 6


def test_parameters_for_a_student_in_several_classes():
    other = [p * 0.8 if i < 4 else p for i, p in enumerate(DEFAULT_PARAMETERS)]
    default = Classroom(fsrs_parameters=None)
    fitted = Classroom(fsrs_parameters=FITTED)
    assert class_parameters([]) is None
    assert class_parameters([default]) is None
    # A class never fitted does not outvote one that was.
    assert class_parameters([default, fitted]) == tuple(FITTED)
    assert class_parameters([fitted, Classroom(fsrs_parameters=list(FITTED))]) == tuple(FITTED)
    # Two fits that disagree: neither describes this student better.
    assert class_parameters([fitted, Classroom(fsrs_parameters=other)]) is None
    # Broken by hand in the admin: the defaults.
    assert class_parameters([Classroom(fsrs_parameters=[1, 2, 3])]) is None
    assert class_parameters([Classroom(fsrs_parameters={"w": 1})]) is None


# --- the command -------------------------------------------------------------------------------


@pytest.mark.usefixtures("optimizer")
def test_command_fits_every_class_and_prints_progress_and_results():
    rich = f.ClassroomFactory(name="Rich")
    store_reviews(rich, synthetic_reviews(cards=80))
    poor = f.ClassroomFactory(name="Poor")
    store_reviews(poor, synthetic_reviews(cards=10))
    out = StringIO()

    call_command("fit_parameters", "--all", stdout=out, stderr=StringIO())

    text = out.getvalue()
    rich.refresh_from_db()
    poor.refresh_from_db()
    assert len(rich.fsrs_parameters) == 21 and poor.fsrs_parameters is None
    assert f"Rich (class {rich.pk}):" in text and f"Poor (class {poor.pk}):" in text
    assert " 50% fitting" in text or " 55% fitting" in text
    assert "100% done" in text
    assert "Fitted: Fitted from" in text and "log loss" in text
    assert "Kept the defaults: Kept the default parameters" in text
    assert ParameterFit.objects.get(classroom=poor).status == FitStatus.SKIPPED


@pytest.mark.usefixtures("optimizer")
def test_command_dry_run_fits_but_stores_nothing():
    classroom = f.ClassroomFactory()
    store_reviews(classroom, synthetic_reviews(cards=80))
    out = StringIO()

    call_command("fit_parameters", "--class", str(classroom.pk), "--dry-run", stdout=out)

    classroom.refresh_from_db()
    assert classroom.fsrs_parameters is None
    assert not ParameterFit.objects.exists()
    text = out.getvalue()
    assert "Parameters: " in text and "Dry run: nothing was stored." in text
    assert len(text.split("Parameters: ")[1].splitlines()[0].split(", ")) == 21


def test_command_refuses_bad_arguments():
    with pytest.raises(CommandError, match="--class ID"):
        call_command("fit_parameters")
    with pytest.raises(CommandError) as error:
        call_command("fit_parameters", "--class", "999999")
    assert str(error.value) == command.NO_SUCH_CLASS.format(id=999999)


def test_command_without_the_optimiser_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(optimizing, "optimizer_available", lambda: False)
    classroom = f.ClassroomFactory()
    store_reviews(classroom, synthetic_reviews(cards=80))
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as error:
        call_command("fit_parameters", "--class", str(classroom.pk), stdout=out, stderr=err)

    assert str(error.value) == command.SOME_FAILED.format(count=1)
    assert optimizing.OPTIMIZER_MISSING in err.getvalue()
    assert optimizing.OPTIMIZER_MISSING in out.getvalue()


# --- the background thread ---------------------------------------------------------------------


def _wait_for(fit_id: int, timeout: float = 180) -> ParameterFit:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fit = ParameterFit.objects.get(pk=fit_id)
        if not fit.is_active:
            return fit
        time.sleep(0.2)
    pytest.fail(f"the background fit did not finish within {timeout} s")


@pytest.mark.usefixtures("optimizer")
@pytest.mark.django_db(transaction=True)
def test_the_button_fits_in_a_background_thread_and_the_page_follows_it(client):
    teacher = f.InstructorFactory()
    classroom = f.ClassroomFactory(instructors=[teacher])
    store_reviews(classroom, synthetic_reviews(cards=80))
    client.force_login(teacher)
    threads_before = set(threading.enumerate())

    started = time.monotonic()
    response = client.post(reverse("class_fit_start", args=[classroom.pk]))
    answered_in = time.monotonic() - started

    fit = ParameterFit.objects.get(classroom=classroom)
    assert response.status_code == 302
    assert response["Location"] == reverse("class_fit", args=[classroom.pk, fit.pk])
    # The view returns while the fit (seconds of work) goes on.
    assert answered_in < 2
    worker = next(t for t in threading.enumerate() if t not in threads_before)
    assert worker.daemon and worker.name == f"fit-class-{classroom.pk}"
    fit = _wait_for(fit.pk)
    worker.join(timeout=10)
    assert not worker.is_alive()

    assert fit.status == FitStatus.DONE, fit.message
    assert fit.requested_by == teacher
    classroom.refresh_from_db()
    assert classroom.fsrs_parameters == fit.parameters
    status = client.get(reverse("class_fit_status", args=[classroom.pk, fit.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["finished"]
    page = client.get(reverse("class_detail", args=[classroom.pk])).content.decode()
    assert f"from {fit.reviews:,} reviews" in page


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_queue_one_fit():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    classroom = f.ClassroomFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        barrier.wait()
        try:
            outcomes.append(services.parameter_fit_queue(classroom=classroom).status)
        except services.FitRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted([FitStatus.QUEUED, services.FIT_ALREADY_RUNNING])
    assert ParameterFit.objects.filter(classroom=classroom).count() == 1
