from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The four reference councils with demo staff, cases and families (``manage.py seed_demo``).
    Installed only by the settings that ask for it (local and test), never in production; nothing
    imports it but those settings and the tests. It has no models."""

    name = "demo"
    verbose_name = "Demo councils"
