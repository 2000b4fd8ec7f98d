"""What every benchmark section shares: a measured line, timing by alternation, the database.

A section measures one thing against its limit *in the same run* and returns ``Line``s; the
figures are ratios because the machines are shared and an absolute time moves from run to run.
Each section runs in its own process (``python -m bench.section NAME PROFILE``) against the
profile's database, so one section's caches and memory never colour another's.
"""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

PROFILES = ("district", "city", "province")
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")


def database_name(profile: str) -> str:
    return f"investtrack_bench_{profile}"


def database_url(profile: str) -> str:
    return f"{SERVER_URL.rstrip('/')}/{database_name(profile)}"


def media_root(database: str) -> str:
    """Where a bench database's stored files (bulletins, exports) live."""
    return os.path.join(tempfile.gettempdir(), "investtrack-bench", database)


def use_database(database: str) -> None:
    """Point Django at a bench database (and its media folder) and set it up."""
    os.environ["DATABASE_URL"] = f"{SERVER_URL.rstrip('/')}/{database}"
    os.environ["MEDIA_ROOT"] = media_root(database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investtrack.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()


@dataclass(frozen=True)
class Line:
    """One printed line: ``value`` against ``limit``, both measured in this run.

    ``goal`` is the largest acceptable ``value / limit`` (1.0 with ``exact`` for "equal"); for an
    absolute goal (errors, p95) ``limit`` is the goal itself.
    """

    figure: str
    profile: str
    value: float
    limit: float
    unit: str
    goal: float
    limit_label: str = ""
    exact: bool = False

    @property
    def ratio(self) -> float:
        if self.limit == 0:
            return 1.0 if self.value == 0 else float("inf")
        return self.value / self.limit

    @property
    def met(self) -> bool:
        return self.value == self.limit if self.exact else self.ratio <= self.goal

    def as_dict(self) -> dict:
        return asdict(self)


def alternate(
    measured: Callable[[], object],
    limit: Callable[[], object],
    *,
    repeat: int = 5,
    warmup: int = 1,
    before: Callable[[], object] | None = None,
) -> tuple[float, float]:
    """Median seconds of ``measured`` and of ``limit``, run turn about so both see the same machine.

    ``before``, when given, runs untimed before every call of either: what puts the database back in
    the state each call would meet in use."""
    prepare = before or (lambda: None)
    for _ in range(warmup):
        prepare()
        measured()
        prepare()
        limit()
    ours, theirs = [], []
    for _ in range(repeat):
        prepare()
        ours.append(_seconds(measured))
        prepare()
        theirs.append(_seconds(limit))
    return statistics.median(ours), statistics.median(theirs)


def _seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_section(name: str, profile: str, *args: str, database: str | None = None):
    """Run ``bench.sections.NAME.measure(PROFILE, *ARGS)`` in a child process; its result, decoded."""
    import json
    import subprocess
    import sys

    from .section import MARKER

    env = dict(os.environ)
    env.pop("BENCH_DATABASE", None)
    if database:
        env["BENCH_DATABASE"] = database
    done = subprocess.run(
        [sys.executable, "-m", "bench.section", name, profile, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    if done.returncode != 0 or MARKER not in done.stdout:
        raise RuntimeError(f"bench.section {name} {profile} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.split(MARKER, 1)[1])


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
