from django.core.management.base import BaseCommand

from quizzes.services.attempts import attempts_close_overdue


class Command(BaseCommand):
    help = (
        "Close every attempt whose time limit (or close date) and grace period have passed, "
        "grading the answers saved in time. Run it from cron every minute."
    )

    def handle(self, *args, **options):
        closed = attempts_close_overdue()
        noun = "attempt" if closed == 1 else "attempts"
        self.stdout.write(f"Closed {closed} overdue {noun}.")
