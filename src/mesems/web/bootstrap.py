"""Starting Django from the CLI, outside manage.py."""

from __future__ import annotations

import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesems.web.settings")
    import django

    django.setup()
