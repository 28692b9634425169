"""People: every account has one role; staff are instructors with the admin site."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    INSTRUCTOR = "instructor", "Instructor"


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    display_name = models.CharField(max_length=150, blank=True)
    # A student's own exam date, across all their classes; it wins over the class's when set
    # (see quizzes/selectors/progress.py: exam_at_for).
    exam_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_known"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_instructor(self) -> bool:
        return self.role == Role.INSTRUCTOR or self.is_staff
