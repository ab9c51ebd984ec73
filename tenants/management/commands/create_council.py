import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import council_admin_add, council_create


class Command(BaseCommand):
    help = "Create a council: its schema (migrated), its configuration and its domains."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. Oxfordshire County Council")
        parser.add_argument("--short-name", help="e.g. Oxfordshire (defaults to the name)")
        parser.add_argument("--schema", required=True, help="e.g. oxfordshire")
        parser.add_argument(
            "--domain",
            action="append",
            required=True,
            dest="domains",
            help="a host name; repeat for more (the first is the primary)",
        )
        parser.add_argument(
            "--admin-email",
            help="the council's first admin: emailed an invitation to accept (new people set a password)",
        )

    def handle(self, *args, name, short_name, schema, domains, admin_email=None, **options):
        started = time.monotonic()
        try:
            result = council_create(
                name=name, short_name=short_name or name, schema_name=schema, domains=domains
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from error
        if admin_email:
            invitation = council_admin_add(council=result.council, email=admin_email)
            self.stdout.write(
                f"Invitation sent to {invitation.email}: they become a council admin of "
                f"{result.council.name} once they accept it"
            )
        verb = "Created" if result.created else "Already existed:"
        self.stdout.write(
            f"{verb} {result.council.name} (schema {result.council.schema_name}) "
            f"at {', '.join(result.council.domains.values_list('domain', flat=True))} "
            f"in {time.monotonic() - started:.2f}s"
        )
