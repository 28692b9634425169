"""Spaced repetition: one memory state per student and question, and the log of every review."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CardPhase(models.TextChoices):
    NEW = "new", "New"
    LEARNING = "learning", "Learning"
    REVIEW = "review", "Review"
    RELEARNING = "relearning", "Relearning"


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewSource(models.TextChoices):
    FLASHCARD = "flashcard", "Flashcard self-rating"
    STUDY = "study", "Answer on the study page"
    QUIZ = "quiz", "Answer in a quiz"


class CardState(models.Model):
    """A student's memory of one question, across all its versions and formats."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards"
    )
    question = models.ForeignKey("quizzes.Question", on_delete=models.CASCADE, related_name="cards")
    phase = models.CharField(max_length=16, choices=CardPhase.choices, default=CardPhase.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    # Leeches stay out of the queue until a student or instructor resets them.
    is_leech = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "question"], name="card_one_per_student_and_question"
            ),
            models.CheckConstraint(
                condition=Q(phase__in=CardPhase.values), name="card_phase_known"
            ),
            models.CheckConstraint(
                condition=Q(stability__isnull=True) | Q(stability__gt=0),
                name="card_stability_positive",
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | Q(difficulty__gte=1, difficulty__lte=10),
                name="card_difficulty_1_to_10",
            ),
        ]
        indexes = [models.Index(fields=["student", "due"], name="card_student_due")]

    def __str__(self) -> str:
        return f"{self.student} · {self.question}"


class ReviewLog(models.Model):
    card = models.ForeignKey(CardState, on_delete=models.CASCADE, related_name="reviews")
    question_version = models.ForeignKey(
        "quizzes.QuestionVersion", on_delete=models.PROTECT, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    source = models.CharField(max_length=16, choices=ReviewSource.choices)
    answer = models.ForeignKey(
        "quizzes.Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    phase_before = models.CharField(max_length=16, choices=CardPhase.choices)
    stability_after = models.FloatField(null=True, blank=True)
    difficulty_after = models.FloatField(null=True, blank=True)
    due_after = models.DateTimeField()

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="review_rating_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ReviewSource.values), name="review_source_known"
            ),
        ]
        indexes = [models.Index(fields=["card", "reviewed_at"], name="review_card_time")]

    def __str__(self) -> str:
        return f"{self.card} rated {self.rating}"
