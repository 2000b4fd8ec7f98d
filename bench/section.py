"""Run one section against one profile's database: ``python -m bench.section NAME PROFILE``.

Prints the section's lines as one JSON document after the marker line, for ``bench.__main__``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

from .harness import database_url

MARKER = "=== bench lines ==="


def setup_django(profile: str) -> None:
    os.environ["DATABASE_URL"] = database_url(profile)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investtrack.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()


def main(argv: list[str]) -> None:
    name, profile, *args = argv
    setup_django(profile)
    module = importlib.import_module(f"bench.sections.{name}")
    lines = module.measure(profile, *args)
    print(MARKER)
    print(json.dumps([line.as_dict() for line in lines], ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
