from django.urls import path

from quizzes.lti import views

urlpatterns = [
    path("login/", views.lti_login, name="lti_login"),
    path("launch/", views.lti_launch, name="lti_launch"),
    path("jwks/", views.lti_jwks, name="lti_jwks"),
    path("deep-link/", views.lti_deep_link, name="lti_deep_link"),
    path("grades/", views.lti_grades, name="lti_grades"),
    path("grades/<int:submission_id>/retry/", views.lti_grade_retry, name="lti_grade_retry"),
    path("classes/<int:classroom_id>/", views.lti_class, name="lti_class"),
    path("platforms/", views.lti_platforms, name="lti_platforms"),
]
