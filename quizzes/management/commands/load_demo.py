from django.core.management.base import BaseCommand

from quizzes.services.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Create the demo class with a demo instructor and demo students (safe to run again)."

    def handle(self, *args, **options):
        report = demo_load()
        self.stdout.write(
            f"Demo class {report.classroom.name!r} (join code {report.classroom.join_code}) "
            f"with {len(report.students)} students and {report.assignments} assigned quizzes."
        )
        names = ", ".join([report.instructor.username, *(s.username for s in report.students)])
        self.stdout.write(f"Accounts: {names}; password {DEMO_PASSWORD!r}.")
