from django.contrib.auth import views as auth_views
from django.urls import include, path

from quizzes.views import (
    accounts,
    api_tokens,
    attempts,
    authoring,
    classes,
    fitting,
    health,
    home,
    interchange,
    progress,
    reports,
    study,
    teaching,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/session", health.healthz_session, name="healthz_session"),
    # LTI 1.3: launches from Moodle, Canvas and Open edX (quizzes/lti/).
    path("lti/", include("quizzes.lti.urls")),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("study/", study.study, name="study"),
    path("progress/", progress.progress, name="progress"),
    path("progress/exam-date/", progress.progress_exam_date, name="progress_exam_date"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path(
        "accounts/api-tokens/<int:token_id>/revoke/",
        api_tokens.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("classes/join/", classes.class_join, name="class_join"),
    # Instructors running their classes (quizzes/views/teaching.py).
    path("classes/", teaching.class_list, name="class_list"),
    path("classes/new/", teaching.class_create, name="class_create"),
    path("classes/<int:classroom_id>/", teaching.class_detail, name="class_detail"),
    path("classes/<int:classroom_id>/edit/", teaching.class_edit, name="class_edit"),
    path(
        "classes/<int:classroom_id>/code/",
        teaching.class_code_regenerate,
        name="class_code_regenerate",
    ),
    path(
        "classes/<int:classroom_id>/students/add/",
        teaching.class_student_add,
        name="class_student_add",
    ),
    path(
        "classes/<int:classroom_id>/students/<int:student_id>/remove/",
        teaching.class_student_remove,
        name="class_student_remove",
    ),
    path(
        "classes/<int:classroom_id>/instructors/add/",
        teaching.class_instructor_add,
        name="class_instructor_add",
    ),
    path(
        "classes/<int:classroom_id>/instructors/<int:user_id>/remove/",
        teaching.class_instructor_remove,
        name="class_instructor_remove",
    ),
    path(
        "classes/<int:classroom_id>/assignments/new/",
        teaching.assignment_create,
        name="assignment_create",
    ),
    path(
        "classes/<int:classroom_id>/assignments/<int:assignment_id>/",
        teaching.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "classes/<int:classroom_id>/assignments/<int:assignment_id>/delete/",
        teaching.assignment_delete,
        name="assignment_delete",
    ),
    path(
        "classes/<int:classroom_id>/assignments/<int:assignment_id>/extensions/",
        teaching.extension_set,
        name="extension_set",
    ),
    path(
        "classes/<int:classroom_id>/assignments/<int:assignment_id>/extensions/"
        "<int:student_id>/delete/",
        teaching.extension_delete,
        name="extension_delete",
    ),
    # The class's memory model: fit FSRS's parameters to its reviews (quizzes/views/fitting.py).
    path("classes/<int:classroom_id>/memory/fit/", fitting.class_fit_start, name="class_fit_start"),
    path(
        "classes/<int:classroom_id>/memory/fits/<int:fit_id>/",
        fitting.class_fit,
        name="class_fit",
    ),
    path(
        "classes/<int:classroom_id>/memory/fits/<int:fit_id>/status/",
        fitting.class_fit_status,
        name="class_fit_status",
    ),
    path(
        "classes/<int:classroom_id>/memory/reset/", fitting.class_fit_reset, name="class_fit_reset"
    ),
    # Class reports (quizzes/views/reports.py); each table also as ?format=csv.
    path("classes/<int:classroom_id>/reports/", reports.report_class, name="report_class"),
    path(
        "classes/<int:classroom_id>/quizzes/<int:quiz_id>/report/",
        reports.report_quiz,
        name="report_quiz",
    ),
    path(
        "classes/<int:classroom_id>/reports/mastery/",
        reports.report_mastery,
        name="report_mastery",
    ),
    path("classes/<int:classroom_id>/reports/myths/", reports.report_myths, name="report_myths"),
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
    path("banks/", authoring.bank_list, name="bank_list"),
    path("banks/new/", authoring.bank_create, name="bank_create"),
    path("banks/<slug:slug>/", authoring.bank_detail, name="bank_detail"),
    path("banks/<slug:slug>/settings/", authoring.bank_edit, name="bank_edit"),
    path("banks/<slug:slug>/tag/", authoring.bank_bulk_tag, name="bank_bulk_tag"),
    # Import and export (quizzes/views/interchange.py); a dot never appears in a bank slug.
    path("banks/csv-template.csv", interchange.csv_template_download, name="csv_template"),
    path("banks/<slug:slug>/import/", interchange.bank_import, name="bank_import"),
    path(
        "banks/<slug:slug>/import/confirm/",
        interchange.bank_import_confirm,
        name="bank_import_confirm",
    ),
    path("banks/<slug:slug>/export/", interchange.bank_export, name="bank_export"),
    path("banks/<slug:slug>/questions/new/", authoring.question_new, name="question_new"),
    path(
        "banks/<slug:slug>/questions/new/<str:qtype>/",
        authoring.question_create,
        name="question_create",
    ),
    path("questions/<int:question_id>/", authoring.question_detail, name="question_detail"),
    path("questions/<int:question_id>/edit/", authoring.question_edit, name="question_edit"),
    path(
        "questions/<int:question_id>/history/",
        authoring.question_history,
        name="question_history",
    ),
    path(
        "questions/<int:question_id>/archive/", authoring.question_archive, name="question_archive"
    ),
    path(
        "questions/<int:question_id>/unarchive/",
        authoring.question_unarchive,
        name="question_unarchive",
    ),
    path("questions/<int:question_id>/delete/", authoring.question_delete, name="question_delete"),
    path(
        "questions/<int:question_id>/duplicate/",
        authoring.question_duplicate,
        name="question_duplicate",
    ),
]
