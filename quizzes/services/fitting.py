"""Fitting a class's memory model: queue a fit, run it (here or in a background thread), reset.

A fit reads the class's review history, hands it to the pure core (`quizzes/optimizing.py`),
and at the end, in one transaction, records the outcome and sets `Classroom.fsrs_parameters`.
Progress is written to the ParameterFit row as it goes (outside any transaction, so the
progress page sees it at once). One fit at a time per class: the database refuses a second
queued or running fit.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from quizzes import optimizing
from quizzes.models import Classroom, FitStatus, ParameterFit, User
from quizzes.models.fitting import ACTIVE_FIT_STATUSES
from quizzes.selectors.fitting import class_review_history

logger = logging.getLogger(__name__)

FIT_ALREADY_RUNNING = (
    "The memory model of this class is already being fitted. Here is its progress; "
    "start another once it has finished."
)
FIT_INTERRUPTED = (
    "This fit stopped without finishing (the server was probably restarted while it ran). "
    "The class keeps its parameters; start the fit again."
)
FIT_CRASHED = "The fit stopped with an error ({error}). The class keeps its parameters."
RESET_WHILE_RUNNING = (
    "A fit of this class is running. Wait for it to finish, then reset to the defaults."
)
# A fit that has reported nothing for this long has lost its process (epochs of even very large
# classes report within minutes), so it no longer blocks a new one.
STALE_AFTER = timedelta(minutes=30)

Progress = Callable[[int, str], None]


class FitRefused(Exception):
    """The fit (or reset) was not started; `fit` is the one already running, if any."""

    def __init__(self, message: str, fit: ParameterFit | None = None):
        super().__init__(message)
        self.fit = fit


def _interrupt_stale(classroom: Classroom, now: datetime) -> None:
    ParameterFit.objects.filter(
        classroom=classroom,
        status__in=ACTIVE_FIT_STATUSES,
        updated_at__lt=now - STALE_AFTER,
    ).update(status=FitStatus.FAILED, message=FIT_INTERRUPTED, finished_at=now, updated_at=now)


def parameter_fit_queue(
    *, classroom: Classroom, requested_by: User | None = None, now: datetime | None = None
) -> ParameterFit:
    """A new queued fit for the class, or FitRefused(FIT_ALREADY_RUNNING) carrying the one that
    is queued or running."""
    now = now or timezone.now()
    with transaction.atomic():
        # Concurrent clicks queue on the class row; the partial unique index backs this up.
        Classroom.objects.select_for_update().only("pk").get(pk=classroom.pk)
        _interrupt_stale(classroom, now)
        active = ParameterFit.objects.filter(
            classroom=classroom, status__in=ACTIVE_FIT_STATUSES
        ).first()
        if active is not None:
            raise FitRefused(FIT_ALREADY_RUNNING, active)
        try:
            with transaction.atomic():
                return ParameterFit.objects.create(
                    classroom=classroom, requested_by=requested_by, updated_at=now
                )
        except IntegrityError:
            raise FitRefused(FIT_ALREADY_RUNNING) from None


def _reporter(fit: ParameterFit, progress: Progress | None) -> Progress:
    last = {"percent": -1}

    def report(percent: int, stage: str) -> None:
        percent = max(0, min(int(percent), 100))
        if percent != last["percent"]:
            last["percent"] = percent
            ParameterFit.objects.filter(pk=fit.pk).update(
                progress=percent, updated_at=timezone.now()
            )
        if progress is not None:
            progress(percent, stage)

    return report


def class_parameters_fit(
    *,
    classroom: Classroom,
    progress: Progress | None = None,
    fit: ParameterFit | None = None,
    requested_by: User | None = None,
) -> ParameterFit:
    """Fit the class's memory model now and record the outcome; returns the finished fit.

    Runs `fit` when given (queued by `parameter_fit_queue`), else queues one first (FitRefused
    when another is running). `progress(percent, stage)` is called as it goes. Never raises for
    a failed fit: the fit comes back FAILED with the reason in its message.
    """
    if fit is None:
        fit = parameter_fit_queue(classroom=classroom, requested_by=requested_by)
    started = timezone.now()
    ParameterFit.objects.filter(pk=fit.pk).update(
        status=FitStatus.RUNNING, started_at=started, updated_at=started, progress=0
    )
    report = _reporter(fit, progress)
    result, failure = None, ""
    try:
        reviews = class_review_history(classroom)
        result = optimizing.fit(reviews, progress=report)
    except RuntimeError as error:
        failure = str(error)
    except Exception as error:  # The class must keep working whatever the optimiser does.
        logger.exception("Fitting the memory model of class %s failed", classroom.pk)
        failure = FIT_CRASHED.format(error=type(error).__name__)
    return _finish(classroom, fit.pk, result, failure)


def _finish(
    classroom: Classroom, fit_id: int, result: optimizing.Fit | None, failure: str
) -> ParameterFit:
    now = timezone.now()
    with transaction.atomic():
        fit = ParameterFit.objects.select_for_update().get(pk=fit_id)
        fit.finished_at = fit.updated_at = now
        fields = ["finished_at", "updated_at", "status", "message", "progress"]
        fit.progress = 100
        if result is None:
            fit.status, fit.message = FitStatus.FAILED, failure
        else:
            fit.status = FitStatus.DONE if result.parameters else FitStatus.SKIPPED
            fit.message = result.message
            fit.reviews, fit.cards = result.reviews, result.cards
            fit.parameters = list(result.parameters) if result.parameters else None
            fields += ["reviews", "cards", "parameters"]
            if result.before is not None and result.after is not None:
                fit.evaluated_reviews = result.after.count
                fit.log_loss_before, fit.log_loss_after = (
                    result.before.log_loss,
                    result.after.log_loss,
                )
                fit.rmse_before, fit.rmse_after = result.before.rmse, result.after.rmse
                fields += [
                    "evaluated_reviews",
                    "log_loss_before",
                    "log_loss_after",
                    "rmse_before",
                    "rmse_after",
                ]
        fit.save(update_fields=fields)
        if fit.status == FitStatus.DONE:
            Classroom.objects.filter(pk=classroom.pk).update(fsrs_parameters=fit.parameters)
            classroom.fsrs_parameters = fit.parameters
    return fit


def class_parameters_reset(*, classroom: Classroom) -> None:
    """Put the class back on FSRS-6's default parameters (its fits stay on record)."""
    with transaction.atomic():
        locked = Classroom.objects.select_for_update().get(pk=classroom.pk)
        _interrupt_stale(locked, timezone.now())
        if ParameterFit.objects.filter(classroom=locked, status__in=ACTIVE_FIT_STATUSES).exists():
            raise FitRefused(RESET_WHILE_RUNNING)
        locked.fsrs_parameters = None
        locked.save(update_fields=["fsrs_parameters"])
    classroom.fsrs_parameters = None


