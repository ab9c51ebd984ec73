import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import council_create


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

    def handle(self, *args, name, short_name, schema, domains, **options):
        started = time.monotonic()
        try:
            result = council_create(
                name=name, short_name=short_name or name, schema_name=schema, domains=domains
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from error
        verb = "Created" if result.created else "Already existed:"
        self.stdout.write(
            f"{verb} {result.council.name} (schema {result.council.schema_name}) "
            f"at {', '.join(result.council.domains.values_list('domain', flat=True))} "
            f"in {time.monotonic() - started:.2f}s"
        )
