"""Passwords are stored with Argon2id at our cost; older PBKDF2 hashes still work and upgrade."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from psoasquiz import settings as production
from quizzes.hashers import ClassroomArgon2PasswordHasher
from tests import factories as f

PASSWORD = "iliacus-and-psoas-42"

# The production list (test settings use a fast hasher).
REAL_HASHERS = override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)


def test_argon2id_comes_first_and_pbkdf2_is_still_accepted():
    assert production.PASSWORD_HASHERS[0] == "quizzes.hashers.ClassroomArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS


@REAL_HASHERS
def test_new_hashes_are_argon2id_with_the_chosen_cost():
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).__class__ is ClassroomArgon2PasswordHasher


@pytest.mark.django_db
@REAL_HASHERS
def test_an_old_pbkdf2_hash_logs_in_and_is_rehashed_with_argon2id(client):
    student = f.StudentFactory(username="asha")
    student.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    student.save(update_fields=["password"])
    response = client.post(reverse("login"), {"username": "asha", "password": PASSWORD})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.password.startswith("argon2$argon2id$")


@pytest.mark.django_db
@REAL_HASHERS
def test_an_argon2_hash_with_other_costs_is_upgraded_to_ours(client):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    student = f.StudentFactory(username="asha")
    student.password = Argon2PasswordHasher().encode(PASSWORD, "0123456789abcdef")  # m=100 MiB
    student.save(update_fields=["password"])
    client.post(reverse("login"), {"username": "asha", "password": PASSWORD})
    student.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in student.password


def test_the_test_settings_really_use_a_fast_hasher():
    # So that the tests above are the ones that exercise Argon2id.
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_the_signup_form_says_the_minimum_length(client):
    html = client.get(reverse("signup")).content.decode()
    assert "At least 10 characters" in html
