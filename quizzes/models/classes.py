"""Classes (cohorts), who is in them, and the quizzes assigned to them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Classroom(models.Model):
    name = models.CharField(max_length=200)
    # Students join with this code; instructors can regenerate it (old codes stop working).
    join_code = models.CharField(max_length=16, unique=True)
    join_code_expires_at = models.DateTimeField(null=True, blank=True)
    instructors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teaching_classes")
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Enrollment", related_name="enrolled_classes"
    )
    # Spaced-repetition settings shared by the class.
    desired_retention = models.DecimalField(max_digits=3, decimal_places=2, default="0.90")
    new_cards_per_day = models.PositiveSmallIntegerField(default=20)
    reviews_per_day = models.PositiveSmallIntegerField(default=200)
    exam_date = models.DateField(null=True, blank=True)
    # FSRS-6 parameters fitted to the class's reviews (ParameterFit); null: the defaults.
    fsrs_parameters = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte="0.70", desired_retention__lte="0.99"),
                name="classroom_retention_0_70_to_0_99",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="enrollment_once_per_class"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"


class Assignment(models.Model):
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.PROTECT, related_name="assignments")
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "classroom"], name="assignment_quiz_once_per_class"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(due_at__isnull=True)
                | Q(due_at__gte=F("opens_at")),
                name="assignment_due_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gte=F("due_at")),
                name="assignment_closes_after_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} → {self.classroom}"


class Extension(models.Model):
    """A later due and close date for one student on one assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions"
    )
    due_at = models.DateTimeField()
    closes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="extension_once_per_student"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gte=F("due_at")),
                name="extension_closes_after_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.assignment} until {self.due_at:%Y-%m-%d}"
