#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # Never development's settings by default (config/entry_points.py, checked before `config` loads).
    if not os.environ.get("DJANGO_SETTINGS_MODULE", "").strip():
        sys.exit(
            "Set the DJANGO_SETTINGS_MODULE environment variable: config.settings.production on a "
            "deployed service, config.settings.local for development (make sets it for its own commands)."
        )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
