"""One export in a fresh process, for its peak memory: ``python -m bench.sections.exports_memory EXPORT``.

``EXPORT`` is ``bulletin`` (the ``export_bulletin`` command writing the open period's 通报 workbook
to a file, content included) or ``ledger`` (the 项目清单 export as the page serves it). The database is
the one ``DATABASE_URL`` names. Prints ``{"peak_mib": …}``: the process's peak resident memory during the
export minus its resident memory just before it, so Django's own start-up does not count.

The peak is the kernel's high-water mark (``VmHWM``), reset just before the export through
``/proc/self/clear_refs``. ``harness.peak_rss_mib`` (``ru_maxrss``) cannot serve here: it keeps the
start-up's peak, and a process started by ``subprocess`` (vfork, then exec) inherits its parent's,
so every export measured the same 21.9 MiB.
"""

from __future__ import annotations

import gc
import io
import json
import os
import sys
import tempfile
from pathlib import Path


def status_mib(field: str) -> float:
    """``VmRSS`` or ``VmHWM`` of this process, in MiB (Linux reports kB)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1]) / 1024


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # resets the high-water mark to the current resident size


def main(export: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "investtrack.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.sections.exports import ledger_export, ledger_request, open_period

    period = open_period()
    request = ledger_request()
    output = Path(tempfile.mkdtemp()) / "bulletin.xlsx"
    run = {
        "bulletin": lambda: call_command(
            "export_bulletin", period=str(period), output=output, stdout=io.StringIO()
        ),
        "ledger": lambda: ledger_export(request),
    }[export]
    gc.collect()
    before = status_mib("VmRSS")
    reset_peak()
    run()
    peak = status_mib("VmHWM") - before
    output.unlink(missing_ok=True)
    output.parent.rmdir()
    print(json.dumps({"peak_mib": peak, "before_mib": before}))


if __name__ == "__main__":
    main(sys.argv[1])
