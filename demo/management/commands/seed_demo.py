from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.councils import COUNCILS
from demo.seed import demo_council_seed
from tenants.services import platform_ensure


class Command(BaseCommand):
    help = "Create (or bring up to date) the four reference councils and their demo staff accounts."

    def add_arguments(self, parser):
        parser.add_argument("--platform-host", default=settings.PLATFORM_HOST)

    def handle(self, *args, platform_host, **options):
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("Demo councils and accounts are never created in production.")
        if not settings.DEMO_PASSWORD:
            raise CommandError("Set DEMO_PASSWORD: the demo accounts' password comes from the environment.")
        platform_ensure(domain=platform_host)
        rows = []
        for spec in COUNCILS:
            council, emails = demo_council_seed(spec=spec, password=settings.DEMO_PASSWORD)
            rows.append((council, emails))
        self.stdout.write(f"\nDemo councils and accounts (password: {settings.DEMO_PASSWORD})\n")
        for council, emails in rows:
            domain = council.domains.get(is_primary=True).domain
            self.stdout.write(f"  {council.name}: http://{domain}:8000/")
            for email, role in emails:
                self.stdout.write(f"      {email:<42} {role}")
        self.stdout.write(f"  Platform: http://{platform_host}:8000/\n")
