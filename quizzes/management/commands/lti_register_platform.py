"""Register a learning platform (LTI 1.3) with the values it shows for the psoasquiz tool."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.lti.keys import tool_key
from quizzes.services.lti import PlatformInvalid, lti_platform_register


class Command(BaseCommand):
    help = (
        "Register (or update) an LTI 1.3 platform: Moodle, Canvas, Open edX. Run again with "
        "another --deployment-id to add a deployment."
    )

    def add_arguments(self, parser):
        parser.add_argument("--issuer", required=True, help="Platform ID (iss).")
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--login-url", required=True, help="Authentication request URL.")
        parser.add_argument("--token-url", required=True, help="Access token URL.")
        keys = parser.add_mutually_exclusive_group(required=True)
        keys.add_argument("--keyset-url", help="Public keyset URL.")
        keys.add_argument("--keyset-file", help="A JWKS file, for platforms without a URL.")
        parser.add_argument(
            "--deployment-id", action="append", required=True, dest="deployment_ids"
        )
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--audience", default="", help="Token audience, when not the token URL (Canvas)."
        )
        parser.add_argument(
            "--frame-ancestor",
            action="append",
            dest="frame_ancestors",
            help="Origin allowed to frame psoasquiz (default: the login URL's origin).",
        )

    def handle(self, *args, **options):
        keyset = None
        if options["keyset_file"]:
            try:
                keyset = json.loads(Path(options["keyset_file"]).read_text())
            except (OSError, ValueError) as error:
                raise CommandError(f"Could not read the keyset file: {error}") from error
        frame = options["frame_ancestors"]
        try:
            platform, created = lti_platform_register(
                issuer=options["issuer"],
                client_id=options["client_id"],
                login_url=options["login_url"],
                token_url=options["token_url"],
                keyset_url=options["keyset_url"] or "",
                keyset=keyset,
                deployment_ids=options["deployment_ids"],
                name=options["name"],
                audience=options["audience"],
                frame_ancestors=" ".join(frame) if frame else None,
            )
        except PlatformInvalid as invalid:
            raise CommandError(" ".join(invalid.errors.values())) from invalid
        tool_key()
        deployments = ", ".join(d.deployment_id for d in platform.deployments.all())
        verb = "Registered" if created else "Updated"
        self.stdout.write(f"{verb} {platform} ({platform.issuer}); deployments: {deployments}.")
