import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from quizzes.models import Role
from quizzes.services.accounts import user_create


class Command(BaseCommand):
    help = "Create a student or instructor account (staff accounts: createsuperuser)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, default=Role.STUDENT)
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Name shown to others.")
        parser.add_argument(
            "--password", help="Asked for when left out (keeps it out of shell history)."
        )

    def handle(self, *args, username, role, email, name, password, **options):
        password = password or getpass.getpass("Password: ")
        try:
            user = user_create(
                username=username, password=password, role=role, email=email, display_name=name
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Created {user.role} {user.username}.")
