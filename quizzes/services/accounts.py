"""Creating accounts."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quizzes.models import Role, User

USERNAME_TAKEN = "The username {username} is taken. Choose another one."


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str = Role.STUDENT,
    email: str = "",
    display_name: str = "",
) -> User:
    """A new account, checked by the model's rules and the site's password validators.

    Raises ValidationError keyed by field name ("username", "email", "display_name",
    "password", ...) so that a form can show every problem beside its own field at once.
    """
    user = User(username=username, email=email, role=role, display_name=display_name)
    errors: dict[str, list] = {}
    try:
        # Also normalises the username (NFKC) and the email's domain part. Uniqueness is checked
        # below, without regard to case, so that there is one message for a taken name.
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as error:
        errors.update(error.error_dict)
    # Usernames are unique regardless of case: "Asha" and "asha" would be told apart by nobody.
    if "username" not in errors and _username_taken(user.username):
        errors["username"] = [ValidationError(USERNAME_TAKEN.format(username=user.username))]
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.error_list
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone took the name between the check above and this insert.
        if _username_taken(user.username):
            raise ValidationError(
                {"username": USERNAME_TAKEN.format(username=user.username)}
            ) from None
        raise
    return user


def _username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()
