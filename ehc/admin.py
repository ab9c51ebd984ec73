"""ehc's pages on the council admin site (Django's admin autodiscovers this module)."""

from ehc.schools import admin as schools_admin  # noqa: F401 (registers the settings' admin)
