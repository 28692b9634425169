from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes.interchange.csvfile import parse_csv
from quizzes.interchange.gift import parse_gift
from quizzes.selectors.export import bank_by_slug
from quizzes.services.banks import questions_import

FORMATS_BY_SUFFIX = {".gift": "gift", ".txt": "gift", ".csv": "csv"}
NO_FILE = "{path} does not exist or is not a file."
NOT_UTF8 = "{path} is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in spreadsheets) and try again."
UNKNOWN_FORMAT = (
    "cannot tell the format of {path} from its name; add --format gift or --format csv."
)
BANK_NOT_FOUND = (
    "no bank with the slug {slug!r}; create the bank first (imports never create banks)."
)
PROBLEMS_FOUND = "{count} problem(s) in {path}; nothing was imported."


class Command(BaseCommand):
    help = "Import questions from a GIFT or CSV file into an existing bank (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--bank", required=True, help="slug of an existing bank")
        parser.add_argument("--format", choices=["gift", "csv"], help="default: from the name")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--default-source",
            default="",
            help="GIFT only: source for questions without a '// source:' comment.",
        )

    def handle(self, *args, file: Path, bank: str, format, dry_run, default_source, **options):
        if not file.is_file():
            raise CommandError(NO_FILE.format(path=file))
        fmt = format or FORMATS_BY_SUFFIX.get(file.suffix.lower())
        if fmt is None:
            raise CommandError(UNKNOWN_FORMAT.format(path=file))
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(NOT_UTF8.format(path=file)) from None
        question_bank = bank_by_slug(bank)
        if question_bank is None:
            raise CommandError(BANK_NOT_FOUND.format(slug=bank))

        if fmt == "gift":
            result = parse_gift(text, default_source=default_source)
        else:
            result = parse_csv(text)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(PROBLEMS_FOUND.format(count=len(result.problems), path=file))

        with transaction.atomic():
            report = questions_import(bank=question_bank, drafts=result.questions)
            if dry_run:
                transaction.set_rollback(True)
        self.stdout.write(f"{question_bank.slug}: {report.summary()}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
