"""`manage.py api_token create|revoke|list --user U [--name N]`: a person's API tokens."""

from django.core.management.base import BaseCommand, CommandError

from quizzes.models import ApiToken, User
from quizzes.services.api_tokens import TokenRefused, api_token_create, api_token_revoke

NO_USER = "There is no user named {username!r}."
NAME_NEEDED = "--name is needed to {action} a token."
NO_TOKEN = "{username} has no active token named {name!r}."


class Command(BaseCommand):
    help = "Create, revoke or list a user's API tokens. A new token's secret is printed once."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("--user", required=True, help="The username.")
        parser.add_argument("--name", help="The token's name (create, revoke).")

    def handle(self, *args, action, user, name, **options):
        person = User.objects.filter(username=user).first()
        if person is None:
            raise CommandError(NO_USER.format(username=user))
        if action == "list":
            return self._list(person)
        if not name:
            raise CommandError(NAME_NEEDED.format(action=action))
        if action == "create":
            try:
                new = api_token_create(user=person, name=name)
            except TokenRefused as refusal:
                raise CommandError(str(refusal)) from None
            self.stderr.write(
                f"Created token {new.token.name!r} for {person.username}. It is shown only now; "
                "send it as 'Authorization: Bearer <token>'."
            )
            # Only the secret on stdout, so a script can capture it alone.
            self.stdout.write(new.secret)
            return None
        token = ApiToken.objects.filter(user=person, name=name, revoked_at__isnull=True).first()
        if token is None:
            raise CommandError(NO_TOKEN.format(username=person.username, name=name))
        api_token_revoke(user=person, token_id=token.pk)
        self.stdout.write(f"Revoked token {name!r} of {person.username}.")
        return None

    def _list(self, person: User) -> None:
        tokens = ApiToken.objects.filter(user=person).order_by("revoked_at", "-created_at")
        if not tokens:
            self.stdout.write(f"{person.username} has no API tokens.")
            return
        for token in tokens:
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.name}\t{token.prefix}…\tcreated {token.created_at:%Y-%m-%d %H:%M}"
                f"\tlast used {used}\t{state}"
            )
