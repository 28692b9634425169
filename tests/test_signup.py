"""Signing up: every newcomer is a student, errors sit beside their fields, `next` is honoured
only when it stays on this site."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from quizzes.forms.accounts import (
    PASSWORD_AGAIN_MISSING,
    PASSWORD_MISSING,
    PASSWORDS_DIFFER,
    USERNAME_MISSING,
)
from quizzes.models import Role
from quizzes.services.accounts import USERNAME_TAKEN, user_create
from tests import factories as f

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_PASSWORD = "iliacus-and-psoas-42"


def form_data(**overrides):
    data = {
        "username": "asha",
        "display_name": "Asha Rao",
        "email": "asha@example.org",
        "password": GOOD_PASSWORD,
        "password_again": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_signup_page_has_a_labelled_field_for_everything_and_a_way_to_log_in(client):
    response = client.get(reverse("signup"))
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("username", "display_name", "email", "password", "password_again"):
        assert f'for="id_{field}"' in html
        assert f'id="id_{field}"' in html
    assert f'href="{reverse("login")}"' in html
    assert 'autocomplete="new-password"' in html


def test_signup_creates_a_student_logs_in_and_goes_to_the_join_page(client):
    response = client.post(reverse("signup"), form_data())
    assert response.status_code == 302
    assert response.url == reverse("class_join")
    user = User.objects.get(username="asha")
    assert user.role == Role.STUDENT
    assert not user.is_staff
    assert user.display_name == "Asha Rao"
    assert user.email == "asha@example.org"
    assert user.check_password(GOOD_PASSWORD)
    assert client.get(reverse("home")).context["user"] == user


def test_name_and_email_are_optional(client):
    response = client.post(reverse("signup"), form_data(display_name="", email=""))
    assert response.status_code == 302
    assert User.objects.get(username="asha").email == ""


def test_a_role_in_the_request_is_ignored(client):
    client.post(reverse("signup"), form_data(role="instructor", is_staff="on"))
    user = User.objects.get(username="asha")
    assert user.role == Role.STUDENT
    assert not user.is_instructor


def test_signup_follows_a_same_site_next(client):
    target = reverse("class_join") + "?code=4KXM7TQA"
    response = client.post(reverse("signup"), {**form_data(), "next": target})
    assert response.url == target


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_signup_ignores_a_next_that_leaves_the_site(client, next_url):
    response = client.post(reverse("signup"), {**form_data(), "next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("class_join")


def test_next_from_the_query_string_is_carried_through_the_form(client):
    target = "/classes/join/?code=ABC"
    html = client.get(reverse("signup"), {"next": target}).content.decode()
    assert f'name="next" value="{target}"' in html.replace("&amp;", "&").replace("%3F", "?")
    # The link back to login keeps it too.
    assert f"{reverse('login')}?next=/classes/join/%3Fcode%3DABC" in html


def test_logged_in_visitors_are_sent_home(client):
    client.force_login(f.StudentFactory())
    response = client.get(reverse("signup"))
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_taken_username_is_refused_whatever_its_case_and_the_rest_is_kept(client):
    f.StudentFactory(username="asha")
    response = client.post(reverse("signup"), form_data(username="Asha"))
    assert response.status_code == 200
    assert field_errors(response, "username") == [USERNAME_TAKEN.format(username="Asha")]
    assert User.objects.filter(username__iexact="asha").count() == 1
    html = response.content.decode()
    assert 'value="Asha"' in html
    assert 'value="Asha Rao"' in html
    assert 'value="asha@example.org"' in html
    # Passwords are never sent back.
    assert GOOD_PASSWORD not in html


def test_errors_are_tied_to_their_fields_for_screen_readers(client):
    response = client.post(reverse("signup"), form_data(email="not-an-email"))
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_email"' in html  # the summary at the top links to the field
    assert "Enter a valid email address." in html


def test_passwords_that_differ_are_flagged_on_the_second_field(client):
    response = client.post(reverse("signup"), form_data(password_again=GOOD_PASSWORD + "x"))
    assert field_errors(response, "password_again") == [PASSWORDS_DIFFER]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("psoas1234", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("48151623429", "This password is entirely numeric."),
        ("asha-rao-1", "The password is too similar to the"),
    ],
)
def test_weak_passwords_are_refused_with_the_validators_reason(client, password, message):
    response = client.post(
        reverse("signup"),
        form_data(username="asha-rao-1", password=password, password_again=password),
    )
    assert response.status_code == 200
    assert any(error.startswith(message) for error in field_errors(response, "password"))
    assert not User.objects.exists()


def test_an_invalid_username_is_explained(client):
    response = client.post(reverse("signup"), form_data(username="asha rao!"))
    (error,) = field_errors(response, "username")
    assert "Enter a valid username" in error


def test_missing_fields_are_each_named(client):
    response = client.post(reverse("signup"), {})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": [USERNAME_MISSING],
        "password": [PASSWORD_MISSING],
        "password_again": [PASSWORD_AGAIN_MISSING],
    }


def test_login_page_links_to_signup_keeping_next(client):
    html = client.get(reverse("login"), {"next": "/classes/join/?code=ABC"}).content.decode()
    assert f"{reverse('signup')}?next=/classes/join/%3Fcode%3DABC" in html


def test_nav_offers_sign_up_to_visitors_only(client):
    assert f'href="{reverse("signup")}"' in client.get(reverse("home")).content.decode()
    client.force_login(f.StudentFactory())
    assert f'href="{reverse("signup")}"' not in client.get(reverse("home")).content.decode()


# The service, on its own.


def test_user_create_reports_every_problem_by_field():
    f.StudentFactory(username="ben")
    with pytest.raises(ValidationError) as caught:
        user_create(username="BEN", password="123", email="nope")
    errors = caught.value.message_dict
    assert errors["username"] == [USERNAME_TAKEN.format(username="BEN")]
    assert "Enter a valid email address." in errors["email"]
    assert any("too short" in message for message in errors["password"])


def test_user_create_makes_instructors_for_the_command_line():
    user = user_create(username="tara", password=GOOD_PASSWORD, role=Role.INSTRUCTOR)
    assert user.is_instructor
    assert user.check_password(GOOD_PASSWORD)
