from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizzes.services.bundled import BankFilesInvalid, bundled_banks_load


class Command(BaseCommand):
    help = "Load the bundled question banks, diagrams and ready-made quizzes (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--folder", type=Path, default=settings.BANKS_DIR)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, folder: Path, dry_run: bool, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder of bank files.")
        try:
            report = bundled_banks_load(folder=folder, dry_run=dry_run)
        except BankFilesInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(problem)
            raise CommandError(str(invalid)) from None
        for slug, bank_report in report.banks.items():
            self.stdout.write(f"{slug}: {bank_report.summary()}")
        self.stdout.write(
            f"{len(report.quizzes)} ready-made quizzes, {len(report.diagrams)} diagrams"
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
