"""Guessing limits: a class behind one address logs in; someone guessing is stopped."""

import logging
import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from quizzes.models import Enrollment
from quizzes.services import login_limits
from quizzes.services.login_limits import (
    ADDRESS_LIMIT,
    LOCK,
    LOCKED_OUT,
    PAIR_LIMIT,
    USERNAME_LIMIT,
    login_failure_record,
    login_lock,
    login_success_record,
    rate_hit,
    rate_peek,
)
from tests import factories as f

PASSWORD = "iliacus-and-psoas-42"
SCHOOL = "203.0.113.7"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


# --- The counting, without HTTP ---------------------------------------------------------------


def test_five_failures_for_one_username_from_one_address_lock_that_pair_only():
    for _ in range(PAIR_LIMIT - 1):
        assert login_failure_record(username="asha", ip=SCHOOL, now=1000) is None
    assert login_lock(username="asha", ip=SCHOOL, now=1000) is None
    lock = login_failure_record(username="asha", ip=SCHOOL, now=1000)
    assert lock is not None and lock.scope == "pair"
    assert login_lock(username="asha", ip=SCHOOL, now=1001).retry_after == LOCK - 1
    # Asha from home, and her classmates at school, are not locked.
    assert login_lock(username="asha", ip="198.51.100.1", now=1001) is None
    assert login_lock(username="ben", ip=SCHOOL, now=1001) is None
    # The lock ends.
    assert login_lock(username="asha", ip=SCHOOL, now=1000 + LOCK + 1) is None


def test_the_username_count_ignores_case_and_spaces():
    for _ in range(PAIR_LIMIT):
        login_failure_record(username=" Asha", ip=SCHOOL)
    assert login_lock(username="ASHA", ip=SCHOOL) is not None


def test_a_username_guessed_from_many_addresses_is_locked_everywhere():
    for n in range(USERNAME_LIMIT):
        login_failure_record(username="asha", ip=f"192.0.2.{n}")
    lock = login_lock(username="asha", ip="198.51.100.99")
    assert lock is not None and lock.scope == "username"
    assert login_lock(username="ben", ip="198.51.100.99") is None


def test_one_address_trying_many_usernames_is_locked():
    for n in range(ADDRESS_LIMIT):
        login_failure_record(username=f"user{n}", ip="192.0.2.50")
    lock = login_lock(username="someone-new", ip="192.0.2.50")
    assert lock is not None and lock.scope == "address"
    assert login_lock(username="someone-new", ip="192.0.2.51") is None


def test_a_class_of_thirty_behind_one_address_each_with_typos_is_not_locked():
    for n in range(30):
        for _ in range(2):
            login_failure_record(username=f"student{n}", ip=SCHOOL)
    for n in range(30):
        assert login_lock(username=f"student{n}", ip=SCHOOL) is None


def test_a_success_forgets_that_persons_typos_but_not_the_address_count():
    for _ in range(PAIR_LIMIT - 1):
        login_failure_record(username="asha", ip=SCHOOL)
    login_success_record(username="asha", ip=SCHOOL)
    for _ in range(PAIR_LIMIT - 1):
        assert login_failure_record(username="asha", ip=SCHOOL) is None
    assert login_lock(username="asha", ip=SCHOOL) is None


def test_counts_expire_after_the_window(monkeypatch):
    monkeypatch.setattr(login_limits, "WINDOW", 1)
    for _ in range(PAIR_LIMIT - 1):
        login_failure_record(username="asha", ip=SCHOOL)
    time.sleep(1.2)
    assert login_failure_record(username="asha", ip=SCHOOL) is None
    assert login_lock(username="asha", ip=SCHOOL) is None


def test_lock_minutes_are_said_in_words():
    assert login_limits.Lock("pair", 900).minutes == "15 minutes"
    assert login_limits.Lock("pair", 30).minutes == "1 minute"
    assert login_limits.Lock("pair", 61).minutes == "2 minutes"


