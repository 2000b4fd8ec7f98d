"""gunicorn's production settings, read by docker-compose.yml, the Dockerfile and the bench.

- ``GUNICORN_BIND`` (``0.0.0.0:8000``): where to listen.
- ``GUNICORN_WORKERS`` (2 × CPUs + 1, at most 12): the pages are synchronous Django, so a worker
  waiting on PostgreSQL holds its process; gunicorn's rule of thumb keeps the CPUs busy meanwhile.
  The cap keeps a large host from opening more database connections than PostgreSQL's default
  ``max_connections`` (100) leaves room for beside the Celery worker and the admins' shells.
"""

import os


def _cpus() -> int:
    # The CPUs this process may run on (a container's cpuset), not every CPU of the host.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * _cpus() + 1, 12)))
accesslog = "-"
