"""/api/: version 1 of the REST API, its OpenAPI schema and its documentation."""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from quizzes.api import views
from quizzes.api.errors import api_not_found


class IdConverter:
    """An id of at most 18 digits: a longer one cannot exist, and would overflow SQLite's
    integers (a 500) instead of being simply not found."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "api_id")

v1 = [
    path("me/", views.MeView.as_view(), name="me"),
    path("banks/", views.BankList.as_view(), name="bank-list"),
    path("banks/<api_id:pk>/", views.BankDetail.as_view(), name="bank-detail"),
    path("questions/", views.QuestionList.as_view(), name="question-list"),
    path("questions/<api_id:pk>/", views.QuestionDetail.as_view(), name="question-detail"),
    path(
        "questions/<api_id:question_id>/versions/",
        views.VersionList.as_view(),
        name="version-list",
    ),
    path(
        "questions/<api_id:question_id>/versions/<api_id:number>/",
        views.VersionDetail.as_view(),
        name="version-detail",
    ),
    path("quizzes/", views.QuizList.as_view(), name="quiz-list"),
    path("quizzes/<api_id:pk>/", views.QuizDetail.as_view(), name="quiz-detail"),
    path("classes/", views.ClassList.as_view(), name="class-list"),
    path("classes/<api_id:pk>/", views.ClassDetail.as_view(), name="class-detail"),
    path(
        "classes/<api_id:class_id>/enrollments/",
        views.EnrollmentList.as_view(),
        name="enrollment-list",
    ),
    path(
        "classes/<api_id:class_id>/quizzes/<api_id:quiz_id>/report/",
        views.QuizReportView.as_view(),
        name="quiz-report",
    ),
    path(
        "classes/<api_id:class_id>/reports/students/",
        views.StudentsReportView.as_view(),
        name="students-report",
    ),
    path(
        "classes/<api_id:class_id>/reports/mastery/",
        views.MasteryReportView.as_view(),
        name="mastery-report",
    ),
    path(
        "classes/<api_id:class_id>/reports/myths/",
        views.MythReportView.as_view(),
        name="myth-report",
    ),
    path("assignments/", views.AssignmentList.as_view(), name="assignment-list"),
    path("assignments/<api_id:pk>/", views.AssignmentDetail.as_view(), name="assignment-detail"),
    path(
        "assignments/<api_id:assignment_id>/attempts/",
        views.AttemptStart.as_view(),
        name="attempt-start",
    ),
    path("attempts/", views.AttemptList.as_view(), name="attempt-list"),
    path("attempts/<api_id:attempt_id>/", views.AttemptDetail.as_view(), name="attempt-detail"),
    path(
        "attempts/<api_id:attempt_id>/answers/<api_id:position>/",
        views.AnswerSave.as_view(),
        name="answer-save",
    ),
    path(
        "attempts/<api_id:attempt_id>/submit/",
        views.AttemptSubmit.as_view(),
        name="attempt-submit",
    ),
    path("study/queue/", views.StudyQueueView.as_view(), name="study-queue"),
    path("study/reviews/", views.StudyReviewCreate.as_view(), name="study-review"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other /api/ URL answers 404 in the API's error shape, not with an HTML page.
    # ([\s\S], not ".": a path may carry an encoded newline.)
    re_path(r"^(?P<path>[\s\S]*)\Z", api_not_found),
]
