"""Staff can open every admin list and form (a smoke test of the registrations)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_registered_model_has_a_working_admin_list_and_detail(client):
    staff = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    f.ReviewLogFactory()
    f.AnswerChoiceFactory()
    f.ExtensionFactory()
    f.QuizItemFactory()
    f.QuizDrawFactory()
    f.DiagramFactory()
    f.EnrollmentFactory()
    f.TagFactory()
    f.GradeSubmissionFactory()
    f.LtiToolKeyFactory()
    Group.objects.create(name="Trainers")
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        obj = model.objects.first()
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, change


def test_students_cannot_open_the_admin(client):
    client.force_login(f.StudentFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
