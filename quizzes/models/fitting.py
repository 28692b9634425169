"""Fitting the memory model (FSRS parameters) to a class's reviews: one row per fit."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class FitStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Fitted"
    # Finished without new parameters: too little data, or no better than the defaults.
    SKIPPED = "skipped", "Kept the defaults"
    FAILED = "failed", "Failed"


ACTIVE_FIT_STATUSES = (FitStatus.QUEUED, FitStatus.RUNNING)


class ParameterFit(models.Model):
    classroom = models.ForeignKey(
        "quizzes.Classroom", on_delete=models.CASCADE, related_name="parameter_fits"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=16, choices=FitStatus.choices, default=FitStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moves with every progress report, so a fit whose process died can be told from a slow one.
    updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    cards = models.PositiveIntegerField(default=0)
    # The 21 FSRS-6 parameters, when the fit produced parameters worth using.
    parameters = models.JSONField(null=True, blank=True)
    # Scores on the held-out reviews (quizzes/optimizing.py), defaults against fitted.
    evaluated_reviews = models.PositiveIntegerField(default=0)
    log_loss_before = models.FloatField(null=True, blank=True)
    log_loss_after = models.FloatField(null=True, blank=True)
    rmse_before = models.FloatField(null=True, blank=True)
    rmse_after = models.FloatField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A second click while a fit runs must not start another: the database refuses it.
            models.UniqueConstraint(
                fields=["classroom"],
                condition=Q(status__in=ACTIVE_FIT_STATUSES),
                name="parameter_fit_one_active_per_class",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FitStatus.values), name="parameter_fit_status_known"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="parameter_fit_progress_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.classroom} fit {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_FIT_STATUSES
