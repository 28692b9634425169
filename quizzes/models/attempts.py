"""Attempts at quizzes and the answers given in them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    # Closed by the server after the time limit and grace period ran out.
    OVERDUE = "overdue", "Closed when time ran out"


class Attempt(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.PROTECT, related_name="attempts")
    assignment = models.ForeignKey(
        "quizzes.Assignment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField()
    state = models.CharField(
        max_length=16, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    # When the server stops accepting answers (time limit or close date), before any grace period.
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Share of the marks earned, 0..1; set once, when the attempt is submitted or closed.
    fraction = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    # Σ points × fraction and Σ points over the answers, exact; set with `fraction`. The quiz
    # report needs every attempt's total to find each answer's rest-of-test mark, and reading it
    # here spares it a pass over all the answers. Null until closed, and on attempts written
    # without the attempt services (bulk loads): the report sums the answers for those.
    marks = models.DecimalField(max_digits=14, decimal_places=7, null=True, blank=True)
    max_marks = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # Bumped by every save; a save that names an older revision came from a stale tab.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "quiz"],
                condition=Q(state="in_progress"),
                name="attempt_one_open_per_student_and_quiz",
            ),
            models.UniqueConstraint(
                fields=["student", "quiz", "number"], name="attempt_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=0, fraction__lte=1),
                name="attempt_fraction_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(state__in=AttemptState.values), name="attempt_state_known"
            ),
            models.CheckConstraint(
                condition=Q(marks__isnull=True, max_marks__isnull=True)
                | Q(marks__gte=0, max_marks__gte=F("marks")),
                name="attempt_marks_within_max",
            ),
            models.CheckConstraint(
                condition=Q(state="in_progress")
                | Q(submitted_at__isnull=False, fraction__isnull=False),
                name="attempt_closed_has_score",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(submitted_at__gte=F("started_at")),
                name="attempt_submitted_after_start",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "state"], name="attempt_quiz_state")]

    def __str__(self) -> str:
        return f"{self.student} · {self.quiz} #{self.number}"


class Answer(models.Model):
    """One question slot of an attempt, fixed when the attempt starts, and what was answered."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    question_version = models.ForeignKey(
        "quizzes.QuestionVersion", on_delete=models.PROTECT, related_name="answers"
    )
    points = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    # Option ids in the order this attempt shows them (shuffled once, at start).
    option_order = models.JSONField(default=list, blank=True)
    response = models.JSONField(null=True, blank=True)
    # Share of the points earned, 0..1; a question never scores below zero.
    fraction = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    time_taken_ms = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    # Set when immediate feedback graded this answer mid-attempt; it is locked from then on.
    checked_at = models.DateTimeField(null=True, blank=True)
    # Options the response chose or matched, for distractor and myth reports.
    chosen_options = models.ManyToManyField(
        "quizzes.Option", through="AnswerChoice", related_name="+", blank=True
    )

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="answer_position_unique"),
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=0, fraction__lte=1),
                name="answer_fraction_0_to_1",
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="answer_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · Q{self.position}"


class AnswerChoice(models.Model):
    """An option the answer's response chose or matched, written when the answer is graded.

    `attempt` and `mark` repeat the answer's attempt and its mark (points × fraction) so that
    the distractor and myth reports aggregate choices joined to attempts alone, as a bare
    aggregate over the answers does, rather than choices joined to answers joined to attempts
    (bench/results/reports.md). Answers are graded once, so the copies never go stale.
    """

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey("quizzes.Option", on_delete=models.CASCADE, related_name="+")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="+")
    mark = models.DecimalField(max_digits=14, decimal_places=7)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "option"], name="answer_choice_once"),
            models.CheckConstraint(
                condition=Q(mark__gte=0), name="answer_choice_mark_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer} → option {self.option_id}"
