"""Run one section against one profile's database: ``python -m bench.section NAME PROFILE``.

Prints the section's lines as one JSON document after the marker line, for ``bench.__main__``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

from .harness import database_name, use_database

MARKER = "=== bench lines ==="


def main(argv: list[str]) -> None:
    name, profile, *args = argv
    use_database(os.environ.get("BENCH_DATABASE") or database_name(profile))
    module = importlib.import_module(f"bench.sections.{name}")
    lines = module.measure(profile, *args)
    print(MARKER)
    print(json.dumps([line.as_dict() for line in lines], ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