def test_rate_hit_allows_the_rate_then_refuses_until_the_period_ends():
    assert rate_hit(name="t", key="k", rate="3/hour", now=100) is None
    assert rate_hit(name="t", key="k", rate="3/hour", now=130) is None
    assert rate_peek(name="t", key="k", now=130) is None
    lock = rate_hit(name="t", key="k", rate="3/hour", now=160)
    assert lock is not None and lock.retry_after == 3600 - 60
    assert rate_peek(name="t", key="k", now=170).retry_after == 3600 - 70
    assert rate_peek(name="t", key="k", now=3701) is None
    assert rate_peek(name="t", key="other", now=170) is None


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("20/hour", (20, 3600)), ("5/m", (5, 60)), ("100/day", (100, 86400)), ("1/second", (1, 1))],
)
def test_parse_rate(rate, parsed):
    assert login_limits.parse_rate(rate) == parsed


# --- Through the login page -------------------------------------------------------------------


def login(client, username, password, ip=SCHOOL):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_a_class_logging_in_from_one_address_with_one_typo_each_all_get_in(client):
    students = [f.StudentFactory(username=f"trainee{n}", password=PASSWORD) for n in range(30)]
    for student in students:
        assert login(client, student.username, "wrong-password").status_code == 200
        response = login(client, student.username, PASSWORD)
        assert response.status_code == 302, student.username
        client.logout()


