from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.interchange.apkg import write_apkg
from quizzes.interchange.csvfile import export_csv
from quizzes.interchange.gift import export_gift
from quizzes.selectors.export import bank_by_slug, bank_drafts

BANK_NOT_FOUND = "no bank with the slug {slug!r}."
APKG_NEEDS_FILE = "an Anki deck is a binary file; give --output a file name, not '-'."


class Command(BaseCommand):
    help = "Export a bank's current questions as GIFT, CSV or an Anki deck (.apkg)."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True, help="slug of the bank")
        parser.add_argument("--format", required=True, choices=["gift", "csv", "apkg"])
        parser.add_argument("--output", required=True, help="file to write, or - for stdout")

    def handle(self, *args, bank: str, format: str, output: str, **options):
        question_bank = bank_by_slug(bank)
        if question_bank is None:
            raise CommandError(BANK_NOT_FOUND.format(slug=bank))
        if format == "apkg" and output == "-":
            raise CommandError(APKG_NEEDS_FILE)
        drafts = bank_drafts(question_bank)
        skipped = []
        if format == "apkg":
            payload = write_apkg(drafts, deck_name=question_bank.title, bank_slug=bank)
        else:
            exported = export_gift(drafts) if format == "gift" else export_csv(drafts)
            payload, skipped = exported.text.encode("utf-8"), exported.skipped
        # With '-' the file goes to stdout, so the notes go to stderr.
        notes = self.stderr if output == "-" else self.stdout
        if output == "-":
            self.stdout.write(payload.decode("utf-8"), ending="")
        else:
            try:
                Path(output).write_bytes(payload)
            except OSError as error:
                raise CommandError(f"cannot write {output}: {error.strerror}") from None
        for key, why in skipped:
            notes.write(f"not exported: {key}: {why}")
        notes.write(
            f"{question_bank.slug}: {len(drafts) - len(skipped)} questions exported"
            + (f", {len(skipped)} skipped" if skipped else "")
        )