def _run_in_background(classroom_id: int, fit_id: int) -> None:
    try:
        classroom = Classroom.objects.get(pk=classroom_id)
        fit = ParameterFit.objects.get(pk=fit_id)
        class_parameters_fit(classroom=classroom, fit=fit)
    except Exception:  # A thread's exception would otherwise vanish, leaving the fit queued.
        logger.exception("Background fit %s of class %s failed", fit_id, classroom_id)
        ParameterFit.objects.filter(pk=fit_id, status__in=ACTIVE_FIT_STATUSES).update(
            status=FitStatus.FAILED,
            message=FIT_CRASHED.format(error="see the server log"),
            finished_at=timezone.now(),
        )
    finally:
        # The thread's own connection: Django only closes those of request threads.
        connection.close()


def class_parameters_fit_start(*, classroom: Classroom, requested_by: User | None) -> ParameterFit:
    """Queue a fit and run it in a daemon thread once the queuing is committed; returns at once.

    FitRefused (carrying the running fit) when one is already queued or running.
    """
    fit = parameter_fit_queue(classroom=classroom, requested_by=requested_by)
    thread = threading.Thread(
        target=_run_in_background,
        args=(classroom.pk, fit.pk),
        name=f"fit-class-{classroom.pk}",
        daemon=True,
    )
    transaction.on_commit(thread.start)
    return fit
