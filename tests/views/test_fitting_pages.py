"""The class's memory model pages: the panel on the class page, starting a fit, the progress
page and its JSON, reset, and who may see any of it."""

import html
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizzes import optimizing
from quizzes.models import FitStatus, ParameterFit
from quizzes.selectors import fitting as selectors
from quizzes.services import fitting as services
from quizzes.views import fitting as views
from tests import factories as f

pytestmark = pytest.mark.django_db
FITTED = [p * 0.9 if i < 4 else p for i, p in enumerate(DEFAULT_PARAMETERS)]


@pytest.fixture
def teacher():
    return f.InstructorFactory()


@pytest.fixture
def classroom(teacher):
    return f.ClassroomFactory(instructors=[teacher])


@pytest.fixture
def available(monkeypatch):
    monkeypatch.setattr(optimizing, "optimizer_available", lambda: True)


def _text(response) -> str:
    """The page with apostrophes unescaped, so messages compare as written."""
    return html.unescape(response.content.decode())


def _page(client, classroom) -> str:
    response = client.get(reverse("class_detail", args=[classroom.pk]))
    assert response.status_code == 200
    return _text(response)


def _done_fit(classroom, **fields) -> ParameterFit:
    values = {
        "status": FitStatus.DONE,
        "progress": 100,
        "finished_at": datetime(2026, 11, 12, 15, 0, tzinfo=UTC),
        "reviews": 3420,
        "cards": 310,
        "parameters": FITTED,
        "evaluated_reviews": 400,
        "log_loss_before": 0.41,
        "log_loss_after": 0.37,
        "rmse_before": 0.05,
        "rmse_after": 0.02,
        "message": optimizing.FITTED.format(reviews=3420, cards=310),
    }
    values.update(fields)
    return ParameterFit.objects.create(classroom=classroom, **values)


def test_a_new_class_is_on_the_defaults_with_a_fit_button(client, teacher, classroom, available):
    client.force_login(teacher)
    page = _page(client, classroom)
    assert 'id="memory-heading">Memory model</h2>' in page
    assert "Default FSRS-6 parameters." in page
    assert f'action="{reverse("class_fit_start", args=[classroom.pk])}"' in page
    assert "Fit to this class's reviews" in page
    assert "Reset to defaults" not in page
    assert "requirements-optimizer.txt" not in page


def test_without_the_optimiser_the_page_says_how_to_install_it(
    client, teacher, classroom, monkeypatch
):
    monkeypatch.setattr(optimizing, "optimizer_available", lambda: False)
    client.force_login(teacher)
    page = _page(client, classroom)
    assert "pip install -r requirements-optimizer.txt" in page
    assert reverse("class_fit_start", args=[classroom.pk]) not in page


def test_a_fitted_class_says_when_from_what_and_how_much_better(
    client, teacher, classroom, available
):
    _done_fit(classroom)
    classroom.fsrs_parameters = FITTED
    classroom.save(update_fields=["fsrs_parameters"])
    client.force_login(teacher)
    page = _page(client, classroom)
    assert "Fitted on 12 Nov 2026 from 3,420 reviews</strong>; log loss 0.41 → 0.37." in page
    assert reverse("class_fit_reset", args=[classroom.pk]) in page


def test_a_later_fit_that_kept_the_defaults_is_shown_beside_the_fit_in_use(
    client, teacher, classroom, available
):
    _done_fit(classroom)
    classroom.fsrs_parameters = FITTED
    classroom.save(update_fields=["fsrs_parameters"])
    ParameterFit.objects.create(
        classroom=classroom, status=FitStatus.SKIPPED, message="Kept the default parameters: x."
    )
    client.force_login(teacher)
    page = _page(client, classroom)
    assert "Fitted on 12 Nov 2026 from 3,420 reviews" in page
    assert "Kept the defaults</span> Kept the default parameters: x." in page


def test_after_a_reset_the_page_says_defaults_again(client, teacher, classroom, available):
    _done_fit(classroom)
    client.force_login(teacher)
    page = _page(client, classroom)
    assert "Default FSRS-6 parameters." in page and "Fitted on" not in page


def test_the_panel_costs_one_query(django_assert_num_queries, classroom):
    _done_fit(classroom)
    ParameterFit.objects.create(classroom=classroom, status=FitStatus.FAILED)
    classroom.fsrs_parameters = FITTED
    with django_assert_num_queries(1):
        panel = selectors.class_fit_panel(classroom)
    assert panel.in_use.status == FitStatus.DONE
    assert panel.latest.status == FitStatus.FAILED
    assert panel.running is None


def test_the_button_queues_a_fit_and_a_second_click_finds_it(client, teacher, classroom):
    client.force_login(teacher)
    url = reverse("class_fit_start", args=[classroom.pk])

    first = client.post(url, follow=True)

    fit = ParameterFit.objects.get(classroom=classroom)
    assert fit.status == FitStatus.QUEUED and fit.requested_by == teacher
    assert first.redirect_chain == [(reverse("class_fit", args=[classroom.pk, fit.pk]), 302)]
    assert views.FIT_STARTED in _text(first)
    second = client.post(url, follow=True)
    assert second.redirect_chain == first.redirect_chain
    assert services.FIT_ALREADY_RUNNING in _text(second)
    assert ParameterFit.objects.filter(classroom=classroom).count() == 1
    page = _page(client, classroom)
    assert "A fit is under way (0% done)" in page
    assert "Fit to this class's reviews" not in page
    # GET does nothing but lead back to the panel.
    response = client.get(url)
    assert response["Location"].endswith("#memory-heading")
    assert ParameterFit.objects.count() == 1


