"""Where an app above ehc hears of it and adds to it. The layer order (docs/ARCHITECTURE.md) lets hub
import ehc and never the reverse, so where ehc must reach the health hub, ehc defines the hook here and
hub fills it from its AppConfig.ready()."""

from django.dispatch import Signal

# Sent by case_due_refresh, inside the transaction that changed the case, with ``case`` and ``dues``
# (the clock's Due rows): whoever keeps a copy of a due date keeps it following the clock. An advice
# date's key is "advice:<id of the case event that asked>".
case_dues_refreshed = Signal()
