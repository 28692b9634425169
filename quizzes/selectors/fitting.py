"""Reads for fitting a class's memory model: its review history and the state of its fits."""

from dataclasses import dataclass

from django.db.models import Q

from quizzes import optimizing
from quizzes.models import Classroom, FitStatus, ParameterFit, ReviewLog


def class_review_history(classroom: Classroom) -> list[optimizing.LoggedReview]:
    """Every review by the class's students, in one query.

    All of a student's cards count, whatever class brought them: the fit describes how these
    people remember, and psoas facts from another class's deck are still psoas facts.
    """
    rows = ReviewLog.objects.filter(card__student__enrollments__classroom=classroom).values_list(
        "card_id", "rating", "reviewed_at", "phase_before", "duration_ms"
    )
    return [optimizing.LoggedReview(*row) for row in rows.order_by()]


@dataclass(frozen=True)
class FitPanel:
    """What the class page says about the memory model."""

    # The fit whose parameters the class uses; None on the defaults.
    in_use: ParameterFit | None
    # The most recent fit of any outcome (it may be running, or have kept the defaults).
    latest: ParameterFit | None
    optimizer_available: bool

    @property
    def running(self) -> ParameterFit | None:
        return self.latest if self.latest is not None and self.latest.is_active else None


def class_fit_panel(classroom: Classroom) -> FitPanel:
    """The class's fit in use and its latest fit, in one query."""
    fits = ParameterFit.objects.filter(classroom=classroom)
    latest_done = fits.filter(status=FitStatus.DONE).values("pk")[:1]
    latest_any = fits.values("pk")[:1]
    rows = list(fits.filter(Q(pk__in=latest_done) | Q(pk__in=latest_any)))
    latest = rows[0] if rows else None
    in_use = None
    if classroom.fsrs_parameters is not None:
        in_use = next((fit for fit in rows if fit.status == FitStatus.DONE), None)
    return FitPanel(in_use, latest, optimizing.optimizer_available())


def class_fit(classroom: Classroom, fit_id: int) -> ParameterFit:
    """One fit of the class. Raises ParameterFit.DoesNotExist for another class's fit."""
    return ParameterFit.objects.get(pk=fit_id, classroom=classroom)
