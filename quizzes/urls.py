from django.contrib.auth import views as auth_views
from django.urls import path

from quizzes.views import accounts, attempts, classes, health, home, progress, study

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("study/", study.study, name="study"),
    path("progress/", progress.progress, name="progress"),
    path("progress/exam-date/", progress.progress_exam_date, name="progress_exam_date"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("classes/join/", classes.class_join, name="class_join"),
    path(
        "assignments/<int:assignment_id>/",
        attempts.assignment_detail,
        name="assignment_detail",
    ),
    path(
        "assignments/<int:assignment_id>/start/",
        attempts.attempt_start_view,
        name="attempt_start",
    ),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/",
        attempts.attempt_question,
        name="attempt_question",
    ),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/autosave/",
        attempts.attempt_autosave,
        name="attempt_autosave",
    ),
    path("attempts/<int:attempt_id>/finish/", attempts.attempt_finish, name="attempt_finish"),
    path("attempts/<int:attempt_id>/review/", attempts.attempt_review, name="attempt_review"),
]
