from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "psoasquiz"
    default_auto_field = "django.db.models.BigAutoField"
