"""Creating accounts."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from quizzes.models import Role, User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str = Role.STUDENT,
    email: str = "",
    display_name: str = "",
) -> User:
    user = User(username=username, email=email, role=role, display_name=display_name)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user
