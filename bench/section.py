"""Run one section against one profile's database: ``python -m bench.section NAME PROFILE``.

Prints what the section returns (its ``Line``s, or any JSON a parent section asked for) as one
JSON document after the marker line, for ``bench.__main__`` and ``harness.run_section``.
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
    result = module.measure(profile, *args)
    print(MARKER)
    print(json.dumps(result, ensure_ascii=False, default=lambda line: line.as_dict()))


if __name__ == "__main__":
    main(sys.argv[1:])