def test_the_progress_page_without_javascript(client, teacher, classroom):
    fit = ParameterFit.objects.create(classroom=classroom, status=FitStatus.RUNNING, progress=40)
    client.force_login(teacher)
    url = reverse("class_fit", args=[classroom.pk, fit.pk])

    page = client.get(url).content.decode()

    assert '<progress id="fit-progress" max="100" value="40">40%</progress>' in page
    assert '<label for="fit-progress">Progress</label>' in page
    assert f'href="{url}" data-fit-refresh>Refresh</a>' in page
    assert f'data-fit-status-url="{reverse("class_fit_status", args=[classroom.pk, fit.pk])}"' in (
        page
    )
    assert "data-fit-active" in page and "js/fit-progress" in page
    assert reverse("class_detail", args=[classroom.pk]) in page


def test_the_progress_page_of_a_finished_fit_shows_its_scores(client, teacher, classroom):
    fit = _done_fit(classroom)
    client.force_login(teacher)
    page = client.get(reverse("class_fit", args=[classroom.pk, fit.pk])).content.decode()
    assert "0.410 → 0.370" in page and "0.050 → 0.020" in page
    assert "3,420 (310 cards)" in page
    assert "data-fit-active" not in page and "data-fit-refresh" not in page


def test_the_json_status(client, teacher, classroom, django_assert_num_queries):
    fit = ParameterFit.objects.create(classroom=classroom, status=FitStatus.RUNNING, progress=55)
    client.force_login(teacher)
    url = reverse("class_fit_status", args=[classroom.pk, fit.pk])

    # Session, user, the class (access check), the fit.
    with django_assert_num_queries(4):
        response = client.get(url)

    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "id": fit.pk,
        "status": "running",
        "status_label": "Running",
        "progress": 55,
        "finished": False,
        "message": "",
    }
    assert client.post(url).status_code == 405


def test_reset_asks_first_then_resets(client, teacher, classroom):
    _done_fit(classroom)
    classroom.fsrs_parameters = FITTED
    classroom.save(update_fields=["fsrs_parameters"])
    client.force_login(teacher)
    url = reverse("class_fit_reset", args=[classroom.pk])

    page = client.get(url).content.decode()
    assert "Reset to the defaults</button>" in page
    classroom.refresh_from_db()
    assert classroom.fsrs_parameters == FITTED

    response = client.post(url, follow=True)
    classroom.refresh_from_db()
    assert classroom.fsrs_parameters is None
    assert views.RESET_DONE.format(name=classroom.name) in _text(response)


def test_reset_during_a_fit_is_refused_with_a_message(client, teacher, classroom):
    classroom.fsrs_parameters = FITTED
    classroom.save(update_fields=["fsrs_parameters"])
    ParameterFit.objects.create(classroom=classroom, status=FitStatus.RUNNING)
    client.force_login(teacher)

    response = client.post(reverse("class_fit_reset", args=[classroom.pk]), follow=True)

    assert services.RESET_WHILE_RUNNING in _text(response)
    classroom.refresh_from_db()
    assert classroom.fsrs_parameters == FITTED


def _urls(classroom, fit):
    return [
        ("get", reverse("class_fit", args=[classroom.pk, fit.pk])),
        ("get", reverse("class_fit_status", args=[classroom.pk, fit.pk])),
        ("post", reverse("class_fit_start", args=[classroom.pk])),
        ("get", reverse("class_fit_reset", args=[classroom.pk])),
        ("post", reverse("class_fit_reset", args=[classroom.pk])),
    ]


@pytest.mark.parametrize("who", ["student", "enrolled student", "other instructor"])
def test_only_the_class_instructors_and_staff_reach_these_pages(client, classroom, who):
    fit = _done_fit(classroom)
    classroom.fsrs_parameters = FITTED
    classroom.save(update_fields=["fsrs_parameters"])
    people = {
        "student": f.StudentFactory,
        "enrolled student": lambda: f.EnrollmentFactory(classroom=classroom).student,
        "other instructor": f.InstructorFactory,
    }
    client.force_login(people[who]())
    for method, url in _urls(classroom, fit):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    classroom.refresh_from_db()
    assert classroom.fsrs_parameters == FITTED
    assert ParameterFit.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, classroom):
    fit = _done_fit(classroom)
    for method, url in _urls(classroom, fit):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_staff_reach_any_class(client, classroom):
    fit = _done_fit(classroom)
    client.force_login(f.UserFactory(is_staff=True))
    assert client.get(reverse("class_fit", args=[classroom.pk, fit.pk])).status_code == 200
    assert client.get(reverse("class_fit_status", args=[classroom.pk, fit.pk])).status_code == 200


def test_another_class_fit_or_an_unknown_one_is_404(client, teacher, classroom):
    other = _done_fit(f.ClassroomFactory())
    client.force_login(teacher)
    for fit_id in (other.pk, 999999):
        assert client.get(reverse("class_fit", args=[classroom.pk, fit_id])).status_code == 404
        status_url = reverse("class_fit_status", args=[classroom.pk, fit_id])
        assert client.get(status_url).status_code == 404
