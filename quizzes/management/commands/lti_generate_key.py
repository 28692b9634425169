"""Make the tool's RSA key pair (done on first use anyway), or rotate it."""

from django.core.management.base import BaseCommand

from quizzes.lti.keys import tool_key, tool_key_generate


class Command(BaseCommand):
    help = "Generate psoasquiz's LTI signing key if there is none; --rotate makes a new one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Retire the active key (still published at /lti/jwks/) and make a new one.",
        )

    def handle(self, *args, **options):
        if options["rotate"]:
            key = tool_key_generate(rotate=True)
            self.stdout.write(f"New active key {key.kid}; the old one stays published.")
            return
        key = tool_key()
        self.stdout.write(f"Active key {key.kid}.")
