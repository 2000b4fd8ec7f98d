"""The restore test (等保2.0 数据备份与恢复): a dump of the database restores into a new database
with the same rankings and the same audit log. Run by .ci/run against PostgreSQL (`-m backup`)."""

import subprocess

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from audit.backups import pg_environment
from audit.models import AuditAction, AuditResult
from audit.services import audit_record
from common.periods import Period
from demo.loading import demo_load
from reporting.services.rankings import period_publish

pytestmark = pytest.mark.backup

COMPARED = {
    "reporting_rankingrun": "SELECT * FROM reporting_rankingrun ORDER BY id",
    "reporting_rankingrow": "SELECT * FROM reporting_rankingrow ORDER BY id",
    "audit_auditevent": "SELECT * FROM audit_auditevent ORDER BY id",
}


def _connect(name: str) -> psycopg.Connection:
    database = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=name,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    )


def _rows(name: str) -> dict[str, list[tuple]]:
    with _connect(name) as conn:
        return {table: conn.execute(sql).fetchall() for table, sql in COMPARED.items()}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_with_the_same_rankings_and_audit_log(tmp_path, capsys):
    assert connection.vendor == "postgresql", (
        "The restore test needs PostgreSQL (pg_dump / pg_restore); .ci/run runs it with the "
        "PostgreSQL DATABASE_URL. It is never skipped."
    )
    demo_load()
    admin = User.objects.get(username="admin")
    period_publish(period=Period(2022, 9), actor=admin)
    audit_record(action=AuditAction.LOGIN_FAILED, username="restore-check", result=AuditResult.FAILURE)

    call_command("backup_db", "--output", str(tmp_path))
    dump = next(tmp_path.glob("investtrack-*.dump"))
    assert "已备份到" in capsys.readouterr().out

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    env = pg_environment(settings.DATABASES["default"])
    with _connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        conn.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
            env=env,
            check=True,
            capture_output=True,
        )
        original, copy = _rows(source), _rows(restored)
        assert original["reporting_rankingrow"], "nothing was ranked"
        assert any(row for row in original["audit_auditevent"] if "restore-check" in row)
        for table in COMPARED:
            assert copy[table] == original[table], table
        # The restored log is append-only too: the trigger came back with the dump.
        with _connect(restored) as conn, pytest.raises(psycopg.errors.RaiseException):
            conn.execute("UPDATE audit_auditevent SET username = 'x'")
    finally:
        with _connect("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored}"')
