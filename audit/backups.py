"""Database backups (等保2.0 数据备份与恢复): a full dump that restores on its own.

PostgreSQL is dumped with pg_dump's custom format (restore with pg_restore into an empty database);
a SQLite database with SQLite's online backup API, which copies a consistent snapshot while the
application keeps writing.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone


def pg_environment(database: dict) -> dict[str, str]:
    """libpq's environment for a DATABASES entry, so no password appears on a command line."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            env[name] = str(database[key])
    return env


def database_backup(*, output_dir: Path, alias: str = "default") -> Path:
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    database = settings.DATABASES[alias]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        target = output_dir / f"investtrack-{stamp}.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", database["NAME"]],
            env=pg_environment(database),
            check=True,
            capture_output=True,
        )
        return target
    if vendor == "sqlite":
        target = output_dir / f"investtrack-{stamp}.sqlite3"
        connection = connections[alias]
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    raise NotImplementedError(f"不支持备份 {vendor} 数据库")