@pytest.mark.django_db
def test_an_attacker_guessing_one_username_is_locked_even_with_the_right_password(client):
    f.StudentFactory(username="asha", password=PASSWORD)
    for _ in range(PAIR_LIMIT - 1):
        assert login(client, "asha", "guess").status_code == 200
    locked = login(client, "asha", "guess")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == LOCK
    assert escape(LOCKED_OUT.format(minutes="15 minutes")) in locked.content.decode()
    refused = login(client, "asha", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # Asha from another address is not locked out by the attacker at school.
    assert login(client, "asha", PASSWORD, ip="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_the_lock_message_is_the_same_whether_or_not_the_username_exists(client):
    f.StudentFactory(username="asha", password=PASSWORD)
    pages = {}
    for name in ("asha", "nobody-here"):
        for _ in range(PAIR_LIMIT):
            response = login(client, name, "guess")
        pages[name] = response
    assert pages["asha"].status_code == pages["nobody-here"].status_code == 429
    texts = {
        name: re.sub(r'value="[^"]{40,}"', "TOKEN", r.content.decode().replace(name, "NAME"))
        for name, r in pages.items()
    }
    assert texts["asha"] == texts["nobody-here"]


@pytest.mark.django_db
def test_a_locked_attempt_checks_no_password(client, monkeypatch):
    f.StudentFactory(username="asha", password=PASSWORD)
    for _ in range(PAIR_LIMIT):
        login(client, "asha", "guess")
    calls = []
    monkeypatch.setattr("django.contrib.auth.forms.authenticate", lambda *a, **k: calls.append(1))
    assert login(client, "asha", PASSWORD).status_code == 429
    assert calls == []


@pytest.mark.django_db
def test_an_empty_field_is_not_a_failed_guess(client):
    for _ in range(PAIR_LIMIT + 2):
        assert login(client, "asha", "").status_code == 200
    assert login_lock(username="asha", ip=SCHOOL) is None


# --- Signups and join codes -------------------------------------------------------------------


def signup_data(n):
    return {
        "username": f"newcomer{n}",
        "display_name": "",
        "email": "",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }


@pytest.mark.django_db
def test_signups_from_one_address_are_paused_past_the_rate(client, settings):
    settings.PSOASQUIZ_SIGNUP_RATE = "3/hour"
    for n in range(3):
        assert client.post(reverse("signup"), signup_data(n), REMOTE_ADDR=SCHOOL).status_code == 302
        client.logout()
    paused = client.post(reverse("signup"), signup_data(9), REMOTE_ADDR=SCHOOL)
    assert paused.status_code == 429
    assert "Too many accounts were created from your network" in paused.content.decode()
    assert "try" in paused.content.decode().lower() and "minutes" in paused.content.decode()
    assert not f.StudentFactory._meta.model.objects.filter(username="newcomer9").exists()
    other = client.post(reverse("signup"), signup_data(10), REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 302


@pytest.mark.django_db
def test_the_default_signup_rate_lets_a_class_of_thirty_sign_up(client):
    for n in range(30):
        assert client.post(reverse("signup"), signup_data(n), REMOTE_ADDR=SCHOOL).status_code == 302
        client.logout()


@pytest.mark.django_db
def test_wrong_join_codes_from_one_address_are_paused_past_the_rate(client, settings):
    settings.PSOASQUIZ_JOIN_RATE = "3/hour"
    classroom = f.ClassroomFactory()
    students = [f.StudentFactory() for _ in range(4)]
    for student in students[:3]:
        client.force_login(student)
        response = client.post(reverse("class_join"), {"code": "NOPE"}, REMOTE_ADDR=SCHOOL)
        assert response.status_code == 200
    client.force_login(students[3])
    paused = client.post(reverse("class_join"), {"code": classroom.join_code}, REMOTE_ADDR=SCHOOL)
    assert paused.status_code == 429
    assert "Too many join codes were tried" in paused.content.decode()
    assert not Enrollment.objects.filter(classroom=classroom).exists()


@pytest.mark.django_db
def test_one_account_trying_many_join_codes_is_paused(client):
    student = f.StudentFactory()
    client.force_login(student)
    limit, _ = login_limits.parse_rate(login_limits.JOIN_RATE_PER_ACCOUNT)
    for n in range(limit):
        address = f"192.0.2.{n}"
        response = client.post(reverse("class_join"), {"code": f"NOPE{n}"}, REMOTE_ADDR=address)
        assert response.status_code == 200
    response = client.post(reverse("class_join"), {"code": "NOPE"}, REMOTE_ADDR="192.0.2.200")
    assert response.status_code == 429


# --- API tokens -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_api_tokens_count_against_the_address(client, caplog):
    for _ in range(ADDRESS_LIMIT):
        response = client.get(
            "/api/v1/me/", HTTP_AUTHORIZATION="Bearer psq_wrong", REMOTE_ADDR="192.0.2.9"
        )
        assert response.status_code == 401
    with caplog.at_level(logging.WARNING, logger="psoasquiz.security"):
        response = client.get(
            "/api/v1/me/", HTTP_AUTHORIZATION="Bearer psq_wrong", REMOTE_ADDR="192.0.2.9"
        )
    assert response.status_code == 429
    other = client.get(
        "/api/v1/me/", HTTP_AUTHORIZATION="Bearer psq_wrong", REMOTE_ADDR="192.0.2.10"
    )
    assert other.status_code == 401


# --- A browser the owner used before ------------------------------------------------------------


@pytest.mark.django_db
def test_someone_locking_an_account_from_many_addresses_does_not_lock_its_owner_out(client):
    f.StudentFactory(username="asha", password=PASSWORD)
    # Asha logged in from her laptop last week: it keeps a signed note of that.
    assert login(client, "asha", PASSWORD, ip="198.51.100.1").status_code == 302
    laptop = client.cookies[login_limits.KNOWN_COOKIE].value
    client.logout()

    # Someone guesses her password from many addresses: the username-wide lock starts.
    for n in range(USERNAME_LIMIT):
        client.cookies.pop(login_limits.KNOWN_COOKIE, None)
        login(client, "asha", "guess", ip=f"192.0.2.{n}")
    client.cookies.pop(login_limits.KNOWN_COOKIE, None)
    assert login(client, "asha", PASSWORD, ip="198.51.100.7").status_code == 429
    # A forged or another account's note does not help the guesser.
    client.cookies[login_limits.KNOWN_COOKIE] = laptop[:-2] + "xx"
    assert login(client, "asha", PASSWORD, ip="198.51.100.7").status_code == 429
    f.StudentFactory(username="guesser", password=PASSWORD)
    client.cookies.pop(login_limits.KNOWN_COOKIE, None)
    assert login(client, "guesser", PASSWORD, ip="198.51.100.8").status_code == 302
    client.logout()
    assert login(client, "asha", "guess", ip="198.51.100.8").status_code == 429

    # From her laptop, Asha gets in; its own per-address typos still count.
    client.cookies[login_limits.KNOWN_COOKIE] = laptop
    assert login(client, "asha", PASSWORD, ip="198.51.100.1").status_code == 302
    assert "_auth_user_id" in client.session


def test_a_known_browser_cookie_remembers_the_latest_accounts_only():
    cookie = None
    for n in range(login_limits.KNOWN_ACCOUNTS + 2):
        cookie = login_limits.known_cookie_after_login(cookie, f"user{n}")
    assert login_limits.is_known_browser(cookie, "USER6 ")
    assert not login_limits.is_known_browser(cookie, "user0")
    assert not login_limits.is_known_browser(None, "user6")
    assert not login_limits.is_known_browser("garbage", "user6")
