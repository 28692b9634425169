"""Quizzes: which questions (fixed, or drawn at random) and the rules an attempt follows."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", "Highest attempt"
    AVERAGE = "average", "Average of attempts"
    FIRST = "first", "First attempt"
    LAST = "last", "Last attempt"


class FeedbackTiming(models.TextChoices):
    IMMEDIATE = "immediate", "After each question"
    DEFERRED = "deferred", "After submission"


class Quiz(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_quizzes",
    )
    time_limit_seconds = models.PositiveIntegerField(null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0 means unlimited.")
    grading_method = models.CharField(
        max_length=16, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    shuffle_questions = models.BooleanField(default=True)
    shuffle_options = models.BooleanField(default=True)
    feedback_timing = models.CharField(
        max_length=16, choices=FeedbackTiming.choices, default=FeedbackTiming.DEFERRED
    )
    # What the review page shows once an attempt is submitted.
    review_shows_responses = models.BooleanField(default=True)
    review_shows_correct = models.BooleanField(default=True)
    review_shows_explanation = models.BooleanField(default=True)
    review_shows_score = models.BooleanField(default=True)
    pass_mark = models.DecimalField(
        max_digits=5, decimal_places=2, default=70, help_text="Percent needed to pass."
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="quiz_pass_mark_percent"
            ),
            models.CheckConstraint(
                condition=Q(grading_method__in=GradingMethod.values),
                name="quiz_grading_method_known",
            ),
            models.CheckConstraint(
                condition=Q(feedback_timing__in=FeedbackTiming.values),
                name="quiz_feedback_timing_known",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="quiz_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_seconds__isnull=True) | Q(time_limit_seconds__gt=0),
                name="quiz_time_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuizItem(models.Model):
    """A question fixed in a quiz; every attempt uses its current version at start."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey("quizzes.Question", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=6, decimal_places=2, default=1)

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_item_question_once"),
            models.UniqueConstraint(fields=["quiz", "position"], name="quiz_item_position_unique"),
            models.CheckConstraint(condition=Q(points__gt=0), name="quiz_item_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.position}"


class QuizDraw(models.Model):
    """Draw `count` random questions from a bank, optionally only those carrying a tag."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="draws")
    bank = models.ForeignKey(
        "quizzes.QuestionBank", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    tag = models.ForeignKey(
        "quizzes.Tag", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    count = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=6, decimal_places=2, default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(bank__isnull=False) | Q(tag__isnull=False),
                name="quiz_draw_has_a_pool",
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="quiz_draw_count_positive"),
            models.CheckConstraint(condition=Q(points__gt=0), name="quiz_draw_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz}: {self.count} drawn"
