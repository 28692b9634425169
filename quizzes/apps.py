from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "psoasquiz"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the receivers that write login, logout and failed-login records.
        from quizzes import security_log  # noqa: F401
