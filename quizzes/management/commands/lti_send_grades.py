"""Send the grades owed to learning platforms whose (re)try time has come. For cron."""

from django.core.management.base import BaseCommand

from quizzes.lti.storage import launch_values_purge
from quizzes.services.lti import grades_queue_missed, grades_send_due


class Command(BaseCommand):
    help = (
        "Send due LTI grades (retries with backoff; grades a dead worker never queued are queued "
        "first) and forget expired launch data."
    )

    def handle(self, *args, **options):
        missed = grades_queue_missed()
        counts = grades_send_due()
        purged = launch_values_purge()
        self.stdout.write(
            f"Grades sent: {counts['sent']}, still waiting: {counts['pending']}, "
            f"given up: {counts['failed']}. Grades found unqueued: {missed}. "
            f"Expired launch records removed: {purged}."
        )
