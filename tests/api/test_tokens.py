"""API tokens: the service, authentication with them, the account page and the command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.api.authentication import BAD_HEADER, BAD_TOKEN
from quizzes.models import ApiToken
from quizzes.services import api_tokens as service
from tests import factories as f
from tests.api.conftest import API

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_only_a_hash_of_the_secret_is_stored():
    user = f.StudentFactory()
    new = service.api_token_create(user=user, name="Moodle")
    assert new.secret.startswith(service.SECRET_PREFIX)
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert stored.key_hash == service.hash_secret(new.secret)
    assert new.secret not in {stored.key_hash, stored.prefix, stored.name}
    assert new.secret.startswith(stored.prefix)


def test_names_are_required_and_unique_among_active_tokens():
    user = f.StudentFactory()
    with pytest.raises(service.TokenRefused, match="Give the token a name"):
        service.api_token_create(user=user, name="   ")
    first = service.api_token_create(user=user, name="Moodle")
    with pytest.raises(service.TokenRefused) as refused:
        service.api_token_create(user=user, name=" Moodle ")
    assert str(refused.value) == service.NAME_TAKEN.format(name="Moodle")
    service.api_token_revoke(user=user, token_id=first.token.pk)
    assert service.api_token_create(user=user, name="Moodle").token.pk != first.token.pk


def test_active_tokens_are_limited():
    user = f.StudentFactory()
    for n in range(service.MAX_ACTIVE_TOKENS):
        service.api_token_create(user=user, name=f"t{n}")
    with pytest.raises(service.TokenRefused, match="the most allowed"):
        service.api_token_create(user=user, name="one more")


def test_a_token_authenticates_and_records_when_it_was_last_used():
    user = f.StudentFactory()
    new = service.api_token_create(user=user, name="script")
    assert new.token.last_used_at is None
    response = bearer(new.secret).get(f"{API}/me/")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    new.token.refresh_from_db()
    first_use = new.token.last_used_at
    assert first_use is not None
    # A second call within the minute writes nothing; a later one moves the time on.
    bearer(new.secret).get(f"{API}/me/")
    new.token.refresh_from_db()
    assert new.token.last_used_at == first_use
    later = first_use + timedelta(minutes=5)
    token = service.api_token_authenticate(secret=new.secret, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_the_keyword_token_works_too():
    new = service.api_token_create(user=f.StudentFactory(), name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {new.secret}")
    assert client.get(f"{API}/me/").status_code == 200


def test_a_revoked_token_is_refused():
    user = f.StudentFactory()
    new = service.api_token_create(user=user, name="script")
    service.api_token_revoke(user=user, token_id=new.token.pk)
    response = bearer(new.secret).get(f"{API}/me/")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "authentication_failed",
        "message": BAD_TOKEN,
        "fields": {},
    }


def test_a_deactivated_account_s_token_is_refused():
    user = f.StudentFactory()
    new = service.api_token_create(user=user, name="script")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert bearer(new.secret).get(f"{API}/me/").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer psq_unknown"])
def test_malformed_or_unknown_tokens_get_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(f"{API}/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] in {BAD_HEADER, BAD_TOKEN}


def test_no_credentials_get_401_with_a_challenge():
    response = APIClient().get(f"{API}/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_someone_else_cannot_revoke_my_token():
    mine = service.api_token_create(user=f.StudentFactory(), name="mine")
    with pytest.raises(ApiToken.DoesNotExist):
        service.api_token_revoke(user=f.StudentFactory(), token_id=mine.token.pk)


# --- session authentication from the browser ---------------------------------------------


def test_the_session_works_and_csrf_is_enforced(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.student)
    assert client.get(f"{API}/me/").status_code == 200
    response = client.post(f"{API}/assignments/{world.assignment.pk}/attempts/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]
    assert not world.student.attempts.exists()


# --- the account page ---------------------------------------------------------------------


def test_the_page_creates_a_token_and_shows_its_secret_once(client):
    user = f.InstructorFactory()
    client.force_login(user)
    response = client.post(reverse("api_tokens"), {"name": "Moodle"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    secret = response.context["new"].secret
    assert service.hash_secret(secret) == token.key_hash
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    again = client.get(reverse("api_tokens"))
    assert secret not in again.content.decode()
    assert "Moodle" in again.content.decode()
    # The secret works.
    assert bearer(secret).get(f"{API}/me/").status_code == 200


def test_the_page_shows_why_a_name_is_refused(client):
    user = f.StudentFactory()
    service.api_token_create(user=user, name="Moodle")
    client.force_login(user)
    response = client.post(reverse("api_tokens"), {"name": "Moodle"})
    assert response.status_code == 400
    assert service.NAME_TAKEN.format(name="Moodle") in response.content.decode()
    assert 'aria-describedby="id_name_helptext id_name_error"' in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_the_page_revokes_only_my_tokens(client):
    user = f.StudentFactory()
    mine = service.api_token_create(user=user, name="mine")
    theirs = service.api_token_create(user=f.StudentFactory(), name="theirs")
    client.force_login(user)
    refused = client.post(reverse("api_token_revoke", args=[theirs.token.pk]))
    assert refused.status_code == 404
    done = client.post(reverse("api_token_revoke", args=[mine.token.pk]), follow=True)
    assert done.status_code == 200
    mine.token.refresh_from_db()
    theirs.token.refresh_from_db()
    assert mine.token.revoked_at is not None and theirs.token.revoked_at is None
    assert "is revoked" in done.content.decode()


def test_the_page_needs_a_login(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- the command --------------------------------------------------------------------------


def test_the_command_creates_lists_and_revokes():
    user = f.StudentFactory(username="ben")
    out, err = StringIO(), StringIO()
    call_command("api_token", "create", "--user", "ben", "--name", "grades", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert bearer(secret).get(f"{API}/me/").status_code == 200
    listing = StringIO()
    call_command("api_token", "list", "--user", "ben", stdout=listing)
    assert "grades" in listing.getvalue() and "active" in listing.getvalue()
    assert secret not in listing.getvalue()
    call_command("api_token", "revoke", "--user", "ben", "--name", "grades", stdout=StringIO())
    assert bearer(secret).get(f"{API}/me/").status_code == 401
    assert ApiToken.objects.get(user=user).revoked_at <= timezone.now()


def test_the_command_explains_mistakes():
    f.StudentFactory(username="ben")
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("api_token", "list", "--user", "nobody")
    with pytest.raises(CommandError, match="--name is needed"):
        call_command("api_token", "create", "--user", "ben")
    with pytest.raises(CommandError, match="no active token named 'x'"):
        call_command("api_token", "revoke", "--user", "ben", "--name", "x")
